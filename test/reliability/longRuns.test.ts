/**
 * Long runs on Microsoft's dbgeng, short enough for every test run (the
 * full ones are `npm run bench:long`, bench/longRuns.ts, which this
 * shares): launch-stop-walk-terminate cycles in one adapter, and
 * breakpoint hits in one session, with the adapter's handles (Windows'
 * count), threads and file descriptors flat from the middle of the run to
 * its end, and nothing left running.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { installedPlatform } from '../../client/platformChoice';
import { breakpointHits, launchCycles, summary, type LongRun } from '../../bench/longRuns';
import { repoRoot } from '../support/fixtures';
import { waitUntilGone } from '../support/processes';

const skip = installedPlatform(repoRoot) ? false : "Microsoft's debugger platform is not installed: run `npm run setup` with dotnet on PATH";
const CYCLES = 30;
const HITS = 1000;

function assertFlat(r: LongRun): void {
  const s = summary(r);
  console.log(JSON.stringify(s));
  assert.ok(s.samples >= 10, `samples: ${s.samples}`);
  assert.ok(s.first!.handles > 0, 'the handle count was read');
  assert.ok(s.growthMiddleToEnd.handles <= 5, `handles: ${JSON.stringify(s)}`);
  if (!Number.isNaN(s.growthMiddleToEnd.threads)) assert.ok(s.growthMiddleToEnd.threads <= 2, `threads: ${JSON.stringify(s)}`);
  if (!Number.isNaN(s.growthMiddleToEnd.fds)) assert.ok(s.growthMiddleToEnd.fds <= 5, `file descriptors: ${JSON.stringify(s)}`);
}

describe("long runs on Microsoft's dbgeng", { skip }, () => {
  it(`${CYCLES} launch-stop-walk-terminate cycles in one adapter: every cycle stops and ends, the adapter's handles and threads flat`, async () => {
    const r = await launchCycles(CYCLES);
    // "loop 1" reports before its one call and at its end: two samples a cycle, the second from a program that ran to its end.
    assert.equal(r.samples.length, 2 * CYCLES);
    assert.deepEqual([...new Set(r.samples.map((x) => x.at))].length, CYCLES);
    assertFlat(r);
    assert.deepEqual(await waitUntilGone('faults.exe'), []);
  });

  it(`${HITS} breakpoint hits in one session, each looked at: the adapter's handles and threads flat`, async () => {
    const r = await breakpointHits(HITS);
    assert.equal(r.samples.at(-1)?.at, HITS, 'the program reached its last hit and its end');
    assertFlat(r);
    assert.deepEqual(await waitUntilGone('faults.exe'), []);
  });
});
