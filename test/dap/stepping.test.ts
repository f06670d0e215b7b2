/**
 * Stepping that understands inlining. helper() is inlined into caller_a():
 *  - next from caller_a's entry stops at the inlined call site, showing
 *    caller_a (the inline frame not entered yet);
 *  - stepIn there enters helper's inline frame without running anything;
 *  - stepOut from it runs to the first instruction after the inlined copy
 *    and stops in caller_a, as the top frame;
 *  - next at the call site runs through the whole inlined call;
 *  - stepOut of a physical frame returns to its caller.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { fixtureExe, fixtureSource } from '../support/fixtures';
import { markerLine } from '../support/markers';
import { TestSession } from '../support/dapSession';

const SRC = fixtureSource('inline_many.c');
const WINE_LINES = process.platform === 'win32' ? undefined : "Wine 8's dbghelp gives caller-side and multi-row lines wrong (see README)";

async function startAtCallerA(): Promise<{ s: TestSession; threadId: number }> {
  const s = await TestSession.start();
  const stopped = s.waitForStop();
  const initialized = s.dap.waitFor('initialized', 60_000);
  await s.dap.request('launch', { program: fixtureExe('inline_many'), args: ['step'] });
  await initialized;
  await s.dap.request('setFunctionBreakpoints', { breakpoints: [{ name: 'caller_a' }] });
  await s.dap.request('configurationDone');
  const stop = await stopped;
  return { s, threadId: stop.body.threadId! };
}

async function stepAndLook(s: TestSession, threadId: number, command: string): Promise<{ stop: DebugProtocol.StoppedEvent; frames: DebugProtocol.StackFrame[] }> {
  const stopped = s.waitForStop(20_000);
  await s.dap.request(command, { threadId });
  const stop = await stopped;
  return { stop, frames: (await s.stackTrace(threadId, 0, 4)).stackFrames };
}

describe('stepping into and out of an inline frame', () => {
  const seen: Record<string, DebugProtocol.StackFrame[]> = {};

  it('next from the entry stops at the inlined call site, in caller_a', async () => {
    const { s, threadId } = await startAtCallerA();
    try {
      const start = (await s.stackTrace(threadId, 0, 2)).stackFrames;
      assert.equal(start[0]!.name, 'caller_a');
      const next = await stepAndLook(s, threadId, 'next');
      assert.equal(next.stop.body.reason, 'step');
      assert.deepEqual(next.frames.slice(0, 2).map((f) => f.name), ['caller_a', 'main']);
      seen.callSite = next.frames;

      const into = await stepAndLook(s, threadId, 'stepIn');
      assert.equal(into.stop.body.reason, 'step');
      assert.deepEqual(into.frames.slice(0, 3).map((f) => f.name), ['helper (Inline)', 'caller_a', 'main']);
      assert.equal(into.frames[0]!.instructionPointerReference, next.frames[0]!.instructionPointerReference, 'stepIn into an inline frame runs nothing');
      seen.inside = into.frames;

      const out = await stepAndLook(s, threadId, 'stepOut');
      assert.equal(out.stop.body.reason, 'step');
      assert.deepEqual(out.frames.slice(0, 2).map((f) => f.name), ['caller_a', 'main']);
      assert.notEqual(out.frames[0]!.instructionPointerReference, into.frames[0]!.instructionPointerReference);
      seen.after = out.frames;

      const exited = s.dap.waitFor<DebugProtocol.ExitedEvent>('exited');
      await s.dap.request('continue', { threadId });
      assert.equal((await exited).body.exitCode, 37); // caller_a(5) = 5*7+1+1
    } finally {
      await s.close();
    }
  });

  it('lines: the call site, the first line of helper, the line after the inlined call', { todo: WINE_LINES }, () => {
    const got = [seen.callSite?.[0]?.line, seen.inside?.[0]?.line, seen.after?.[0]?.line];
    assert.deepEqual(got, [markerLine(SRC, '#CALL helper from a'), markerLine(SRC, '#HELPER first'), markerLine(SRC, '#AFTER helper in a')]);
  });

  it('next at the call site runs through the whole inlined call', async () => {
    const { s, threadId } = await startAtCallerA();
    try {
      const site = await stepAndLook(s, threadId, 'next');
      assert.equal(site.frames[0]!.name, 'caller_a');
      const over = await stepAndLook(s, threadId, 'next');
      assert.deepEqual(over.frames.slice(0, 2).map((f) => f.name), ['caller_a', 'main']);
      const raw = (await s.dap.request('rawInlineFrameContext', { threadId })).body as { frames: { name: string }[] };
      assert.ok(!raw.frames.some((f) => f.name === 'helper'), 'the step ended outside the inlined copy');
    } finally {
      await s.close();
    }
  });

  it('stepOut of a physical frame returns to its caller', async () => {
    const { s, threadId } = await startAtCallerA();
    try {
      const out = await stepAndLook(s, threadId, 'stepOut');
      assert.equal(out.stop.body.reason, 'step');
      assert.equal(out.frames[0]!.name, 'main');
    } finally {
      await s.close();
    }
  });

  it('an instruction step moves by exactly one instruction', async () => {
    const { s, threadId } = await startAtCallerA();
    try {
      const before = (await s.stackTrace(threadId, 0, 1)).stackFrames[0]!;
      const dis = (await s.dap.request<DebugProtocol.DisassembleResponse>('disassemble', { memoryReference: before.instructionPointerReference, instructionCount: 2 })).body!;
      const stopped = s.waitForStop();
      await s.dap.request('stepIn', { threadId, granularity: 'instruction' });
      await stopped;
      const after = (await s.dap.request('rawInlineFrameContext', { threadId })).body as { frames: { instructionOffset: string }[] };
      assert.equal(after.frames[0]!.instructionOffset, dis.instructions[1]!.address);
    } finally {
      await s.close();
    }
  });
});
