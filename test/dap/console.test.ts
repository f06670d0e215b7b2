/**
 * The Debug Console: WinDbg commands with the dbghelp engine, dbgeng's own
 * through ExecuteWide, and expressions for watch and hover.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { DapError } from '../../client/dapClient';
import { dbgengDouble, fixtureExe, fixtureSource } from '../support/fixtures';
import { markerLine } from '../support/markers';
import { TestSession } from '../support/dapSession';

const SRC = fixtureSource('inline_many.c');

describe('Debug Console with the dbghelp engine', () => {
  let s: TestSession;
  let threadId: number;
  let top: DebugProtocol.StackFrame;
  const repl = async (expression: string) => (await s.dap.request<DebugProtocol.EvaluateResponse>('evaluate', { expression, context: 'repl', frameId: top.id })).body.result;

  before(async () => {
    s = await TestSession.start();
    const stopped = s.waitForStop();
    await s.launch({ program: fixtureExe('inline_many') }, [{ file: SRC, lines: [markerLine(SRC, '#BP helper-many')] }]);
    threadId = (await stopped).body.threadId!;
    top = (await s.stackTrace(threadId, 0, 1)).stackFrames[0]!;
  });
  after(() => s?.close());

  it('k prints the stack with the inline rows marked', async () => {
    const k = await repl('k');
    assert.match(k, /^00 \(Inline\)\s+-+ inline_many!helper \[.*inline_many\.c @ \d+\]$/m);
    assert.match(k, /^01 [0-9a-f]{16} [0-9a-f]{16} inline_many!caller_a/m);
  });

  it('kv adds each frame\'s raw InlineFrameContext, decoded', async () => {
    const kv = await repl('kv');
    assert.match(kv, /^00 40000000\s+inline depth 0$/m);
    assert.match(kv, /^01 80000000\s+regular depth 0$/m);
  });

  it('.inline 0 hides inline frames from k and from the Call Stack; .inline 1 brings them back', async () => {
    assert.match(await repl('.inline 0'), /"disabled"/);
    assert.doesNotMatch(await repl('k'), /\(Inline\)/);
    const frames = (await s.stackTrace(threadId)).stackFrames;
    assert.equal(frames[0]!.name, 'caller_a');
    assert.match(await repl('.inline 1'), /"enabled"/);
    assert.equal((await s.stackTrace(threadId)).stackFrames[0]!.name, 'helper (Inline)');
  });

  it('.frame selects a frame', async () => {
    assert.match(await repl('.frame 1'), /^01 inline_many!caller_a$/);
  });

  it('r prints registers; rip is where the thread stopped', async () => {
    const r = await repl('r');
    assert.match(r, new RegExp(`^rip=${BigInt(top.instructionPointerReference!).toString(16).padStart(16, '0')}$`, 'm'));
  });

  it('lm lists the modules', async () => {
    assert.match(await repl('lm'), /inline_many\s+\(symbols loaded\)/);
  });

  it('db and dq dump memory; u disassembles with the inline function named', async () => {
    const ip = top.instructionPointerReference!;
    assert.match(await repl(`db ${ip} L8`), /^[0-9a-f]{16} {2}([0-9a-f]{2} ){7}[0-9a-f]{2} {2}.{8}$/m);
    assert.match(await repl(`dq ${ip} L2`), /^[0-9a-f]{16} {2}[0-9a-f]{16} [0-9a-f]{16}$/m);
    const u = await repl('u');
    assert.match(u, /helper \(Inline\) in caller_a \[inline_many\.c @ \d+\]:/);
  });

  it('bp sets a breakpoint from the console; bl lists it; bc clears it', async () => {
    assert.match(await repl('bp caller_c'), /^Breakpoint \d+ at 0x[0-9a-f]+$/);
    assert.match(await repl('bl'), /bp caller_c/);
    assert.match(await repl('bc *'), /Cleared 1 breakpoint/);
    assert.doesNotMatch(await repl('bl'), /bp caller_c/);
  });

  it('an unsupported WinDbg command says so and lists what is supported', async () => {
    const err = await s.dap.request('evaluate', { expression: '!analyze -v', context: 'repl', frameId: top.id }).then(() => undefined, (e: DapError) => e);
    const text = err ? err.message : await repl('!analyze -v');
    assert.match(text, /not supported by the dbghelp engine\. Supported: k, kn, kv/);
  });

  it('watch and hover evaluate expressions over registers', async () => {
    const r = await s.dap.request<DebugProtocol.EvaluateResponse>('evaluate', { expression: 'rip == ' + top.instructionPointerReference, context: 'watch', frameId: top.id });
    assert.equal(r.body.result, '1');
    const bad = await s.dap.request('evaluate', { expression: 'nope + 1', context: 'hover', frameId: top.id }).then(() => undefined, (e: DapError) => e);
    assert.match(bad?.message ?? '', /Cannot evaluate "nope \+ 1": "nope" is not a variable of this frame/);
  });
});

describe('Debug Console with the dbgeng engine (native double)', () => {
  it('runs the command through ExecuteWide and answers its output', async () => {
    const s = await TestSession.start();
    try {
      const stopped = s.waitForStop();
      await s.launch({ program: fixtureExe('sample'), engine: 'dbgeng', dbgengPath: dbgengDouble });
      await stopped;
      const r = await s.dap.request<DebugProtocol.EvaluateResponse>('evaluate', { expression: 'kv', context: 'repl' });
      assert.equal(r.body.result, 'executed: kv\n');
    } finally {
      await s.close();
    }
  });
});
