/**
 * Attaching and detaching with the dbgeng engine through the real adapter,
 * on the native test double, which pretends process 4240 is running
 * (AttachProcess) and checks that a detached process is never ended.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { dbgengDouble } from '../support/fixtures';
import { readLines, startWithDouble, type DoubleRun } from '../support/dbgengDouble';

async function attach(r: DoubleRun, processId: number, extra: Record<string, unknown> = {}): Promise<void> {
  const initialized = r.s.dap.waitFor('initialized', 60_000);
  await r.s.dap.request('attach', { processId, engine: 'dbgeng', dbgengPath: dbgengDouble, ...extra });
  await initialized;
  await r.s.dap.request('configurationDone');
}

describe('dbgeng engine against the double: attach and detach', () => {
  it('attaches, stops, shows the stack, threads and modules, and detaches leaving the program running', async () => {
    const r = await startWithDouble();
    const threadEvents: [string, number][] = [];
    r.s.dap.on('thread', (e: DebugProtocol.ThreadEvent) => threadEvents.push([e.body.reason, e.body.threadId]));
    try {
      const entry = r.s.waitForStop();
      await attach(r, 4240, { stopOnEntry: true });
      assert.equal((await entry).body.reason, 'entry');
      assert.ok(r.output.some((o) => /Attached to process 4240/.test(o)), r.output.join(''));
      const threads = (await r.s.dap.request<DebugProtocol.ThreadsResponse>('threads')).body.threads;
      assert.deepEqual(threads.map((t) => [t.id, t.name]), [[4242, 'Main Thread'], [4243, 'Thread 4243']]);
      assert.deepEqual(threadEvents, [['started', 4243]], 'CreateThread names the thread it happens on');
      const modules = async () => (await r.s.dap.request<DebugProtocol.ModulesResponse>('modules', {})).body.modules.map((m) => [m.name, m.symbolStatus]);
      assert.deepEqual(await modules(), [['runasm', 'deferred'], ['kernel32', 'export symbols only']]);

      const stopped = r.s.waitForStop();
      await r.s.dap.request('continue', { threadId: 4242 });
      const stop = await stopped;
      const top = (await r.s.stackTrace(stop.body.threadId!, 0, 1)).stackFrames[0]!;
      assert.equal(top.name, 'helper (Inline)');
      // Naming the frames made dbgeng load runasm's symbols (ChangeSymbolState): the module says so now.
      assert.deepEqual(await modules(), [['runasm', 'symbols loaded'], ['kernel32', 'export symbols only']]);

      await r.s.dap.request('disconnect', { terminateDebuggee: false });
      await r.s.conn.close();
      const calls = readLines(r.trace);
      assert.ok(calls.includes('AttachProcess 4240 0x0'));
      assert.ok(calls.includes('DetachProcesses'));
      assert.ok(!calls.includes('TerminateProcesses'), 'a detached program runs on');
      assert.deepEqual(readLines(r.log), []);
    } finally {
      await r.dispose();
    }
  });

  it('says why an attach failed', async () => {
    const r = await startWithDouble();
    try {
      await assert.rejects(
        r.s.dap.request('attach', { processId: 999, engine: 'dbgeng', dbgengPath: dbgengDouble }),
        /Cannot attach to process 999: E_INVALIDARG 0x80070057\. Is it running/,
      );
      assert.deepEqual(readLines(r.log), []);
    } finally {
      await r.dispose();
    }
  });
});
