/**
 * The restart request: the program ends and starts again in the same
 * session, with the breakpoints bound again under the ids the client
 * knows (VS Code does not send them again), and the new configuration
 * when one comes with the request. An attached process is not restarted.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { DapError } from '../../client/dapClient';
import { fixtureExe, fixtureSource } from '../support/fixtures';
import { markerLine } from '../support/markers';
import { TestSession } from '../support/dapSession';
import { processesRunning, waitUntilGone } from '../support/processes';
import { startSpinningProgram } from '../support/runningProgram';

const SRC = fixtureSource('inline_many.c');

describe('restart', () => {
  it('starts the program again, stops at the same breakpoint under the same id, and takes a new configuration', async () => {
    // The test counts inline_many.exe processes: an earlier test's may still be in Wine's hands, ended but not yet reaped.
    assert.deepEqual(await waitUntilGone('inline_many.exe'), [], 'an earlier inline_many.exe never went away');
    const s = await TestSession.start();
    try {
      assert.equal(s.capabilities.supportsRestartRequest, true);
      const output: string[] = [];
      s.dap.on('output', (e: DebugProtocol.OutputEvent) => output.push(e.body.output));
      const line = markerLine(SRC, '#BP helper-many');
      let stopped = s.waitForStop();
      const [bound] = await s.launch({ program: fixtureExe('inline_many') }, [{ file: SRC, lines: [line] }]);
      const bp = bound!.body.breakpoints[0]!;
      let stop = await stopped;
      assert.deepEqual(stop.body.hitBreakpointIds, [bp.id]);
      const firstPid = Number(/Process (\d+)/.exec(output.join(''))?.[1]);
      assert.ok(firstPid > 0, output.join(''));
      assert.equal(processesRunning('inline_many.exe').length, 1);

      stopped = s.waitForStop();
      await s.dap.request('restart', {});
      stop = await stopped;
      const secondPid = Number(/Restarted: process (\d+)/.exec(output.join(''))?.[1]);
      assert.ok(secondPid > 0 && secondPid !== firstPid, `a new process (was ${firstPid}): ${output.join('')}`);
      assert.equal(stop.body.reason, 'breakpoint');
      assert.deepEqual(stop.body.hitBreakpointIds, [bp.id], 'the client\'s id for the rebound breakpoint');
      const frames = (await s.stackTrace(stop.body.threadId!, 0, 2)).stackFrames;
      assert.deepEqual(frames.map((f) => f.name), ['helper (Inline)', 'caller_a'], 'the first copy again: the program started over');
      // One program: the first one is gone (Wine takes a moment to reap it).
      const deadline = Date.now() + 10_000;
      while (processesRunning('inline_many.exe').length > 1 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      assert.deepEqual(processesRunning('inline_many.exe').filter((p) => !/<defunct>/.test(p)).length, 1, 'the first process ended');

      // A breakpoint set after the restart gets an id the client has not seen.
      const fb = await s.dap.request<DebugProtocol.SetFunctionBreakpointsResponse>('setFunctionBreakpoints', { breakpoints: [{ name: 'caller_c' }] });
      assert.notEqual(fb.body.breakpoints[0]!.id, bp.id);

      // The configuration the client sends with the request wins: now stopOnEntry.
      stopped = s.waitForStop();
      await s.dap.request('restart', { arguments: { program: fixtureExe('inline_many'), stopOnEntry: true } });
      stop = await stopped;
      assert.equal(stop.body.reason, 'entry');
      const exited = s.dap.waitFor<DebugProtocol.ExitedEvent>('exited');
      const hits: number[][] = [];
      for (let i = 0; i < 4; i++) {
        stopped = s.waitForStop();
        await s.dap.request('continue', { threadId: stop.body.threadId });
        stop = await stopped;
        hits.push(stop.body.hitBreakpointIds ?? []);
      }
      assert.deepEqual(hits, [[bp.id], [bp.id], [fb.body.breakpoints[0]!.id!], [bp.id]], 'both breakpoints, under their ids, in program order');
      await s.dap.request('continue', { threadId: stop.body.threadId });
      assert.equal((await exited).body.exitCode, 5, 'the restarted program ran to its normal end');
    } finally {
      await s.close();
    }
  });

  it('is refused with advice for a session that attached to a running process', async () => {
    const program = await startSpinningProgram();
    const s = await TestSession.start();
    try {
      const initialized = s.dap.waitFor('initialized', 30_000);
      await s.dap.request('attach', { processId: program.pid });
      await initialized;
      await s.dap.request('configurationDone');
      const err = await s.dap.request('restart', {}).then(() => undefined, (e: DapError) => e);
      assert.ok(err instanceof DapError);
      assert.match(err.message, /attached to a running process\. Disconnect, then attach again/);
      await s.dap.request('disconnect', {});
      await s.conn.close();
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(program.exited, false, 'the program runs on');
    } finally {
      program.stop();
    }
  });
});
