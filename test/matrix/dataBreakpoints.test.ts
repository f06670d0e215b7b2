/**
 * The matrix, data breakpoints (native/engines/dataWatch.ts), on every cell,
 * in test/fixtures/src/watch.c: main's counter is 5 at `#WATCH here`; a
 * write data breakpoint on it stops in bump() after each of its two
 * writes, naming counter with its old and new value (5 to 6, then 6 to 7),
 * and the program, the breakpoint removed, ends with counter's value.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { fixtureSource } from '../support/fixtures';
import { markerLine } from '../support/markers';
import { caseOptions, cells, openProgram, type Cell } from './cells';

const SRC = fixtureSource('watch.c');

async function watchCounter(cell: Cell) {
  const { program, exe, s } = await openProgram(cell, 'watch');
  try {
    assert.equal(s.capabilities.supportsDataBreakpoints, true);
    let stopped = s.waitForStop(60_000);
    await s.launch(program.launch(exe), [{ file: SRC, lines: [markerLine(SRC, '#WATCH here')] }]);
    const stop = await stopped;
    const threadId = stop.body.threadId!;
    const [top] = (await s.stackTrace(threadId, 0, 1)).stackFrames;
    assert.equal(top!.name, 'main');
    const scopes = (await s.dap.request<DebugProtocol.ScopesResponse>('scopes', { frameId: top!.id })).body.scopes;
    const locals = scopes.find((sc) => sc.name === 'Locals')!;
    const vars = (await s.dap.request<DebugProtocol.VariablesResponse>('variables', { variablesReference: locals.variablesReference })).body.variables;
    // counter = 4 + argc, and the program gets no arguments.
    assert.equal(vars.find((v) => v.name === 'counter')?.value, '5');

    const info = (await s.dap.request<DebugProtocol.DataBreakpointInfoResponse>('dataBreakpointInfo', { variablesReference: locals.variablesReference, name: 'counter' })).body;
    assert.ok(info.dataId, info.description);
    assert.deepEqual(info.accessTypes, ['write', 'readWrite']);
    const none = (await s.dap.request<DebugProtocol.DataBreakpointInfoResponse>('dataBreakpointInfo', { variablesReference: locals.variablesReference, name: 'no_such_value' })).body;
    assert.equal(none.dataId, null);
    const set = (await s.dap.request<DebugProtocol.SetDataBreakpointsResponse>('setDataBreakpoints', { breakpoints: [{ dataId: info.dataId, accessType: 'write' }] })).body.breakpoints;
    assert.equal(set[0]!.verified, true, set[0]!.message);

    for (const [was, now] of [[5, 6], [6, 7]]) {
      stopped = s.waitForStop(60_000);
      await s.dap.request('continue', { threadId });
      const hit = await stopped;
      assert.equal(hit.body.reason, 'data breakpoint', JSON.stringify(hit.body));
      assert.deepEqual(hit.body.hitBreakpointIds, [set[0]!.id]);
      assert.equal(hit.body.description, `counter changed from ${was} to ${now}`);
      const [where] = (await s.stackTrace(hit.body.threadId!, 0, 1)).stackFrames;
      assert.equal(where!.name, 'bump', 'stopped right after the write, in the function that wrote');
    }

    await s.dap.request('setBreakpoints', { source: { path: SRC }, breakpoints: [] });
    await s.dap.request('setDataBreakpoints', { breakpoints: [] });
    assert.equal(await s.continueToExit(threadId), 7);
  } finally {
    await s.close();
  }
}

for (const cell of cells) {
  describe(`matrix, ${cell.name}: data breakpoints`, { skip: cell.skip }, () => {
    it('a write data breakpoint on a local stops after each write that changes it, with old and new value', caseOptions(cell, 'dataBreakpoint'), () => watchCounter(cell));
  });
}
