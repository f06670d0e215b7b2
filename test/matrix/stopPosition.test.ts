/**
 * The matrix, where a breakpoint stop shows the user to be when its address
 * is the first instruction of nested inlined calls (native/engines/stopPosition.ts),
 * on every cell. In the sample, middle (inlined into outer) begins with
 * helper, inlined into it: the two copies start at the same address.
 *  - a function breakpoint on middle, which exists only inlined, stops with
 *    middle on top, helper not entered yet;
 *  - a line breakpoint on middle's first line (its call of helper) stops
 *    the same way;
 *  - stepIn from there enters helper with the same instruction pointer.
 * The rows are the records' at the stop's address, minus the frames the
 * rule hides.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { fixtureSource } from '../support/fixtures';
import { markerLine } from '../support/markers';
import { caseOptions, cells, openProgram, shown, shownByRecords, type Cell } from './cells';

const SRC = fixtureSource('sample.c');

/** Runs the sample to the breakpoint `set` makes; checks middle is on top and stepIn enters helper in place. */
async function middleOnTopThenStepIn(cell: Cell, set: (dap: import('../../client/dapClient').DapClient) => Promise<DebugProtocol.Breakpoint>) {
  const { program, exe, s } = await openProgram(cell, 'sample');
  const records = program.records('sample');
  try {
    let stopped = s.waitForStop(60_000);
    const initialized = s.dap.waitFor('initialized', 60_000);
    await s.dap.request('launch', program.launch(exe));
    await initialized;
    const bp = await set(s.dap);
    assert.equal(bp.verified, true, bp.message);
    await s.dap.request('configurationDone');
    const stop = await stopped;
    assert.equal(stop.body.reason, 'breakpoint');
    const threadId = stop.body.threadId!;
    const frames = (await s.stackTrace(threadId, 0, 3)).stackFrames;
    // At this address the records have helper inside middle inside outer; helper is not entered yet.
    const all = shownByRecords(records, frames, 3);
    assert.deepEqual(all.map((f) => f.name).slice(0, 2), ['helper (Inline)', 'middle (Inline)'], 'the records put helper and middle at this address');
    assert.deepEqual(shown(frames, 2), all.slice(1, 3));
    assert.equal(frames[0]!.line, markerLine(SRC, '#CALL helper from middle'));

    stopped = s.waitForStop(60_000);
    await s.dap.request('stepIn', { threadId });
    assert.equal((await stopped).body.reason, 'step');
    const inside = (await s.stackTrace(threadId, 0, 3)).stackFrames;
    assert.equal(inside[0]!.instructionPointerReference, frames[0]!.instructionPointerReference, 'stepIn into an inline frame runs nothing');
    assert.deepEqual(shown(inside, 3), all);
    assert.equal(inside[0]!.line, markerLine(SRC, '#HELPER h'));

    // The line may have more rows (code of middle after the call): run to the end without them.
    await s.dap.request('setBreakpoints', { source: { path: SRC }, breakpoints: [] });
    await s.dap.request('setFunctionBreakpoints', { breakpoints: [] });
    assert.equal(await s.continueToExit(threadId), 19);
  } finally {
    await s.close();
  }
}

for (const cell of cells) {
  describe(`matrix, ${cell.name}: a breakpoint where nested inlined calls begin`, { skip: cell.skip }, () => {
    it('a function breakpoint on middle (inline-only) stops with middle on top; stepIn enters helper in place', caseOptions(cell, 'functionOnTop'), () =>
      middleOnTopThenStepIn(cell, async (dap) => (await dap.request<DebugProtocol.SetFunctionBreakpointsResponse>('setFunctionBreakpoints', { breakpoints: [{ name: 'middle' }] })).body.breakpoints[0]!));

    it("a line breakpoint on middle's first line stops with middle on top; stepIn enters helper in place", caseOptions(cell, 'lineOnTop'), () =>
      middleOnTopThenStepIn(cell, async (dap) => (await dap.request<DebugProtocol.SetBreakpointsResponse>('setBreakpoints', { source: { path: SRC }, breakpoints: [{ line: markerLine(SRC, '#CALL helper from middle') }] })).body.breakpoints[0]!));
  });
}
