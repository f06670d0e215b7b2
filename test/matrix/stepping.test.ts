/**
 * The matrix, stepping through an inlined call (inline_many step: main ->
 * caller_a, with helper inlined at caller_a's first line), on every cell:
 * from a breakpoint on caller_a, `next` stops at the inlined call with
 * caller_a on top (the inline frame that begins there not yet entered),
 * `stepIn` enters helper without running code, `stepOut` comes back to
 * caller_a after the call, and the program ends with its code. Each stop's
 * rows are the records' at its address (the caller at the call site shows
 * the call's line).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { fixtureSource } from '../support/fixtures';
import { markerLine } from '../support/markers';
import { caseOptions, cells, openProgram, shown } from './cells';

const SRC = fixtureSource('inline_many.c');
const EXIT_CODE = 37; // caller_a(5) = 5*7 + 1 + 1

for (const cell of cells) {
  describe(`matrix, ${cell.name}: stepping through an inlined call`, { skip: cell.skip }, () => {
    it('next stops at the inlined call in caller_a, stepIn enters helper there, stepOut comes back after the call', caseOptions(cell, 'stepping'), async () => {
      const { program, exe, s } = await openProgram(cell, 'inline_many');
      try {
        let stopped = s.waitForStop(60_000);
        const initialized = s.dap.waitFor('initialized', 60_000);
        await s.dap.request('launch', program.launch(exe, { args: ['step'] }));
        await initialized;
        const bp = await s.dap.request<DebugProtocol.SetFunctionBreakpointsResponse>('setFunctionBreakpoints', { breakpoints: [{ name: 'caller_a' }] });
        assert.equal(bp.body.breakpoints[0]!.verified, true, bp.body.breakpoints[0]!.message);
        await s.dap.request('configurationDone');
        const threadId = (await stopped).body.threadId!;
        const step = async (command: string) => {
          stopped = s.waitForStop(60_000);
          await s.dap.request(command, { threadId });
          assert.equal((await stopped).body.reason, 'step');
          return (await s.stackTrace(threadId, 0, 3)).stackFrames;
        };

        const site = await step('next');
        assert.deepEqual(shown(site, 2), [{ name: 'caller_a', line: markerLine(SRC, '#CALL helper from a') }, { name: 'main', line: markerLine(SRC, '#STEP start') }]);
        const inside = await step('stepIn');
        assert.equal(inside[0]!.instructionPointerReference, site[0]!.instructionPointerReference, 'stepIn into an inline frame runs nothing');
        assert.deepEqual(shown(inside, 2), [{ name: 'helper (Inline)', line: markerLine(SRC, '#HELPER first') }, { name: 'caller_a', line: markerLine(SRC, '#CALL helper from a') }]);
        const after = await step('stepOut');
        assert.deepEqual(shown(after, 1), [{ name: 'caller_a', line: markerLine(SRC, '#AFTER helper in a') }]);

        assert.equal(await s.continueToExit(threadId), EXIT_CODE);
      } finally {
        await s.close();
      }
    });
  });
}
