/**
 * Starts the system loses. Under Wine, CreateProcessW now and then fails
 * with ERROR_INTERNAL_ERROR (1359): the new process died before it told
 * wineserver it had started. Here Wine is made to lose starts for real
 * (test/support/loseWineStarts.ts: strace kills the new process at its first
 * execve): the adapter starts the program again and the session goes on,
 * or, when every try is lost, says so and what to do.
 */
import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { DapError } from '../../client/dapClient';
import { fixtureSource } from '../support/fixtures';
import { markerLine } from '../support/markers';
import { TestSession } from '../support/dapSession';
import { StopQueue, uniqueCopy, type ExeCopy } from '../support/debuggee';
import { waitUntilGone } from '../support/processes';
import { WineStartLoser } from '../support/loseWineStarts';

const SAMPLE_C = fixtureSource('sample.c');

/**
 * Runs `body` in a session whose starts Wine loses while the loser is
 * attached, on a copy of the sample; afterwards nothing of it may be left.
 * Skips the test where starts cannot be made to be lost.
 */
async function losingStarts(t: TestContext, label: string, body: (s: TestSession, loser: WineStartLoser, copy: ExeCopy) => Promise<void>): Promise<void> {
  const copy = uniqueCopy('sample', label);
  const s = await TestSession.start();
  const loser = await WineStartLoser.attach(s.conn.process.pid!);
  if (typeof loser === 'string') {
    await s.close();
    copy.remove();
    t.skip(`cannot make Wine lose starts here: ${loser}`);
    return;
  }
  try {
    await body(s, loser, copy);
  } finally {
    await loser.detach();
    loser.remove();
    await s.close();
    copy.remove();
  }
  assert.deepEqual(await waitUntilGone(copy.name), []);
}

describe('starts Wine loses (CreateProcessW: Win32 error 1359)', { skip: process.platform === 'win32' ? 'Wine loses starts; Windows does not' : false }, () => {
  it('one lost start: the program is started again, the user is told, and the session goes on as usual', (t) => losingStarts(t, 'lost-once', async (s, loser, copy) => {
    const told: string[] = [];
    s.dap.on('output', (e: DebugProtocol.OutputEvent) => {
      if (e.body.category === 'console') told.push(e.body.output);
    });
    const lostOne = loser.loseOne();
    const q = new StopQueue(s.dap);
    const [bp] = await s.launch({ program: copy.exe }, [{ file: SAMPLE_C, lines: [markerLine(SAMPLE_C, '#BP helper')] }]);
    await lostOne;
    // strace detaches within the 100 ms before the second try, or at worst before the third.
    const m = /The system lost ".*lost-once-[^"]*\.exe" while starting it \(CreateProcessW: Win32 error 1359.*started it again: (\d) tries/.exec(told.join(''));
    assert.ok(m, `not told of the lost start: ${JSON.stringify(told)}`);
    assert.equal(Number(m[1]), loser.lost() + 1, 'one try more than the starts lost');
    assert.equal(bp!.body.breakpoints[0]!.verified, true);
    const tops: DebugProtocol.StackFrame[] = [];
    const run = await q.continueToExit(1, async (stop) => {
      tops.push((await s.stackTrace(stop.body.threadId!, 0, 1)).stackFrames[0]!);
    });
    assert.deepEqual(run.stops.map((x) => x.body.reason), ['breakpoint']);
    assert.equal(tops[0]!.name, 'helper (Inline)');
    assert.equal(tops[0]!.line, markerLine(SAMPLE_C, '#BP helper'));
    assert.equal(run.exitCode, 19);
  }));

  it('every start lost: the launch fails after three tries, saying what to try, and nothing is left', (t) => losingStarts(t, 'lost-always', async (s, loser, copy) => {
    await assert.rejects(s.dap.request('launch', { program: copy.exe }), (e: DapError) => {
      assert.match(e.message, /died while it was being started, 3 times in a row \(CreateProcessW: Win32 error 1359\)/);
      assert.match(e.message, /run it once without the debugger/);
      return true;
    });
    assert.equal(loser.lost(), 3);
  }));
});
