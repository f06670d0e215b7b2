/**
 * The dbgeng engine, through the real adapter, against the native test
 * double of dbgeng.dll (test/fixtures/dbgeng-double): Wine cannot host the
 * real engine, so this is where the binding's ABI is exercised for real
 * (slots, struct layouts, HRESULTs, callbacks). The double serves seed 004's
 * `kb` stack and logs every call it gets and every wrong one.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { dbgengDouble, fixtureExe } from '../support/fixtures';
import { readLines, startWithDouble, type DoubleRun } from '../support/dbgengDouble';
import { recordedPathOf } from '../../adapter/stack/sources';
import { RUNASM, SEED_004_STACK as SEED_STACK } from '../support/seed004';

const read = readLines;

describe('dbgeng engine against the native double: seed 004 with inline frames', () => {
  let r: DoubleRun;
  let stop: DebugProtocol.StoppedEvent;
  let frames: DebugProtocol.StackFrame[];
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  let raw: any;

  before(async () => {
    r = await startWithDouble();
    const s = r.s;
    const stopped = s.waitForStop();
    await s.launch({ program: fixtureExe('sample'), engine: 'dbgeng', dbgengPath: dbgengDouble });
    stop = await stopped;
    frames = (await s.stackTrace(stop.body.threadId!)).stackFrames;
    raw = (await s.dap.request('rawInlineFrameContext', { threadId: stop.body.threadId })).body;
  });
  after(async () => {
    await r?.s.close();
    fs.rmSync(r.dir, { recursive: true, force: true });
  });

  it('says it chose the dbgeng engine', () => {
    assert.ok(r.output.some((o) => /Engine: dbgeng engine: dbgeng \(.*dbgeng_double\.dll\), on .*dbghelp/.test(o)), r.output.join(''));
  });

  it('stops at the break instruction on the thread dbgeng names', () => {
    assert.equal(stop.body.reason, 'exception');
    assert.equal(stop.body.threadId, 4242);
    assert.match(stop.body.text ?? '', /Break instruction exception/);
  });

  it("gives exactly seed 004's stack: names, files, lines", () => {
    // Seed 004's files are on the machine that built it, not here: named, with no path (see adapter/stack/sources.ts).
    assert.deepEqual(
      frames.map((f) => ({ name: f.name, file: f.source?.path ?? recordedPathOf(f.source), line: f.line })),
      SEED_STACK.map((f) => ({ name: f.name, file: f.file, line: f.line })),
    );
  });

  it('names the files that are not on this machine without a path, deemphasized', () => {
    frames.forEach((f, i) => {
      if (!SEED_STACK[i]!.file) return;
      assert.deepEqual(
        { name: f.source?.name, path: f.source?.path, hint: f.source?.presentationHint },
        { name: SEED_STACK[i]!.file!.replace(/^.*\\/, ''), path: undefined, hint: 'deemphasize' },
        f.name,
      );
    });
  });

  it('passes the raw InlineFrameContext through unchanged, decoded the Windows way', () => {
    assert.equal(raw.encoding, 'windows');
    assert.deepEqual(raw.frames.map((f: { inlineFrameContext: string }) => f.inlineFrameContext), SEED_STACK.map((f) => f.ctx));
    assert.deepEqual(raw.frames.map((f: { decoded: { frameTypeNames: string[] } }) => f.decoded.frameTypeNames), SEED_STACK.map((f) => f.frameType));
    assert.deepEqual(raw.frames.map((f: { decoded: { frameSignature: number } }) => f.decoded.frameSignature), SEED_STACK.map(() => 0x25ed));
  });

  it('names inline frames by inline context and the others by offset', () => {
    assert.deepEqual(raw.frames.map((f: { resolvedBy: string }) => f.resolvedBy), SEED_STACK.map((f) => (f.name.endsWith('(Inline)') ? 'inlineContext' : 'offset')));
    const calls = read(r.trace);
    assert.ok(calls.includes('GetNameByInlineContextWide 0x12412f0 0x25ed0200'));
    assert.ok(calls.includes('GetNameByInlineContextWide 0x124159a 0x25ed8200'));
    assert.ok(calls.includes('GetNameByOffsetWide 0x12412f0'));
    assert.ok(!calls.some((c) => /GetNameByInlineContextWide .* 0x25ed.1/.test(c)), 'no physical frame is named by inline context');
  });

  it('gives main its call-site line from its own inline context, not the inlinee line by offset', () => {
    assert.equal(frames[1]!.line, 32);
    assert.ok(read(r.trace).includes('GetLineByInlineContextWide 0x12412f0 0x25ed0100'));
  });

  it('pages the same frames', async () => {
    const one = await r.s.stackTrace(stop.body.threadId!, 0, 1);
    const rest = await r.s.stackTrace(stop.body.threadId!, 1, 19);
    assert.deepEqual([...one.stackFrames, ...rest.stackFrames], frames);
    assert.equal(rest.totalFrames, 7);
  });

  it('runs .inline 1 through ExecuteWide, and keeps what dbgeng prints while starting out of the console', () => {
    assert.ok(read(r.trace).includes('ExecuteWide .inline 1'));
    assert.ok(!r.output.some((o) => o.includes('executed: .inline 1')), r.output.join(''));
  });

  it('continues to the exit, and the double saw no wrong call', async () => {
    const exited = r.s.dap.waitFor<DebugProtocol.ExitedEvent>('exited');
    await r.s.dap.request('continue', { threadId: stop.body.threadId });
    assert.equal((await exited).body.exitCode, 0);
    await r.s.close();
    assert.deepEqual(read(r.log), []);
  });
});

describe('dbgeng engine against the double with inline support off (.inline 0)', () => {
  let r: DoubleRun;
  let frames: DebugProtocol.StackFrame[];
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  let raw: any;

  before(async () => {
    r = await startWithDouble({ DBGENG_DOUBLE_INLINE: '0' });
    const s = r.s;
    const stopped = s.waitForStop();
    await s.launch({ program: fixtureExe('sample'), engine: 'dbgeng', dbgengPath: dbgengDouble });
    const stop = await stopped;
    frames = (await s.stackTrace(stop.body.threadId!)).stackFrames;
    raw = (await s.dap.request('rawInlineFrameContext', { threadId: stop.body.threadId })).body;
  });
  after(async () => {
    await r?.s.close();
    fs.rmSync(r.dir, { recursive: true, force: true });
  });

  it('shows no inline frames, every context 0xFFFFFFFF', () => {
    assert.deepEqual(frames.map((f) => f.name), ['main', '__scrt_common_main_seh', 'BaseThreadInitThunk', '__RtlUserThreadStart', '_RtlUserThreadStart']);
    assert.ok(raw.frames.every((f: { inlineFrameContext: string }) => f.inlineFrameContext === 'ffffffff'));
    assert.ok(raw.frames.every((f: { decoded: { frameTypeNames: string[] } }) => f.decoded.frameTypeNames.join() === 'IGNORE'));
  });

  it('resolves everything by offset', async () => {
    assert.deepEqual([frames[0]!.line, frames[1]!.line], [32, 264]);
    await r.s.close();
    const calls = read(r.trace);
    assert.ok(!calls.some((c) => c.includes('ByInlineContext')), calls.filter((c) => c.includes('ByInlineContext')).join('\n'));
    assert.ok(calls.includes('GetLineByOffsetWide 0x12412f0'));
    assert.deepEqual(read(r.log), []);
  });
});

describe('dbgeng engine against the double: a logpoint', () => {
  it("logs the message with {only_in_helper} evaluated in the inline frame by dbgeng (AddSymbolWide), and does not stop", async () => {
    const { s, dir, log, trace } = await startWithDouble();
    try {
      const stops: DebugProtocol.StoppedEvent[] = [];
      s.dap.on('stopped', (e: DebugProtocol.StoppedEvent) => stops.push(e));
      const output: string[] = [];
      s.dap.on('output', (e: DebugProtocol.OutputEvent) => output.push(e.body.output));
      const exited = s.dap.waitFor<DebugProtocol.ExitedEvent>('exited');
      const initialized = s.dap.waitFor('initialized', 60_000);
      await s.dap.request('launch', { program: fixtureExe('sample'), engine: 'dbgeng', dbgengPath: dbgengDouble });
      await initialized;
      const set = await s.dap.request<DebugProtocol.SetBreakpointsResponse>('setBreakpoints', { source: { path: RUNASM }, breakpoints: [{ line: 4, logMessage: 'helper sees {only_in_helper}' }] });
      assert.equal(set.body.breakpoints[0]!.verified, true);
      await s.dap.request('configurationDone');
      await exited;
      assert.ok(output.includes('helper sees 7\n'), JSON.stringify(output));
      assert.deepEqual(stops, []);
      assert.ok(read(trace).includes('AddSymbolWide only_in_helper'));
    } finally {
      await s.close();
    }
    assert.deepEqual(read(log), []);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

describe('dbgeng engine against the double: a source breakpoint', () => {
  it('binds through GetOffsetByLineWide and AddBreakpoint2, and stops with its id', async () => {
    const { s, dir, log, trace } = await startWithDouble();
    try {
      const stopped = s.waitForStop();
      const [bound] = await s.launch({ program: fixtureExe('sample'), engine: 'dbgeng', dbgengPath: dbgengDouble }, [{ file: RUNASM, lines: [4] }]);
      const bp = bound!.body.breakpoints[0]!;
      assert.equal(bp.verified, true);
      const stop = await stopped;
      assert.equal(stop.body.reason, 'breakpoint');
      assert.deepEqual(stop.body.hitBreakpointIds, [bp.id]);
      const top = (await s.stackTrace(stop.body.threadId!, 0, 1)).stackFrames[0]!;
      assert.equal(top.name, 'helper (Inline)');
      const calls = read(trace);
      assert.ok(calls.some((c) => /^AddBreakpoint2 0$/.test(c)));
      assert.ok(calls.some((c) => /^Bp\.SetOffset \d+ 0x12412f0$/.test(c)));
      assert.ok(calls.some((c) => /^Bp\.AddFlags \d+ 0x4$/.test(c)));
    } finally {
      await s.close();
    }
    assert.deepEqual(read(log), []);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
