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
import { caseOptions, cells, openProgram, type Cell } from './cells';

const SAMPLE_C = fixtureSource('sample.c');
const LOCAL_SRC = path.dirname(SAMPLE_C);

async function runElsewhere(cell: Cell, extra: Record<string, unknown>, file: string, line: number) {
  const { program, exe, s } = await openProgram(cell, 'elsewhere');
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

const LEFT_H = fixtureSource('twins/left/util.h');

/** twins.exe with a breakpoint on the bare name util.h: the response, and the top frame of each stop. */
async function runTwins(cell: Cell, line: number) {
  const { program, exe, s } = await openProgram(cell, 'twins');
  try {
    const stops: DebugProtocol.StoppedEvent[] = [];
    s.dap.on('stopped', (e: DebugProtocol.StoppedEvent) => stops.push(e));
    const exited = s.dap.waitFor<DebugProtocol.ExitedEvent>('exited', 60_000);
    const [bp] = await s.launch(program.launch(exe), [{ file: 'util.h', lines: [line] }]);
    const tops: string[] = [];
    for (let seen = 0; seen < 2; seen++) {
      for (const deadline = Date.now() + 60_000; stops.length <= seen; await new Promise((r) => setTimeout(r, 20))) {
        if (Date.now() > deadline) return { bound: bp!.body.breakpoints[0]!, tops, code: undefined };
      }
      const f = (await s.stackTrace(stops[seen]!.body.threadId!, 0, 1)).stackFrames[0]!;
      tops.push(`${f.name}:${f.line}`);
      await s.dap.request('continue', { threadId: stops[seen]!.body.threadId });
    }
    return { bound: bp!.body.breakpoints[0]!, tops, code: (await exited).body.exitCode };
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

    it('a bare file name that names two recorded files binds in both, and says so', caseOptions(cell, 'ambiguousName'), async () => {
      const line = markerLine(LEFT_H, '#TWIN left');
      assert.equal(line, markerLine(fixtureSource('twins/right/util.h'), '#TWIN right'), 'the fixture puts both marked lines on one number');
      const r = await runTwins(cell, line);
      assert.equal(r.bound.verified, true, r.bound.message);
      assert.match(r.bound.message ?? '', /util\.h names 2 files the program records: .*left[\\/]util\.h, .*right[\\/]util\.h\. The breakpoint is bound in each/);
      assert.deepEqual(r.tops, [`left_twice (Inline):${line}`, `right_thrice (Inline):${line}`]);
      assert.equal(r.code, 3);
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
