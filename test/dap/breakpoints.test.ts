/**
 * Breakpoints that understand inlining: a line of an inline function has
 * one copy per caller it was inlined into, and a breakpoint there stops in
 * every copy.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { fixtureExe, fixtureSource } from '../support/fixtures';
import { markerLine } from '../support/markers';
import { TestSession } from '../support/dapSession';

const SRC = fixtureSource('inline_many.c');

describe('a line breakpoint inside a function inlined into three callers', () => {
  it('stops once in each copy, each time inside the right caller', async () => {
    const s = await TestSession.start();
    try {
      const line = markerLine(SRC, '#BP helper-many');
      const stops: DebugProtocol.StoppedEvent[] = [];
      s.dap.on('stopped', (e: DebugProtocol.StoppedEvent) => stops.push(e));
      const exited = s.dap.waitFor<DebugProtocol.ExitedEvent>('exited');
      const [bound] = await s.launch({ program: fixtureExe('inline_many') }, [{ file: SRC, lines: [line] }]);
      const bp = bound!.body.breakpoints[0]!;
      assert.equal(bp.verified, true, bp.message);
      assert.equal(bp.line, line);
      const seen: string[][] = [];
      for (let i = 0; i < 3; i++) {
        const deadline = Date.now() + 20_000;
        while (stops.length <= i) {
          assert.ok(Date.now() < deadline, `stop ${i + 1} of 3 did not come`);
          await new Promise((r) => setTimeout(r, 20));
        }
        const stop = stops[i]!;
        assert.equal(stop.body.reason, 'breakpoint');
        assert.deepEqual(stop.body.hitBreakpointIds, [bp.id]);
        const frames = (await s.stackTrace(stop.body.threadId!, 0, 3)).stackFrames;
        assert.equal(frames[0]!.line, line);
        seen.push(frames.slice(0, 2).map((f) => f.name));
        await s.dap.request('continue', { threadId: stop.body.threadId });
      }
      assert.deepEqual(seen, [['helper (Inline)', 'caller_a'], ['helper (Inline)', 'caller_b'], ['helper (Inline)', 'caller_c']]);
      // (1*7+1+1) + (12*7+1+2) + (23*7+1+3) = 9 + 87 + 165 = 261 -> & 0x7f = 5
      assert.equal((await exited).body.exitCode, 5);
      assert.equal(stops.length, 3);
    } finally {
      await s.close();
    }
  });
});

describe('a function breakpoint on a function that exists only inlined', () => {
  it('binds to every inlined copy and stops in each caller', { skip: process.platform === 'win32' ? 'inline sites are found by the Wine sweep; Windows uses another path' : false }, async () => {
    const s = await TestSession.start();
    try {
      const stops: DebugProtocol.StoppedEvent[] = [];
      s.dap.on('stopped', (e: DebugProtocol.StoppedEvent) => stops.push(e));
      const exited = s.dap.waitFor<DebugProtocol.ExitedEvent>('exited');
      const initialized = s.dap.waitFor('initialized', 60_000);
      await s.dap.request('launch', { program: fixtureExe('inline_many') });
      await initialized;
      const r = await s.dap.request<DebugProtocol.SetFunctionBreakpointsResponse>('setFunctionBreakpoints', { breakpoints: [{ name: 'helper' }] });
      assert.equal(r.body.breakpoints[0]!.verified, true, r.body.breakpoints[0]!.message);
      await s.dap.request('configurationDone');
      const callers: string[] = [];
      for (let i = 0; i < 3; i++) {
        const deadline = Date.now() + 20_000;
        while (stops.length <= i) {
          assert.ok(Date.now() < deadline, `stop ${i + 1} of 3 did not come`);
          await new Promise((res) => setTimeout(res, 20));
        }
        const frames = (await s.stackTrace(stops[i]!.body.threadId!, 0, 2)).stackFrames;
        assert.equal(frames[0]!.name, 'helper (Inline)');
        callers.push(frames[1]!.name);
        await s.dap.request('continue', { threadId: stops[i]!.body.threadId });
      }
      assert.deepEqual(callers, ['caller_a', 'caller_b', 'caller_c']);
      assert.equal((await exited).body.exitCode, 5);
      assert.equal(stops.length, 3);
    } finally {
      await s.close();
    }
  });
});
