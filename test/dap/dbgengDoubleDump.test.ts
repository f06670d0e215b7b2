/**
 * Crash dumps on the dbgeng engine, through the real adapter, against the
 * native double of dbgeng.dll: a launch with "dumpFile" opens the dump
 * (OpenDumpFileWide), which stops where seed 004's stack stops, for the
 * access violation its last event reports. State reads as when stopped
 * live; whatever would run or change the dump is refused before dbgeng is
 * asked (the double logs any such call as a violation). And the dbghelp
 * engine, for real, says that dumps need dbgeng.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { DapError } from '../../client/dapClient';
import { TestSession } from '../support/dapSession';
import { readLines, startWithDouble, type DoubleRun } from '../support/dbgengDouble';
import { dbgengDouble } from '../support/fixtures';
import { minidumpBytes, PROCESSOR_ARCHITECTURE, writeMinidump } from '../support/minidumps';

const RUNASM = 'e:\\test\\runasm\\runasm.cpp';
const READ_ONLY = /this session is a crash dump, which cannot run or be changed/;

type Vars = DebugProtocol.Variable[];

/** A folder with a crash.dmp: the double reads nothing from the file, but the adapter reads its header (client/dumpFile.ts). */
function dumpFolder(): { dir: string; dump: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dbgeng-dump-'));
  const dump = writeMinidump(path.join(dir, 'crash.dmp'));
  return { dir, dump };
}

const failure = (p: Promise<unknown>) => p.then(() => { throw new Error('the request succeeded'); }, (e: DapError) => e);

