/**
 * The matrix, source files the debug information records elsewhere, on
 * every cell: elsewhere.exe is the sample built with its sources recorded
 * under /nowhere/src (-fdebug-prefix-map), a folder that does not exist
 * here. With "sourceFileMap" from that prefix to test/fixtures/src, a
 * breakpoint on the local sample.c binds and stops, and the frames open the
 * local copy; without it, no frame names a path that does not exist; a
 * file no module has is unverified, saying so.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { fixtureSource } from '../support/fixtures';
import { markerLine } from '../support/markers';
import { caseOptions, cells, type Cell } from './cells';

const SAMPLE_C = fixtureSource('sample.c');
const LOCAL_SRC = path.dirname(SAMPLE_C);

async function runElsewhere(cell: Cell, extra: Record<string, unknown>, file: string, line: number) {
  const program = cell.program!;
  const exe = program.path('elsewhere');
  const s = await program.start(exe);
  try {
    const stops: DebugProtocol.StoppedEvent[] = [];
    s.dap.on('stopped', (e: DebugProtocol.StoppedEvent) => stops.push(e));
    const exited = s.dap.waitFor<DebugProtocol.ExitedEvent>('exited', 60_000);
    const [bp] = await s.launch(program.launch(exe, extra), [{ file, lines: [line] }]);
    const bound = bp!.body.breakpoints[0]!;
    if (!bound.verified) return { bound, frames: [] as DebugProtocol.StackFrame[], code: (await exited).body.exitCode };
    for (const deadline = Date.now() + 60_000; !stops.length; await new Promise((r) => setTimeout(r, 20))) assert.ok(Date.now() < deadline, 'no stop at the breakpoint');
    const stop = stops[0]!;
    const frames = (await s.stackTrace(stop.body.threadId!, 0, 8)).stackFrames;
    await s.dap.request('continue', { threadId: stop.body.threadId });
    return { bound, frames, code: (await exited).body.exitCode };
  } finally {
    await s.close();
  }
}

for (const cell of cells) {
  describe(`matrix, ${cell.name}: sources recorded under a folder that is not here`, { skip: cell.skip }, () => {
    it('with sourceFileMap, a breakpoint on the local file binds and stops, and the frames open the local copy', caseOptions(cell, 'sourceFileMap'), async () => {
      const line = markerLine(SAMPLE_C, '#BP helper');
      const r = await runElsewhere(cell, { sourceFileMap: { '/nowhere/src': LOCAL_SRC } }, SAMPLE_C, line);
      assert.equal(r.bound.verified, true, r.bound.message);
      assert.deepEqual([r.frames[0]!.name, r.frames[0]!.source?.path, r.frames[0]!.line], ['helper (Inline)', SAMPLE_C, line]);
      for (const f of r.frames) if (f.source?.path) assert.ok(fs.existsSync(f.source.path), `${f.name}: ${f.source.path}`);
      assert.equal(r.code, 19);
    });

    it('without it, that breakpoint does not bind, and says why: the file of that name the program records, and the map to set', caseOptions(cell, 'sourceFileMap'), async () => {
      const r = await runElsewhere(cell, {}, SAMPLE_C, markerLine(SAMPLE_C, '#BP helper'));
      assert.equal(r.bound.verified, false);
      // It names the recorded file of that name, and the map that would bind it.
      assert.match(r.bound.message ?? '', /records [^:]*\/nowhere\/src\/sample\.c: if that is this file, built elsewhere, map its folder with "sourceFileMap": \{"\/nowhere\/src": /);
      assert.equal(r.code, 19);
    });
  });
}
