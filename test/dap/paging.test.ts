/**
 * Stack paging as VS Code does it with supportsDelayedStackTraceLoading:
 * one frame first, then the rest from startFrame 1. The pages must join
 * into exactly the stack one large request returns.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { fixtureExe } from '../support/fixtures';
import { TestSession } from '../support/dapSession';

describe('stackTrace paging', () => {
  let s: TestSession;
  let threadId: number;

  before(async () => {
    s = await TestSession.start();
    const stopped = s.waitForStop();
    await s.launch({ program: fixtureExe('sample'), args: ['break'] });
    threadId = (await stopped).body.threadId!;
  });
  after(() => s?.close());

  it('announces delayed stack loading', () => {
    assert.equal(s.capabilities.supportsDelayedStackTraceLoading, true);
  });

  it('levels 1 then startFrame 1 equal one large request', async () => {
    const first = await s.stackTrace(threadId, 0, 1);
    assert.equal(first.stackFrames.length, 1);
    const rest = await s.stackTrace(threadId, 1, 19);
    const all = await s.stackTrace(threadId, 0, 1000);
    const joined = [...first.stackFrames, ...rest.stackFrames];
    assert.ok(all.stackFrames.length > 4);
    assert.deepEqual(joined, all.stackFrames.slice(0, joined.length));
    assert.equal(all.totalFrames, all.stackFrames.length);
  });

  it('pages of every size join into the same stack', async () => {
    const all = (await s.stackTrace(threadId, 0, 0)).stackFrames;
    for (const size of [1, 2, 3, 5]) {
      const pages: DebugProtocol.StackFrame[] = [];
      for (let at = 0; at < all.length + size; at += size) pages.push(...(await s.stackTrace(threadId, at, size)).stackFrames);
      assert.deepEqual(pages, all, `page size ${size}`);
    }
  });

  it('reports totalFrames once the walk has reached the bottom', async () => {
    const all = await s.stackTrace(threadId, 0, 0);
    const tail = await s.stackTrace(threadId, all.stackFrames.length - 1, 5);
    assert.equal(tail.stackFrames.length, 1);
    assert.equal(tail.totalFrames, all.stackFrames.length);
  });

  it('answers an empty page past the bottom', async () => {
    const past = await s.stackTrace(threadId, 500, 10);
    assert.deepEqual(past.stackFrames, []);
  });
});
