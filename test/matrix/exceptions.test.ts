/**
 * The matrix, an access violation inside an inline function (inline_many
 * av: poke, inlined into crash, writes through a null pointer), on every
 * cell: a first-chance stop with exceptionInfo, the inline frame on top on
 * the faulting line as the records and the marker give it, the caller on
 * its call; then the second chance; then the program dies of it.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { fixtureSource } from '../support/fixtures';
import { markerLine } from '../support/markers';
import { caseOptions, cells, openProgram, shown, shownByRecords } from './cells';

const SRC = fixtureSource('inline_many.c');
const ACCESS_VIOLATION = 0xc0000005;

for (const cell of cells) {
  describe(`matrix, ${cell.name}: an access violation in an inline function`, { skip: cell.skip }, () => {
    it('stops first chance in the inline frame on the faulting line, then second chance, then the program dies', caseOptions(cell, 'exception'), async () => {
      const { program, exe, s } = await openProgram(cell, 'inline_many');
      try {
        let stopped = s.waitForStop(60_000);
        await s.launch(program.launch(exe, { args: ['av'] }));
        let stop = await stopped;
        assert.equal(stop.body.reason, 'exception');
        const threadId = stop.body.threadId!;
        const info = (await s.dap.request<DebugProtocol.ExceptionInfoResponse>('exceptionInfo', { threadId })).body;
        assert.equal(Number(info.exceptionId) >>> 0, ACCESS_VIOLATION);
        assert.match(info.description ?? '', /first chance/);
        const frames = (await s.stackTrace(threadId, 0, 3)).stackFrames;
        assert.deepEqual(shown(frames, 2), shownByRecords(program.records('inline_many'), frames, 2));
        assert.deepEqual(frames.slice(0, 2).map((f) => [f.name, f.line]), [['poke (Inline)', markerLine(SRC, '#AV poke')], ['crash', markerLine(SRC, '#CALL poke from crash')]]);

        stopped = s.waitForStop(60_000);
        await s.dap.request('continue', { threadId });
        stop = await stopped;
        const second = (await s.dap.request<DebugProtocol.ExceptionInfoResponse>('exceptionInfo', { threadId: stop.body.threadId })).body;
        assert.match(second.description ?? '', /second chance/);

        assert.equal((await s.continueToExit(threadId)) >>> 0, ACCESS_VIOLATION);
      } finally {
        await s.close();
      }
    });
  });
}
