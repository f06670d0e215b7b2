/**
 * Stepping with the dbgeng engine through the real adapter, on the native
 * test double. The double's thread moves between fixed positions around
 * seed 004's inlined call (helper inlined into main): dbgeng's STEP_INTO
 * enters the inline frame at its call site without running anything,
 * STEP_OVER runs through it, and stepping out of main stops at its return
 * address through a one-shot breakpoint.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { doubleLaunch, readLines, startWithDouble, type DoubleRun } from '../support/dbgengDouble';

async function session(env: Record<string, string> = {}): Promise<{ r: DoubleRun; threadId: number }> {
  const r = await startWithDouble(env);
  const stopped = r.s.waitForStop();
  await r.s.launch(doubleLaunch());
  return { r, threadId: (await stopped).body.threadId! };
}

/** Sends a step request and waits for its stop; answers the stop and the new stack. */
async function step(r: DoubleRun, threadId: number, command: string, args: Record<string, unknown> = {}) {
  const stopped = r.s.waitForStop();
  await r.s.dap.request(command, { threadId, ...args });
  const stop = await stopped;
  const frames = (await r.s.stackTrace(threadId)).stackFrames;
  return { reason: stop.body.reason, top: `${frames[0]!.name}:${frames[0]!.line}`, depth: frames.length, frames };
}

async function finish(r: DoubleRun, threadId: number): Promise<void> {
  const exited = r.s.dap.waitFor<DebugProtocol.ExitedEvent>('exited');
  await r.s.dap.request('continue', { threadId });
  await exited;
  await r.s.close();
}

describe('dbgeng engine against the double: step in and out of an inline frame', () => {
  let r: DoubleRun;
  let threadId: number;
  before(async () => ({ r, threadId } = await session({ DBGENG_DOUBLE_START: 'callsite' })));
  after(() => r?.dispose());

  it('stops at the inlined call site with main on top', async () => {
    const frames = (await r.s.stackTrace(threadId)).stackFrames;
    assert.deepEqual([frames[0]!.name, frames[0]!.line, frames.length], ['main', 31, 6]);
  });

  it('stepIn enters helper (Inline) at the same address', async () => {
    const s = await step(r, threadId, 'stepIn');
    assert.deepEqual([s.reason, s.top, s.depth], ['step', 'helper (Inline):4', 7]);
    assert.equal(s.frames[1]!.name, 'main');
    const calls = readLines(r.trace);
    assert.deepEqual(calls.slice(calls.lastIndexOf('SetCodeLevel 0'), calls.lastIndexOf('SetCodeLevel 0') + 2), ['SetCodeLevel 0', 'SetExecutionStatus 5']);
  });

  it('stepOut of the inline frame steps over its lines until it is gone', async () => {
    const before = readLines(r.trace).length;
    const s = await step(r, threadId, 'stepOut');
    assert.deepEqual([s.reason, s.top, s.depth], ['step', 'main:33', 6]);
    const calls = readLines(r.trace).slice(before);
    assert.deepEqual(calls.filter((c) => c.startsWith('step ')), ['step over from helper', 'step over from helper line 5'], 'two lines of helper, one step over each');
  });

  it('stepOut of main stops at its return address by a one-shot breakpoint', async () => {
    const before = readLines(r.trace).length;
    const s = await step(r, threadId, 'stepOut');
    assert.deepEqual([s.reason, s.top], ['step', 'invoke_main (Inline):74']);
    const calls = readLines(r.trace).slice(before);
    assert.ok(calls.some((c) => /^Bp\.SetOffset \d+ 0x124159a$/.test(c)), calls.join('\n'));
    assert.ok(calls.some((c) => /^Bp\.SetMatchThreadId \d+ 0$/.test(c)));
    assert.ok(calls.some((c) => /^Bp\.AddFlags \d+ 0x14$/.test(c)), 'enabled and one-shot');
    assert.ok(calls.some((c) => /^one-shot breakpoint \d+ removed$/.test(c)));
    assert.ok(!calls.some((c) => c.startsWith('RemoveBreakpoint2')), 'dbgeng deleted it; removing it again would be a second delete');
  });

  it('the double saw no wrong call', async () => {
    await finish(r, threadId);
    assert.deepEqual(readLines(r.log), []);
  });
});

describe('dbgeng engine against the double: step over an inlined call, and by instruction', () => {
  it('next at the call site runs through the inlined call to the next line of main', async () => {
    const { r, threadId } = await session({ DBGENG_DOUBLE_START: 'callsite' });
    try {
      const s = await step(r, threadId, 'next');
      assert.deepEqual([s.reason, s.top, s.depth], ['step', 'main:33', 6]);
      assert.ok(readLines(r.trace).includes('SetExecutionStatus 4'));
      await finish(r, threadId);
      assert.deepEqual(readLines(r.log), []);
    } finally {
      await r.dispose();
    }
  });

  it('an instruction step moves the address within the line; next then goes to the next line', async () => {
    const { r, threadId } = await session();
    try {
      const s = await step(r, threadId, 'stepIn', { granularity: 'instruction' });
      assert.deepEqual([s.reason, s.top, s.frames[0]!.instructionPointerReference], ['step', 'helper (Inline):4', '0x12412f3']);
      const calls = readLines(r.trace);
      assert.deepEqual(calls.slice(calls.indexOf('SetCodeLevel 1'), calls.indexOf('SetCodeLevel 1') + 2), ['SetCodeLevel 1', 'SetExecutionStatus 5']);
      const n = await step(r, threadId, 'next');
      assert.deepEqual([n.reason, n.top], ['step', 'helper (Inline):5']);
      assert.ok(readLines(r.trace).includes('SetCodeLevel 0'), 'back to source lines for next');
      await finish(r, threadId);
      assert.deepEqual(readLines(r.log), []);
    } finally {
      await r.dispose();
    }
  });
});

describe('dbgeng engine against the double: step out past a deeper return to the same address', () => {
  it('goes on when the stack shows a deeper activation, and stops when the stepped frame returns', async () => {
    const { r, threadId } = await session({ DBGENG_DOUBLE_START: 'callsite', DBGENG_DOUBLE_RECURSION: '1' });
    try {
      await step(r, threadId, 'next');
      const before = readLines(r.trace).length;
      const s = await step(r, threadId, 'stepOut');
      assert.deepEqual([s.reason, s.top, s.depth], ['step', 'invoke_main (Inline):74', 5]);
      const calls = readLines(r.trace).slice(before);
      assert.deepEqual(calls.filter((c) => c.startsWith('breakpoint ')).map((c) => c.replace(/\d+/, 'N')), ['breakpoint N hit at a deeper return', 'breakpoint N hit at returned']);
      assert.equal(calls.filter((c) => c.startsWith('AddBreakpoint2')).length, 2, 'armed again after the deeper return');
      await finish(r, threadId);
      assert.deepEqual(readLines(r.log), []);
    } finally {
      await r.dispose();
    }
  });
});
