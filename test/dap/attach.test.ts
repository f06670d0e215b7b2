/**
 * Attach to a running process by id, detach leaving it running (it can be
 * attached to again), and end it on request. Bad ids get clear errors.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { DapError } from '../../client/dapClient';
import { fixtureExe } from '../support/fixtures';
import { startSpinningProgram, type RunningProgram } from '../support/runningProgram';
import { TestSession } from '../support/dapSession';

describe('attach and detach', () => {
  let program: RunningProgram;
  let pid: number;

  before(async () => {
    program = await startSpinningProgram();
    pid = program.pid;
  });
  after(() => program.stop());

  async function attachAndPause(): Promise<{ s: TestSession; frames: DebugProtocol.StackFrame[]; output: string[] }> {
    const s = await TestSession.start();
    const output: string[] = [];
    s.dap.on('output', (e: DebugProtocol.OutputEvent) => output.push(e.body.output));
    const initialized = s.dap.waitFor('initialized', 30_000);
    await s.dap.request('attach', { processId: pid });
    await initialized;
    await s.dap.request('configurationDone');
    await new Promise((r) => setTimeout(r, 200));
    const stopped = s.waitForStop(10_000);
    await s.dap.request('pause', { threadId: 0 });
    const stop = await stopped;
    return { s, frames: (await s.stackTrace(stop.body.threadId!, 0, 10)).stackFrames, output };
  }

  it('attaches, stops in the spinning loop, and detaches leaving the program running', async () => {
    const { s, frames, output } = await attachAndPause();
    assert.ok(output.some((o) => new RegExp(`Attached to process ${pid}`).test(o)), output.join(''));
    assert.ok(frames.some((f) => f.name === 'spin_forever'), frames.map((f) => f.name).join(', '));
    await s.dap.request('disconnect', {});
    await s.conn.close();
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(program.exited, false, 'the program runs on after detach');
  });

  it('can attach again (the detach was clean), and disconnect with terminateDebuggee ends it', async () => {
    const { s, frames } = await attachAndPause();
    assert.ok(frames.some((f) => f.name === 'spin_forever'));
    await s.dap.request('disconnect', { terminateDebuggee: true });
    await s.conn.close();
    await Promise.race([program.ended, new Promise((_, no) => setTimeout(() => no(new Error('the program did not end')), 10_000))]);
    assert.equal(program.exited, true);
  });

  it('a process id that does not exist gets a clear error', async () => {
    const s = await TestSession.start();
    try {
      const err = await s.dap.request('attach', { processId: 999999 }).then(() => undefined, (e: DapError) => e);
      assert.match(err?.message ?? '', /There is no process with id 999999|Cannot attach to process 999999/);
      const bad = await s.dap.request('attach', { processId: 'twelve' }).then(() => undefined, (e: DapError) => e);
      assert.match(bad?.message ?? '', /"processId" must be the id of a running process/);
    } finally {
      await s.close();
    }
  });
});

describe('after a failed launch', () => {
  it('the same session can launch again', async () => {
    const s = await TestSession.start();
    try {
      const err = await s.dap.request('launch', { program: fixtureExe('no_such_program') }).then(() => undefined, (e: DapError) => e);
      assert.match(err?.message ?? '', /does not exist/);
      const stopped = s.waitForStop();
      const initialized = s.dap.waitFor('initialized', 30_000);
      await s.dap.request('launch', { program: fixtureExe('sample'), args: ['break'] });
      await initialized;
      await s.dap.request('configurationDone');
      assert.equal((await stopped).body.reason, 'exception');
    } finally {
      await s.close();
    }
  });
});
