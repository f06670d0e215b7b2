/**
 * Bad input, to the real adapter under Wine: each gets an error that says
 * what to do, and nothing runs that should not. Programs that cannot be
 * debugged (missing, a folder, not a PE file, 32-bit or ARM64), launch
 * configurations of the wrong shape, attach to a bad process id, unknown
 * and unimplemented requests, breakpoints where there is no code, and a
 * program without debug information.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { fixtureExe, fixtureSource } from '../support/fixtures';
import { markerLine } from '../support/markers';
import { TestSession } from '../support/dapSession';
import { StopQueue, uniqueCopy } from '../support/debuggee';
import { waitUntilGone } from '../support/processes';

const FAULTS_C = fixtureSource('faults.c');
/**
 * gcc's line table puts two rows at a function's first instruction (the
 * opening brace, then the first statement); Wine 8's dbghelp keeps the
 * first, so the first statement of a function has no address of its own
 * and a breakpoint there moves on to the next line with code.
 */
const WINE_FIRST_STATEMENT = process.platform === 'win32' ? undefined : "Wine 8's dbghelp gives a function's first instruction the line of its opening brace";

/** The error a launch gets in a fresh session (a failed launch ends that session's use). */
async function launchError(args: Record<string, unknown>): Promise<string> {
  const s = await TestSession.start();
  try {
    const r = await s.dap.send('launch', args);
    assert.equal(r.success, false, `launch ${JSON.stringify(args)} succeeded`);
    return r.body?.error?.format ?? r.message ?? '';
  } finally {
    await s.close();
  }
}

describe('programs that cannot be debugged', () => {
  let dir: string;

  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dbgeng-badprog-'));
    fs.writeFileSync(path.join(dir, 'notes.exe'), 'This is a text file with an .exe name.\n');
    fs.writeFileSync(path.join(dir, 'mz-only.exe'), Buffer.concat([Buffer.from('MZ'), Buffer.alloc(200)]));
    fs.mkdirSync(path.join(dir, 'folder.exe'));
    // Real 32-bit and ARM64 programs: no C runtime, just an entry point.
    const src = path.join(dir, 'entry.c');
    fs.writeFileSync(src, 'int mainCRTStartup(void) { return 3; }\n');
    for (const [target, out] of [['i686-w64-windows-gnu', 'x86.exe'], ['aarch64-w64-windows-gnu', 'arm64.exe']] as const) {
      execFileSync('clang', [`--target=${target}`, '-nostdlib', '-fuse-ld=lld', `-Wl,-e,${target.startsWith('i686') ? '_' : ''}mainCRTStartup`, '-Wl,--subsystem,console', src, '-o', path.join(dir, out)]);
    }
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('a program that does not exist', async () => {
    assert.match(await launchError({ program: path.join(dir, 'missing.exe') }), /does not exist\. Set "program" to the full path/);
  });

  it('a folder', async () => {
    assert.match(await launchError({ program: path.join(dir, 'folder.exe') }), /is a folder\. Set "program" to the \.exe inside it/);
  });

  it('a file that is not a Windows executable', async () => {
    assert.match(await launchError({ program: path.join(dir, 'notes.exe') }), /is not a Windows executable \(no PE header\)/);
    assert.match(await launchError({ program: path.join(dir, 'mz-only.exe') }), /is not a Windows executable/);
  });

  it('a 32-bit program (until supported): says so, and what to do', async () => {
    assert.match(await launchError({ program: path.join(dir, 'x86.exe') }), /is a 32-bit x86 program; this debugger debugs x64 programs\. Rebuild it for x64/);
  });

  it('an ARM64 program', async () => {
    assert.match(await launchError({ program: path.join(dir, 'arm64.exe') }), /is a ARM64 program|is an ARM64 program/);
  });

  it('a working directory that does not exist', async () => {
    assert.match(await launchError({ program: fixtureExe('sample'), cwd: path.join(dir, 'no-such-folder') }), /does not exist\. Set "cwd" to an existing folder, or leave it out/);
  });
});

