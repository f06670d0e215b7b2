/**
 * Microsoft's own dbgeng.dll (from Microsoft.Debugging.Platform.DbgEng,
 * loaded under Wine by the adapter that client/platformChoice.ts starts on
 * it) debugging a PDB program, through the real adapter: the whole job.
 *
 * Expectations come from the source markers and from the PDB's own records
 * (test/support/pdbRecords.ts decodes the S_INLINESITE annotations and the
 * line tables), never from what an engine printed.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { installedPlatform } from '../../client/platformChoice';
import { fixtureExe, fixturePdb, fixtureSource, repoRoot } from '../support/fixtures';
import { markerLine } from '../support/markers';
import { imageBase, inlineSites, rangesOfLine, stackShownAt } from '../support/pdbRecords';
import { TestSession } from '../support/dapSession';
import { startSpinningProgram } from '../support/runningProgram';

const SAMPLE_C = fixtureSource('sample.c');
const SAMPLE = fixtureExe('sample', 'pdb');
const SAMPLE_PDB = fixturePdb('sample');
const MANY_C = fixtureSource('inline_many.c');
const MANY = fixtureExe('inline_many', 'pdb');
const MANY_PDB = fixturePdb('inline_many');
const skip = installedPlatform(repoRoot) ? false : "Microsoft's debugger platform is not installed: run `npm run setup` with dotnet on PATH";

type Vars = DebugProtocol.Variable[];
const baseName = (f: DebugProtocol.StackFrame) => f.name.replace(/ \(Inline\)$/, '');
/** The top row the records say a stop at `frame`'s address shows. */
const shownAt = (frame: DebugProtocol.StackFrame) => {
  const f = stackShownAt(SAMPLE_PDB, imageBase(SAMPLE), [BigInt(frame.instructionPointerReference!)])[0]!;
  return { name: f.inline ? `${f.name} (Inline)` : f.name, line: f.line };
};
const toWindows = (p: string) => (process.platform === 'win32' ? p : `Z:${p.replace(/\//g, '\\')}`);

