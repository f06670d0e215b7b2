/**
 * The matrix, breakpoints in a module that is not loaded yet, on every cell,
 * in test/fixtures/src/late_load.c, which loads plugin.dll while it runs:
 * the line breakpoint is pending (unverified, with the reason) and binds when
 * the DLL loads, which the client hears as a `breakpoint` event; then it
 * stops like any other, here in an inline frame of the DLL. When the DLL
 * never loads, it stays pending and the program runs to its end.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { fixtureSource } from '../support/fixtures';
import { markerLine } from '../support/markers';
import { caseOptions, cells, openProgram, type Cell } from './cells';

const PLUGIN_C = fixtureSource('plugin.c');

async function bindsOnLoad(cell: Cell) {
  const { program, exe, s } = await openProgram(cell, 'late_load');
  try {
    const line = markerLine(PLUGIN_C, '#BP plugin_helper');
    const changed: DebugProtocol.BreakpointEvent[] = [];
    const modules: DebugProtocol.ModuleEvent[] = [];
    s.dap.on('breakpoint', (e: DebugProtocol.BreakpointEvent) => changed.push(e));
    s.dap.on('module', (e: DebugProtocol.ModuleEvent) => modules.push(e));
    const stopped = s.waitForStop(60_000);
    const [bound] = await s.launch(program.launch(exe), [{ file: PLUGIN_C, lines: [line] }]);
    const bp = bound!.body.breakpoints[0]!;
    assert.equal(bp.verified, false, 'plugin.dll is not loaded at the loader breakpoint');
    assert.match(bp.message ?? '', /binds when a module with that line loads/);

    const stop = await stopped;
    assert.equal(stop.body.reason, 'breakpoint');
    assert.deepEqual(stop.body.hitBreakpointIds, [bp.id]);
    assert.ok(modules.some((m) => m.body.reason === 'new' && /plugin\.dll$/i.test(m.body.module.path ?? '')), 'a module event for plugin.dll');
    const verified = changed.find((e) => e.body.breakpoint.id === bp.id && e.body.breakpoint.verified);
    assert.ok(verified, `no breakpoint event verifying ${bp.id}: ${JSON.stringify(changed.map((e) => e.body))}`);
    assert.equal(verified.body.breakpoint.line, line);

    const frames = (await s.stackTrace(stop.body.threadId!, 0, 5)).stackFrames;
    assert.deepEqual(frames.slice(0, 3).map((f) => f.name), ['plugin_helper (Inline)', 'plugin_entry', 'main']);
    assert.equal(frames[0]!.line, line);
    // plugin_entry(4) = (4 + 3) * 2 + 1.
    assert.equal(await s.continueToExit(stop.body.threadId!), 15);
  } finally {
    await s.close();
  }
}

async function neverLoads(cell: Cell) {
  const { program, exe, s } = await openProgram(cell, 'late_load');
  try {
    const exited = s.dap.waitFor<DebugProtocol.ExitedEvent>('exited', 60_000);
    const stops: DebugProtocol.StoppedEvent[] = [];
    s.dap.on('stopped', (e: DebugProtocol.StoppedEvent) => stops.push(e));
    const [bound] = await s.launch(program.launch(exe, { args: ['nodll'] }), [{ file: PLUGIN_C, lines: [markerLine(PLUGIN_C, '#BP plugin_helper')] }]);
    assert.equal(bound!.body.breakpoints[0]!.verified, false);
    assert.equal((await exited).body.exitCode, 2, 'late_load nodll: LoadLibrary fails');
    assert.deepEqual(stops, []);
  } finally {
    await s.close();
  }
}

for (const cell of cells) {
  describe(`matrix, ${cell.name}: a breakpoint in a DLL the program loads later`, { skip: cell.skip }, () => {
    it('is pending until the DLL loads, then verified by a breakpoint event, and stops in the inline function', caseOptions(cell, 'pendingLine'), () => bindsOnLoad(cell));
    it('stays pending, with its reason, when the DLL never loads; the program runs to its end', caseOptions(cell, 'pendingLine'), () => neverLoads(cell));
  });
}