describe('launch configurations of the wrong shape', () => {
  let s: TestSession;
  before(async () => {
    s = await TestSession.start();
  });
  after(() => s?.close());

  const cases: [string, unknown, RegExp][] = [
    ['no program', {}, /no "program"\. Set "program" to the full path/],
    ['program not a string', { program: 42 }, /no "program"/],
    ['program blank', { program: '   ' }, /no "program"/],
    ['args a string', { program: 'x.exe', args: 'a b' }, /"args" must be an array of strings, for example/],
    ['args with a number', { program: 'x.exe', args: ['a', 1] }, /"args" must be an array of strings/],
    ['env an array', { program: 'x.exe', env: ['A=1'] }, /"env" must be an object of strings/],
    ['env with a number', { program: 'x.exe', env: { A: 1 } }, /"env" must be an object of strings/],
    ['cwd a number', { program: 'x.exe', cwd: 5 }, /"cwd" must be a folder path/],
    ['stopOnEntry a string', { program: 'x.exe', stopOnEntry: 'yes' }, /"stopOnEntry" must be true or false/],
    ['engine unknown', { program: 'x.exe', engine: 'gdb' }, /"engine" must be "auto", "dbgeng" or "dbghelp"/],
  ];
  for (const [name, args, expected] of cases) {
    it(name, async () => {
      const r = await s.dap.send('launch', args);
      assert.equal(r.success, false);
      assert.match(r.body?.error?.format ?? '', expected);
      assert.equal(r.body?.error?.showUser, true);
    });
  }

  it('arguments that are not an object at all', async () => {
    for (const args of [null, 'program.exe', 7, ['x.exe']]) {
      const r = await s.dap.send('launch', args);
      assert.equal(r.success, false);
      assert.match(r.body?.error?.format ?? '', /Malformed "launch" request: .*(needs "arguments"|"arguments" must be an object)/);
    }
  });

  it('after all that, the session still launches a good configuration', async () => {
    const q = new StopQueue(s.dap);
    await s.launch({ program: fixtureExe('sample') });
    assert.equal((await q.next()).exitCode, 19);
  });
});

describe('requests the adapter does not serve', () => {
  let s: TestSession;
  before(async () => {
    s = await TestSession.start();
  });
  after(() => s?.close());

  it('an unknown request: an error naming it', async () => {
    const r = await s.dap.send('frobnicate', { x: 1 });
    assert.equal(r.success, false);
    assert.match(r.body?.error?.format ?? '', /Unknown request "frobnicate"\. This adapter does not implement it/);
  });

  it('a standard request it has no handler for: an error, never an empty success', async () => {
    for (const command of ['stepBack', 'reverseContinue']) {
      const r = await s.dap.send(command, { threadId: 1 });
      assert.equal(r.success, false, command);
      assert.match(r.body?.error?.format ?? '', /cannot run a program backwards/);
    }
  });

  it('attach, to a bad process id or a gone one: an error that says what to do, never a success', async () => {
    for (const processId of [999999, 0, -1]) {
      const r = await s.dap.send('attach', { processId });
      assert.equal(r.success, false, `attach ${processId} succeeded`);
      assert.ok((r.body?.error?.format ?? '').length > 20, r.body?.error?.format);
    }
  });

  it('a request with no command, or arguments of the wrong type: an error naming the field', async () => {
    const r = await s.dap.send('stackTrace', { threadId: 'main' });
    assert.equal(r.success, false);
    assert.match(r.body?.error?.format ?? '', /Malformed "stackTrace" request: "threadId" must be a whole number/);
    const b = await s.dap.send('setBreakpoints', { source: { path: FAULTS_C }, breakpoints: [{ line: 'ten' }] });
    assert.match(b.body?.error?.format ?? '', /Malformed "setBreakpoints" request: "breakpoints" must be an array of breakpoints with a "line" from 1 \(item 0 is not\)/);
  });
});