describe("Microsoft's dbgeng on a PDB program: stack, values, steps, dump", { skip }, () => {
  let s: TestSession;
  let stop: DebugProtocol.StoppedEvent;
  let frames: DebugProtocol.StackFrame[];
  let bound: DebugProtocol.Breakpoint[];
  const output: string[] = [];
  const dump = path.join(os.tmpdir(), `dbgeng-inline-msdbgeng-${process.pid}.dmp`);

  const scopes = async (frameId: number) => (await s.dap.request<DebugProtocol.ScopesResponse>('scopes', { frameId })).body.scopes;
  const vars = async (ref: number): Promise<Vars> => (await s.dap.request<DebugProtocol.VariablesResponse>('variables', { variablesReference: ref })).body.variables;
  const scope = async (frameId: number, name: string) => vars((await scopes(frameId)).find((x) => x.name === name)!.variablesReference);

  before(async () => {
    s = await TestSession.start(undefined, { engine: 'auto', program: SAMPLE });
    s.dap.on('output', (e: DebugProtocol.OutputEvent) => output.push(e.body.output));
    const stopped = s.waitForStop(60_000);
    const [bp] = await s.launch({ program: SAMPLE, engine: 'auto' }, [{ file: SAMPLE_C, lines: [markerLine(SAMPLE_C, '#BP helper')] }]);
    bound = bp!.body.breakpoints;
    stop = await stopped;
    frames = (await s.stackTrace(stop.body.threadId!)).stackFrames;
  });
  after(async () => {
    await s?.close();
    fs.rmSync(dump, { force: true });
  });

  it("chose Microsoft's dbgeng for the PDB program, and says which, its version and why", () => {
    const line = output.find((o) => o.startsWith('Engine:')) ?? '';
    assert.match(line, /^Engine: dbgeng engine: Microsoft's dbgeng 10\.0\.\d+\.\d+ \(.*ms-platform\\amd64\\dbgeng\.dll\), on Microsoft's dbghelp 10\.0\.\d+\.\d+/);
    assert.match(line, /the program's debug directory names the PDB .*sample\.pdb/);
  });

  it('binds the breakpoint at every address the records give the line', () => {
    const base = imageBase(SAMPLE);
    const want = rangesOfLine(SAMPLE_PDB, SAMPLE_C, markerLine(SAMPLE_C, '#BP helper')).map((r) => `0x${(base + r.rva).toString(16)}`);
    assert.equal(bound[0]!.verified, true, bound[0]!.message);
    assert.ok(want.length > 0);
    assert.equal(stop.body.reason, 'breakpoint');
    assert.ok(want.includes(frames[0]!.instructionPointerReference!), `${frames[0]!.instructionPointerReference} in ${want.join(', ')}`);
  });

  it('shows helper and middle as inline frames, each named for itself, then outer and main', () => {
    assert.deepEqual(frames.slice(0, 4).map((f) => f.name), ['helper (Inline)', 'middle (Inline)', 'outer', 'main']);
  });

  it("gives every frame the line the PDB's records give its address (callers at return address - 1)", () => {
    const top = frames.slice(0, 4);
    const physical = top.filter((f) => !f.name.endsWith(' (Inline)')).map((f) => BigInt(f.instructionPointerReference!));
    const want = stackShownAt(SAMPLE_PDB, imageBase(SAMPLE), physical).map((f) => ({ name: f.inline ? `${f.name} (Inline)` : f.name, line: f.line }));
    assert.deepEqual(top.map((f) => ({ name: f.name, line: f.line || undefined })), want);
    // ... and the markers agree with the records where the records have a line.
    assert.equal(frames[0]!.line, markerLine(SAMPLE_C, '#BP helper'));
    assert.equal(frames[1]!.line, markerLine(SAMPLE_C, '#CALL helper from middle'));
    assert.equal(frames[3]!.line, markerLine(SAMPLE_C, '#CALL outer from main'));
  });

  it("lists the inline frame's own locals with their real values", async () => {
    const locals = await scope(frames[0]!.id, 'Locals');
    const args = await scope(frames[0]!.id, 'Arguments');
    const all = Object.fromEntries([...args, ...locals].map((v) => [v.name, v.value]));
    assert.deepEqual(Object.keys(all).sort(), ['h', 'x']);
    // main(argc = 1) -> outer(1) -> middle(1) -> helper(2): h = 2 * 3.
    assert.equal(all.h, '6');
    const middleVars = [...await scope(frames[1]!.id, 'Arguments'), ...await scope(frames[1]!.id, 'Locals')].map((v) => v.name).sort();
    assert.deepEqual(middleVars, ['m', 'x'], "middle's frame has middle's variables, not helper's");
  });

  it('evaluates in the inline frame', async () => {
    const r = await s.dap.request<DebugProtocol.EvaluateResponse>('evaluate', { expression: 'h', frameId: frames[0]!.id, context: 'watch' });
    assert.equal(r.body.result, '6');
  });

  it('answers a bad expression, an optimized-out parameter and a register itself, and the session goes on (under Wine dbgeng would end it)', async () => {
    const evaluate = (expression: string) => s.dap.request<DebugProtocol.EvaluateResponse>('evaluate', { expression, frameId: frames[0]!.id, context: 'hover' });
    await assert.rejects(evaluate('nosuch'), /"nosuch" is not a local or parameter of this frame/);
    await assert.rejects(evaluate('h +'), /Cannot evaluate "h \+"/);
    await assert.rejects(evaluate('x'), /value unavailable/);
    const rip = (await evaluate('rip')).body.result;
    assert.equal(BigInt(rip), BigInt(frames[0]!.instructionPointerReference!));
    assert.equal((await evaluate('sink + h')).body.result, String(Number((await evaluate('sink')).body.result) + 6));
    assert.equal((await evaluate('h + 0n10')).body.result, '16');
  });

  it("passes the raw InlineFrameContext through, decoded in Microsoft's encoding", async () => {
    const raw = (await s.dap.request('rawInlineFrameContext', { threadId: stop.body.threadId })).body as {
      encoding: string; frames: { inlineFrameContext: string; decoded: { frameTypeNames: string[]; frameId: number; frameSignature: number } }[];
    };
    assert.equal(raw.encoding, 'windows');
    const types = raw.frames.slice(0, 4).map((f) => f.decoded.frameTypeNames);
    assert.ok(types[0]!.includes('INLINE') && types[1]!.includes('INLINE'), JSON.stringify(types));
    assert.ok(!types[2]!.includes('INLINE') && !types[3]!.includes('INLINE'), JSON.stringify(types));
    // One signature for the whole walk, as Microsoft's dbgeng hands it out.
    assert.equal(new Set(raw.frames.map((f) => f.decoded.frameSignature)).size, 1);
  });

  it('writes a minidump at the stop that opens to the same stack', async () => {
    const written = await s.dap.request<DebugProtocol.EvaluateResponse>('evaluate', { expression: `.dump /m ${toWindows(dump)}`, context: 'repl' });
    assert.match(written.body.result, /Dump successfully written|Creating/, written.body.result);
    assert.ok(fs.statSync(dump).size > 0);
    const d = await TestSession.start(undefined, { engine: 'dbgeng', dumpFile: dump });
    try {
      const stopped = d.waitForStop(60_000);
      await d.launch({ dumpFile: dump, engine: 'dbgeng' });
      const ds = await stopped;
      const again = (await d.stackTrace(ds.body.threadId!)).stackFrames;
      assert.deepEqual(again.slice(0, 4).map((f) => [f.name, f.line]), frames.slice(0, 4).map((f) => [f.name, f.line]));
    } finally {
      await d.close();
    }
  });

  it('disassembles at the stop with dbgeng\'s own text, and reads the registers and the memory there', async () => {
    const ip = frames[0]!.instructionPointerReference!;
    const body = (await s.dap.request<DebugProtocol.DisassembleResponse>('disassemble', { memoryReference: ip, instructionOffset: 0, instructionCount: 4, resolveSymbols: true })).body!;
    assert.equal(body.instructions.length, 4);
    assert.equal(BigInt(body.instructions[0]!.address), BigInt(ip));
    assert.match(body.instructions[0]!.instruction, /^[a-z]+/);
    const regs = await scope(frames[0]!.id, 'Registers');
    assert.equal(BigInt(regs.find((v) => v.name === 'rip')!.value), BigInt(ip));
    const mem = (await s.dap.request<DebugProtocol.ReadMemoryResponse>('readMemory', { memoryReference: ip, count: 8 })).body!;
    const bytes = Buffer.from(mem.data!, 'base64');
    assert.equal(bytes.length, 8);
    const code = fs.readFileSync(SAMPLE);
    // The bytes at the stop are the program's own (the breakpoint's int3 hidden): find them in the file.
    assert.ok(code.includes(bytes), `bytes ${bytes.toString('hex')} at ${ip} are not in ${SAMPLE}`);
  });

  it('lists the program as a module with its PDB loaded, and runs WinDbg commands in the Debug Console', async () => {
    const modules = (await s.dap.request<DebugProtocol.ModulesResponse>('modules', {})).body.modules;
    const exe = modules.find((m) => m.name === 'sample');
    assert.ok(exe, modules.map((m) => m.name).join(', '));
    assert.match(exe.symbolStatus ?? '', /pdb|symbols loaded/i);
    const k = await s.dap.request<DebugProtocol.EvaluateResponse>('evaluate', { expression: 'k', context: 'repl' });
    assert.match(k.body.result, /\(Inline Function\)[^\n]*sample!helper/);
  });

  it('answers bu on a function that exists only inlined itself, since under Wine dbgeng would end the session on it, and goes on', async () => {
    const r = await s.dap.request<DebugProtocol.EvaluateResponse>('evaluate', { expression: 'bu sample!helper', context: 'repl' });
    const expected = process.platform === 'win32' ? /./ : /^sample!helper exists only inlined\. Under Wine, dbgeng's bp and bu on such a function end the debugger process.*Use "bm sample!helper"/;
    assert.match(r.body.result, expected);
    const k = await s.dap.request<DebugProtocol.EvaluateResponse>('evaluate', { expression: 'k', context: 'repl' });
    assert.match(k.body.result, /sample!helper/);
  });

  /** Steps, and gives the stack where the step stopped. */
  const step = async (kind: 'next' | 'stepOut') => {
    const stepped = s.waitForStop(60_000);
    await s.dap.request(kind, { threadId: stop.body.threadId });
    const st = await stepped;
    assert.equal(st.body.reason, 'step');
    return (await s.stackTrace(st.body.threadId!)).stackFrames;
  };

  it('steps over to the next line the records give, in the same inline frame', async () => {
    const now = await step('next');
    assert.notEqual(now[0]!.instructionPointerReference, frames[0]!.instructionPointerReference);
    const want = shownAt(now[0]!);
    assert.deepEqual({ name: now[0]!.name, line: now[0]!.line }, want);
    assert.notEqual(now[0]!.line, markerLine(SAMPLE_C, '#BP helper'));
  });

  it("steps out of the inline frame to its caller's line", async () => {
    const now = await step('stepOut');
    assert.equal(baseName(now[0]!), 'middle');
    const want = shownAt(now[0]!);
    assert.deepEqual({ name: now[0]!.name, line: now[0]!.line }, want);
  });

  it("runs to the end with the program's own exit code, and what it printed reaches the client", async () => {
    const exited = s.dap.waitFor<DebugProtocol.ExitedEvent>('exited', 60_000);
    const printed: string[] = [];
    s.dap.on('output', (e: DebugProtocol.OutputEvent) => e.body.category === 'stdout' && printed.push(e.body.output));
    await s.dap.request('continue', { threadId: stop.body.threadId });
    assert.equal((await exited).body.exitCode, 19);
    // sample.c's printf at its end: outer(1) = 19 for no arguments (argc 1: helper(2) = 7, middle 14, outer 19, the exit code).
    assert.match(printed.join(''), /^outer\(1\) = 19\r?\n$/);
    // dbgeng's complaint that it cannot take a breakpoint out of the dead process is not the program's.
    assert.ok(!output.join('').includes('Unable to remove breakpoint'), output.join(''));
  });
});

/** Attaches Microsoft's dbgeng to a running program and pauses it; the session's output is collected from the start. */
async function attachAndPause(pid: number): Promise<{ s: TestSession; output: string[]; stop: DebugProtocol.StoppedEvent }> {
  const s = await TestSession.start(undefined, { engine: 'dbgeng', processId: pid });
  const output: string[] = [];
  s.dap.on('output', (e: DebugProtocol.OutputEvent) => output.push(e.body.output));
  try {
    const initialized = s.dap.waitFor('initialized', 60_000);
    await s.dap.request('attach', { processId: pid, engine: 'dbgeng' });
    await initialized;
    await s.dap.request('configurationDone');
    const stopped = s.waitForStop(30_000);
    await s.dap.request('pause', { threadId: 0 });
    return { s, output, stop: await stopped };
  } catch (e) {
    await s.conn.close();
    throw e;
  }
}

describe("Microsoft's dbgeng: attach and detach", { skip }, () => {
  it('attaches to a running PDB program, shows its stack, and detaches leaving it running', async () => {
    const program = await startSpinningProgram('pdb');
    try {
      const { s, output, stop: st } = await attachAndPause(program.pid);
      try {
        const threads = (await s.dap.request<DebugProtocol.ThreadsResponse>('threads')).body.threads;
        const names: string[] = [];
        for (const t of threads) names.push(...(await s.stackTrace(t.id, 0, 20)).stackFrames.map((f) => f.name));
        assert.ok(names.includes('spin_forever'), `stopped (${st.body.reason}); frames: ${names.join(', ')}`);
        assert.ok(output.some((o) => /^Engine: dbgeng engine: Microsoft's dbgeng/.test(o)), output.join(''));
        await s.dap.request('disconnect', {});
      } finally {
        await s.conn.close();
      }
      await new Promise((r) => setTimeout(r, 500));
      assert.equal(program.exited, false, 'the program runs on after detach');
    } finally {
      program.stop();
    }
  });
});

describe("Microsoft's dbgeng: attach, change the program, detach", { skip }, () => {
  it('attaches, walks the stack, clears keep_spinning with ed, detaches: the program runs on to its own end, exit code 4', async () => {
    const program = await startSpinningProgram('pdb');
    try {
      const { s } = await attachAndPause(program.pid);
      try {
        const threads = (await s.dap.request<DebugProtocol.ThreadsResponse>('threads')).body.threads;
        const walked: string[] = [];
        for (const t of threads) walked.push(...(await s.stackTrace(t.id, 0, 64)).stackFrames.map((f) => f.name));
        assert.ok(walked.includes('spin_forever') && walked.includes('main'), walked.join(', '));
        const ed = await s.dap.request<DebugProtocol.EvaluateResponse>('evaluate', { expression: 'ed inline_many!keep_spinning 0', context: 'repl' });
        const dd = await s.dap.request<DebugProtocol.EvaluateResponse>('evaluate', { expression: 'dd inline_many!keep_spinning L1', context: 'repl' });
        assert.match(dd.body.result, /^[0-9a-f`]+\s+00000000\s*$/m, `ed answered "${ed.body.result}"; dd answered "${dd.body.result}"`);
        await s.dap.request('disconnect', {});
      } finally {
        await s.conn.close();
      }
      // Let go, the program leaves its loop and returns from main by itself.
      await Promise.race([program.ended, new Promise((r) => setTimeout(r, 20_000))]);
      assert.equal(program.exited, true, 'the program ended by itself after detach');
      assert.equal(program.child.exitCode, 4, 'with its own exit code (pidfile mode returns 4)');
    } finally {
      program.stop();
    }
  });
});

describe("Microsoft's dbgeng: a line inlined into several callers", { skip }, () => {
  it('binds one breakpoint to every inlined copy the records list, and stops in each', async () => {
    const line = markerLine(MANY_C, '#BP helper-many');
    const base = imageBase(MANY);
    const copies = rangesOfLine(MANY_PDB, MANY_C, line);
    const sites = inlineSites(MANY_PDB).filter((x) => x.function === 'helper');
    assert.ok(sites.length >= 3, `helper is inlined ${sites.length} times`);
    const s = await TestSession.start(undefined, { engine: 'dbgeng', program: MANY });
    try {
      const first = s.waitForStop(60_000);
      const [bp] = await s.launch({ program: MANY, engine: 'dbgeng' }, [{ file: MANY_C, lines: [line] }]);
      assert.equal(bp!.body.breakpoints[0]!.verified, true, bp!.body.breakpoints[0]!.message);
      const callers: string[] = [];
      let st = await first;
      while (st.body.reason === 'breakpoint') {
        const top = (await s.stackTrace(st.body.threadId!)).stackFrames;
        assert.equal(top[0]!.name, 'helper (Inline)');
        assert.ok(copies.some((r) => BigInt(base + r.rva) === BigInt(top[0]!.instructionPointerReference!)), top[0]!.instructionPointerReference);
        callers.push(top[1]!.name);
        const next = Promise.race([s.waitForStop(60_000), s.dap.waitFor('exited', 60_000).then(() => undefined)]);
        await s.dap.request('continue', { threadId: st.body.threadId });
        const n = await next;
        if (!n) break;
        st = n as DebugProtocol.StoppedEvent;
      }
      assert.deepEqual(callers.sort(), sites.map((x) => x.procedure).sort());
    } finally {
      await s.close();
    }
  });
});