describe('dbgeng engine against the double: a crash dump', () => {
  let r: DoubleRun;
  let dumpDir: string;
  let dump: string;
  let stop: DebugProtocol.StoppedEvent;
  let frames: DebugProtocol.StackFrame[];
  let bound: DebugProtocol.Breakpoint;
  const events: string[] = [];

  const scopes = async (frameId: number) => (await r.s.dap.request<DebugProtocol.ScopesResponse>('scopes', { frameId })).body.scopes;
  const vars = async (ref: number): Promise<Vars> => (await r.s.dap.request<DebugProtocol.VariablesResponse>('variables', { variablesReference: ref })).body.variables;
  const localsRef = async (frameId: number) => (await scopes(frameId)).find((s) => s.name === 'Locals')!.variablesReference;

  before(async () => {
    ({ dir: dumpDir, dump } = dumpFolder());
    r = await startWithDouble();
    for (const name of ['stopped', 'terminated', 'exited']) r.s.dap.on(name, () => events.push(name));
    const stopped = r.s.waitForStop();
    const [set] = await r.s.launch({ dumpFile: dump, engine: 'dbgeng', dbgengPath: dbgengDouble }, [{ file: RUNASM, lines: [4] }]);
    bound = set!.body.breakpoints[0]!;
    stop = await stopped;
    frames = (await r.s.stackTrace(stop.body.threadId!)).stackFrames;
  });
  after(async () => {
    await r?.dispose();
    fs.rmSync(dumpDir, { recursive: true, force: true });
  });

  it('opens the dump by its path and says so', () => {
    assert.ok(r.output.some((o) => o.includes(`Opened dump ${dump}`)), r.output.join(''));
    const calls = readLines(r.trace);
    assert.ok(calls.some((c) => c.startsWith('OpenDumpFileWide ') && c.includes('crash.dmp') && c.endsWith(' 0x0')), calls.join('\n'));
    assert.ok(calls.includes('dump loaded'));
    assert.ok(calls.some((c) => c.startsWith('GetLastEventInformation ')));
  });

  it('stops, after configurationDone, for the access violation on the main thread', async () => {
    assert.equal(stop.body.reason, 'exception');
    assert.equal(stop.body.threadId, 4242);
    assert.match(stop.body.text ?? '', /Access violation reading location 0x0 \(second chance\)/);
    const info = await r.s.dap.request<DebugProtocol.ExceptionInfoResponse>('exceptionInfo', { threadId: 4242 });
    assert.equal(info.body.exceptionId, '0xc0000005');
    assert.match(info.body.description ?? '', /^Access violation reading location 0x0 \(second chance\) at 0x12412f0$/);
    assert.equal(info.body.breakMode, 'unhandled');
  });

  it("shows seed 004's stack, helper (Inline) on top", () => {
    assert.deepEqual(frames.slice(0, 3).map((f) => [f.name, f.line]), [['helper (Inline)', 4], ['main', 32], ['invoke_main (Inline)', 74]]);
    assert.equal(frames.length, 7);
  });

  it("shows the inline frame's own locals", async () => {
    const locals = await vars(await localsRef(frames[0]!.id));
    assert.deepEqual(locals.map((v) => [v.name, v.value]), [['only_in_helper', '7'], ['pt', '{...}']]);
  });

  it('reads memory and lists threads and registers', async () => {
    const mem = await r.s.dap.request<DebugProtocol.ReadMemoryResponse>('readMemory', { memoryReference: '0x29fd30', count: 4 });
    assert.deepEqual([...Buffer.from(mem.body!.data!, 'base64')], [7, 0, 0, 0]);
    const threads = (await r.s.dap.request<DebugProtocol.ThreadsResponse>('threads')).body.threads;
    assert.deepEqual(threads.map((t) => t.id), [4242, 4243]);
    const regs = await vars((await scopes(frames[0]!.id)).find((s) => s.name === 'Registers')!.variablesReference);
    assert.ok(regs.some((v) => v.name === 'rip'), JSON.stringify(regs));
  });

  it('evaluates in the inline frame, lists modules and passes the raw inline contexts through', async () => {
    const value = await r.s.dap.request<DebugProtocol.EvaluateResponse>('evaluate', { expression: 'only_in_helper', frameId: frames[0]!.id, context: 'watch' });
    assert.equal(value.body.result, '7');
    const modules = (await r.s.dap.request<DebugProtocol.ModulesResponse>('modules', {})).body.modules;
    assert.deepEqual(modules.map((m) => m.name).sort(), ['kernel32', 'runasm']);
    const raw = (await r.s.dap.request('rawInlineFrameContext', { threadId: 4242 })).body as { frames: { inlineFrameContext: string }[] };
    assert.deepEqual(raw.frames.slice(0, 2).map((f) => f.inlineFrameContext), ['25ed0200', '25ed0100']);
  });

  it('leaves source, function and instruction breakpoints unverified, saying why', async () => {
    const why = /A crash dump cannot run, so a breakpoint can never be hit/;
    assert.equal(bound.verified, false);
    assert.match(bound.message ?? '', why);
    const fn = (await r.s.dap.request<DebugProtocol.SetFunctionBreakpointsResponse>('setFunctionBreakpoints', { breakpoints: [{ name: 'main' }] })).body.breakpoints[0]!;
    assert.equal(fn.verified, false);
    assert.match(fn.message ?? '', why);
    const insn = (await r.s.dap.request<DebugProtocol.SetInstructionBreakpointsResponse>('setInstructionBreakpoints', { breakpoints: [{ instructionReference: '0x12412f0' }] })).body.breakpoints[0]!;
    assert.equal(insn.verified, false);
    assert.match(insn.message ?? '', why);
  });

  it('refuses continue, next, stepIn and stepOut with the reason, and still shows the stop', async () => {
    for (const [command, what] of [['continue', 'continue'], ['next', 'step'], ['stepIn', 'step'], ['stepOut', 'step']] as const) {
      const err = await failure(r.s.dap.request(command, { threadId: 4242 }));
      assert.ok(err instanceof DapError, command);
      assert.match(err.message, READ_ONLY, command);
      assert.match(err.message, new RegExp(`^Cannot ${what}:`), command);
    }
    const again = (await r.s.stackTrace(4242)).stackFrames;
    assert.equal(again[0]!.name, 'helper (Inline)');
    assert.deepEqual(await vars(await localsRef(again[0]!.id)).then((v) => v[0]!.value), '7');
  });

  it('refuses setVariable, writeMemory and pause with the reason', async () => {
    const set = await failure(r.s.dap.request('setVariable', { variablesReference: await localsRef(frames[0]!.id), name: 'only_in_helper', value: '42' }));
    assert.match(set.message, /Cannot change a variable: this session is a crash dump/);
    const write = await failure(r.s.dap.request('writeMemory', { memoryReference: '0x29fd30', data: Buffer.from([1]).toString('base64') }));
    assert.match(write.message, READ_ONLY);
    const pause = await failure(r.s.dap.request('pause', { threadId: 4242 }));
    assert.match(pause.message, READ_ONLY);
    const locals = await vars(await localsRef(frames[0]!.id));
    assert.equal(locals[0]!.value, '7');
  });

  it('ends cleanly at disconnect (EndSession), with no violation at all', async () => {
    await r.s.dap.request('disconnect', {});
    await r.s.conn.close();
    const calls = readLines(r.trace);
    assert.ok(calls.includes('EndSession 0'), calls.slice(-10).join('\n'));
    assert.ok(!calls.some((c) => /^(SetExecutionStatus|SetInterrupt|AddBreakpoint2|WriteVirtual|WriteSymbolWide|SetValues2|TerminateProcesses)/.test(c)), 'nothing that runs or changes the dump');
    assert.deepEqual(events.filter((e) => e === 'stopped'), ['stopped']);
    assert.ok(events.includes('terminated'));
    assert.deepEqual(readLines(r.log), []);
  });
});