describe('breakpoints where there is no code', () => {
  let s: TestSession;
  let bound: DebugProtocol.Breakpoint[];
  let q: StopQueue;

  before(async () => {
    s = await TestSession.start();
    q = new StopQueue(s.dap);
    const [bp] = await s.launch({ program: fixtureExe('faults'), args: ['loop', '3'] }, [
      { file: FAULTS_C, lines: [markerLine(FAULTS_C, '#NOCODE tick'), 100_000, markerLine(FAULTS_C, '#BP tick')] },
    ]);
    bound = bp!.body.breakpoints;
  });
  after(() => s?.close());

  it('a line without code moves to the next line with code', () => {
    assert.equal(bound[0]!.verified, true, bound[0]!.message);
    assert.equal(bound[0]!.line, markerLine(FAULTS_C, '#NEXTCODE tick'));
  });

  it('and stops there', async () => {
    const stop = await q.nextStop();
    assert.equal(stop.body.reason, 'breakpoint');
    assert.ok(stop.body.hitBreakpointIds?.includes(bound[0]!.id!));
    const top = (await s.stackTrace(stop.body.threadId!, 0, 1)).stackFrames[0]!;
    assert.equal(top.name, 'tick');
    assert.equal(top.line, markerLine(FAULTS_C, '#NEXTCODE tick'));
  });

  it('a breakpoint on the first statement of a function stays on it', { todo: WINE_FIRST_STATEMENT }, () => {
    assert.equal(bound[2]!.line, markerLine(FAULTS_C, '#BP tick'));
  });

  it('a line past the end of the file: unverified, with the reason', () => {
    assert.equal(bound[1]!.verified, false);
    assert.match(bound[1]!.message ?? '', /No code for line 100000 of .*faults\.c/);
  });

  it('a file that is not part of the program, and a source without a path: unverified, with the reason', async () => {
    const other = await s.dap.request<DebugProtocol.SetBreakpointsResponse>('setBreakpoints', { source: { path: '/nonexistent/elsewhere.c' }, breakpoints: [{ line: 3 }] });
    assert.equal(other.body.breakpoints[0]!.verified, false);
    assert.match(other.body.breakpoints[0]!.message ?? '', /No code for line 3 of .*elsewhere\.c/);
    const noPath = await s.dap.request<DebugProtocol.SetBreakpointsResponse>('setBreakpoints', { source: { name: 'untitled' }, breakpoints: [{ line: 3 }] });
    assert.equal(noPath.body.breakpoints[0]!.verified, false);
    assert.match(noPath.body.breakpoints[0]!.message ?? '', /need a source file with a path/);
  });
});

describe('a program without debug information', () => {
  it('its stack is still shown, by module and offset, to the bottom', async () => {
    const copy = uniqueCopy('nosyms', 'nosyms');
    const s = await TestSession.start();
    try {
      const q = new StopQueue(s.dap);
      await s.launch({ program: copy.exe });
      const stop = await q.nextStop();
      assert.equal(stop.body.reason, 'exception');
      const trace = await s.stackTrace(stop.body.threadId!, 0, 0);
      const module = copy.name.replace(/\.exe$/, '');
      const ours = trace.stackFrames.filter((f) => f.name.startsWith(`${module}+0x`));
      // leaf_fn, outer_fn, main and the C runtime's start-up, all by offset.
      assert.ok(ours.length >= 4, trace.stackFrames.map((f) => f.name).join(', '));
      assert.ok(trace.stackFrames[0]!.name.startsWith(`${module}+0x`), trace.stackFrames[0]!.name);
      for (const f of ours) {
        assert.equal(f.source, undefined);
        assert.match(f.instructionPointerReference ?? '', /^0x[0-9a-f]+$/);
      }
      assert.equal(trace.totalFrames, trace.stackFrames.length, 'the walk reached the bottom');
      assert.ok(trace.stackFrames.some((f) => /BaseThreadInitThunk|RtlUserThreadStart/.test(f.name)), 'and the system frames below it');
      await s.dap.request('continue', { threadId: stop.body.threadId });
      const run = await q.continueToExit(0);
      assert.equal(run.exitCode, 0);
    } finally {
      await s.close();
      copy.remove();
    }
    assert.deepEqual(await waitUntilGone(copy.name), []);
  });
});
