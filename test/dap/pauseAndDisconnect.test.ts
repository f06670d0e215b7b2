/**
 * pause stops a program that is busy; disconnect ends it, and nothing is
 * left running afterwards: not the debuggee, not the adapter.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { fixtureExe } from '../support/fixtures';
import { TestSession } from '../support/dapSession';
import { processesRunning, waitUntilGone } from '../support/processes';

/** A copy of the sample under a name no other test uses, so `ps` finds only ours. */
function uniqueCopy(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dbgeng-pause-'));
  const exe = path.join(dir, `spin-${process.pid}-${Date.now()}.exe`);
  fs.copyFileSync(fixtureExe('sample'), exe);
  return exe;
}

describe('pause while the program spins, then disconnect', () => {
  let s: TestSession;
  let exe: string;

  before(async () => {
    exe = uniqueCopy();
    s = await TestSession.start();
    await s.launch({ program: exe, args: ['spin'] });
  });
  after(async () => {
    await s?.close();
    fs.rmSync(path.dirname(exe), { recursive: true, force: true });
  });

  it('the program is running', async () => {
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(processesRunning(path.basename(exe)).length, 1);
  });

  it('pause stops it, in the spinning function', async () => {
    const stopped = s.waitForStop(10_000);
    await s.dap.request('pause', { threadId: 0 });
    const stop = await stopped;
    assert.equal(stop.body.reason, 'pause');
    const threads = (await s.dap.request<DebugProtocol.ThreadsResponse>('threads')).body.threads;
    assert.ok(threads.some((t) => t.id === stop.body.threadId), 'the stop names a thread of the program');
    const frames = (await s.stackTrace(stop.body.threadId!)).stackFrames.map((f) => f.name);
    assert.ok(frames.includes('spin') && frames.includes('main'), `spin and main in ${frames.join(', ')}`);
  });

  it('continues after the pause, and pauses again', async () => {
    await s.dap.request('continue', { threadId: 0 });
    await new Promise((r) => setTimeout(r, 200));
    const stopped = s.waitForStop(10_000);
    await s.dap.request('pause', { threadId: 0 });
    assert.equal((await stopped).body.reason, 'pause');
  });

  it('disconnect ends the debuggee and the adapter; nothing is left behind', async () => {
    const adapterExit = new Promise<number | null>((r) => {
      if (s.conn.process.exitCode !== null) r(s.conn.process.exitCode);
      else s.conn.process.once('exit', (code) => r(code));
    });
    await s.dap.request('disconnect', { terminateDebuggee: true });
    assert.deepEqual(await waitUntilGone(path.basename(exe)), []);
    s.conn.socket.end();
    assert.equal(await adapterExit, 0);
  });
});

describe('the client vanishing while the program runs', () => {
  it('ends the debuggee and the adapter', async () => {
    const exe = uniqueCopy();
    try {
      const s = await TestSession.start();
      await s.launch({ program: exe, args: ['spin'] });
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(processesRunning(path.basename(exe)).length, 1);
      const adapterExit = new Promise((r) => s.conn.process.once('exit', r));
      s.conn.socket.destroy(); // no disconnect request: the client is simply gone
      await adapterExit;
      assert.deepEqual(await waitUntilGone(path.basename(exe)), []);
    } finally {
      fs.rmSync(path.dirname(exe), { recursive: true, force: true });
    }
  });
});
