/**
 * The matrix, a function inlined into three callers (inline_many.c: helper
 * into caller_a, caller_b and caller_c, each `#CALL helper from X`), on
 * every cell: a line breakpoint inside helper binds every inlined copy and
 * stops once in each caller; so does a function breakpoint on helper, which
 * has no out-of-line copy. Each stop's top two rows are what the records
 * give at its address.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { fixtureSource } from '../support/fixtures';
import { markerLine } from '../support/markers';
import { caseOptions, cells, openProgram, shownByRecords, type Cell } from './cells';

const SRC = fixtureSource('inline_many.c');
const CALLERS = ['a', 'b', 'c'].map((x) => ({ caller: `caller_${x}`, line: markerLine(SRC, `#CALL helper from ${x}`) }));
// (1*7+1+1) + (12*7+1+2) + (23*7+1+3) = 261, & 0x7f = 5
const EXIT_CODE = 5;

/** Runs inline_many with the breakpoints `set` makes, and returns the top two rows of each stop, and the records' rows there. */
async function stopsIn(cell: Cell, set: (dap: import('../../client/dapClient').DapClient) => Promise<DebugProtocol.Breakpoint[]>) {
  const { program, exe, s } = await openProgram(cell, 'inline_many');
  const records = program.records('inline_many');
  try {
    const stops: DebugProtocol.StoppedEvent[] = [];
    s.dap.on('stopped', (e: DebugProtocol.StoppedEvent) => stops.push(e));
    const exited = s.dap.waitFor<DebugProtocol.ExitedEvent>('exited', 120_000);
    const initialized = s.dap.waitFor('initialized', 60_000);
    await s.dap.request('launch', program.launch(exe));
    await initialized;
    const bound = await set(s.dap);
    await s.dap.request('configurationDone');
    const seen: { shown: { name: string; line: number }[]; want: { name: string; line: number | undefined }[] }[] = [];
    for (let i = 0; i < CALLERS.length; i++) {
      const deadline = Date.now() + 60_000;
      while (stops.length <= i) {
        assert.ok(Date.now() < deadline, `stop ${i + 1} of ${CALLERS.length} did not come (${seen.length} so far)`);
        await new Promise((r) => setTimeout(r, 20));
      }
      const stop = stops[i]!;
      assert.equal(stop.body.reason, 'breakpoint');
      const frames = (await s.stackTrace(stop.body.threadId!, 0, 3)).stackFrames;
      seen.push({ shown: frames.slice(0, 2).map((f) => ({ name: f.name, line: f.line })), want: shownByRecords(records, frames, 2) });
      await s.dap.request('continue', { threadId: stop.body.threadId });
    }
    const code = (await exited).body.exitCode;
    return { bound, seen, code, stopCount: stops.length };
  } finally {
    await s.close();
  }
}

function assertStopsInEachCaller(r: Awaited<ReturnType<typeof stopsIn>>, line?: number) {
  assert.deepEqual(r.seen.map((x) => x.shown.map((f) => f.name)), CALLERS.map((c) => ['helper (Inline)', c.caller]));
  // The caller's row is its call of helper, by the markers and by the records.
  assert.deepEqual(r.seen.map((x) => x.shown[1]!.line), CALLERS.map((c) => c.line));
  for (const x of r.seen) assert.deepEqual(x.shown.map((f) => ({ name: f.name, line: f.line || undefined })), x.want);
  if (line !== undefined) assert.ok(r.seen.every((x) => x.shown[0]!.line === line));
  assert.equal(r.code, EXIT_CODE);
  assert.equal(r.stopCount, CALLERS.length);
}

for (const cell of cells) {
  describe(`matrix, ${cell.name}: a function inlined into three callers`, { skip: cell.skip }, () => {
    it('a line breakpoint inside it binds every copy and stops once in each caller', caseOptions(cell, 'lineCopies'), async () => {
      const line = markerLine(SRC, '#BP helper-many');
      const r = await stopsIn(cell, async (dap) => {
        const res = await dap.request<DebugProtocol.SetBreakpointsResponse>('setBreakpoints', { source: { path: SRC }, breakpoints: [{ line }] });
        return res.body.breakpoints;
      });
      assert.equal(r.bound[0]!.verified, true, r.bound[0]!.message);
      assert.equal(r.bound[0]!.line, line);
      assertStopsInEachCaller(r, line);
    });

    it('a function breakpoint on it (it has no out-of-line copy) stops once in each caller', caseOptions(cell, 'functionCopies'), async () => {
      const r = await stopsIn(cell, async (dap) => {
        const res = await dap.request<DebugProtocol.SetFunctionBreakpointsResponse>('setFunctionBreakpoints', { breakpoints: [{ name: 'helper' }] });
        return res.body.breakpoints;
      });
      assert.equal(r.bound[0]!.verified, true, r.bound[0]!.message);
      assertStopsInEachCaller(r);
    });
  });
}