describe('crash dumps: launch errors', () => {
  let dumpDir: string;
  let dump: string;
  before(() => ({ dir: dumpDir, dump } = dumpFolder()));
  after(() => fs.rmSync(dumpDir, { recursive: true, force: true }));

  it('the dbghelp engine (for real, under Wine) says dumps need the dbgeng engine', async () => {
    const s = await TestSession.start();
    try {
      const err = await failure(s.dap.request('launch', { dumpFile: dump, engine: 'dbghelp' }));
      assert.ok(err instanceof DapError);
      assert.match(err.message, /crash dumps need the dbgeng engine/);
      assert.match(err.message, /Set "engine" to "dbgeng"/);
    } finally {
      await s.close();
    }
  });

  it('refuses program and dumpFile together, neither, and a missing dump', async () => {
    const s = await TestSession.start();
    try {
      const both = await failure(s.dap.request('launch', { dumpFile: dump, program: dump, engine: 'dbgeng', dbgengPath: dbgengDouble }));
      assert.match(both.message, /has both "program" and "dumpFile"/);
      const neither = await failure(s.dap.request('launch', { engine: 'dbgeng', dbgengPath: dbgengDouble }));
      assert.match(neither.message, /no "program".*or "dumpFile"/);
      const missing = await failure(s.dap.request('launch', { dumpFile: path.join(dumpDir, 'nope.dmp'), engine: 'dbgeng', dbgengPath: dbgengDouble }));
      assert.match(missing.message, /The crash dump ".*nope\.dmp" does not exist/);
    } finally {
      await s.close();
    }
  });

  it('refuses a dump that lies, saying what the file is, before dbgeng sees it; the session then opens a good one', async () => {
    const bad: [string, Buffer | string, RegExp][] = [
      ['empty.dmp', '', /is empty \(0 bytes\), not a crash dump/],
      ['cut.dmp', minidumpBytes().subarray(0, 60), /is cut short: it has 60 bytes, but stream 0 \(type 7\) runs to byte/],
      ['notes.dmp', 'not a dump at all\n', /is not a crash dump: it starts with "not ", not "MDMP"/],
      ['x86.dmp', minidumpBytes({ architecture: PROCESSOR_ARCHITECTURE.x86, threads: true }), /crash dump of a 32-bit x86 process; this debugger debugs x64 programs/],
    ];
    const s = await TestSession.start();
    try {
      for (const [name, bytes, message] of bad) {
        const file = path.join(dumpDir, name);
        fs.writeFileSync(file, bytes);
        const err = await failure(s.dap.request('launch', { dumpFile: file, engine: 'dbgeng', dbgengPath: dbgengDouble }));
        assert.ok(err instanceof DapError, name);
        assert.match(err.message, message, name);
        assert.doesNotMatch(err.message, /\n\s+at /, `${name}: no JavaScript stack in the message`);
      }
      const stopped = s.dap.waitFor<DebugProtocol.StoppedEvent>('stopped', 60_000);
      await s.launch({ dumpFile: dump, engine: 'dbgeng', dbgengPath: dbgengDouble });
      assert.equal((await stopped).body.reason, 'exception');
    } finally {
      await s.close();
    }
  });
});
