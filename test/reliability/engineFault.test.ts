/**
 * The engine thread dying mid-session. A real fault is injected into the
 * real engine thread (test/reliability/drivers/faultyHost.ts: an uncaught
 * throw on the first stackFrames request), run by the real adapter server
 * under Wine. The session must end with an error, not a hang: the pending
 * request answered, the user told, the debuggee (which nothing can resume
 * any more) ended, and every later request answered.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { DebugProtocol } from '@vscode/debugprotocol';
import * as esbuild from 'esbuild';
import { connectAdapter, type AdapterConnection } from '../../client/adapterProcess';
import { DapClient } from '../../client/dapClient';
import { dbgengDouble, fixtureExe, repoRoot } from '../support/fixtures';
import { StopQueue, uniqueCopy, type ExeCopy } from '../support/debuggee';
import { processesRunning, waitUntilGone } from '../support/processes';
import { watchForLoss } from '../../client/adapterLoss';
import { choosePlatform, installedPlatform, platformRuntime } from '../../client/platformChoice';
import { TestSession } from '../support/dapSession';

/** Builds the adapter with the faulty engine thread (drivers/); returns the adapter script. */
async function buildFaultyAdapter(): Promise<string> {
  const outDir = path.join(repoRoot, 'dist', 'test-drivers');
  for (const name of ['faultyHost', 'faultyAdapter']) {
    await esbuild.build({
      entryPoints: [path.join(__dirname, 'drivers', `${name}.ts`)], bundle: true, platform: 'node', format: 'cjs',
      outfile: path.join(outDir, `${name}.js`), external: ['koffi', 'iced-x86', 'vscode'], logLevel: 'warning',
    });
  }
  return path.join(outDir, 'faultyAdapter.js');
}

/** initialize, launch and configurationDone on a connection, to the program's first stop; the client's loss watch set first. */
async function launchToStop(conn: AdapterConnection, launch: Record<string, unknown>): Promise<{ dap: DapClient; stop: DebugProtocol.StoppedEvent; lost: Promise<DebugProtocol.Event[]> }> {
  const dap = new DapClient(conn.socket, conn.socket);
  const lost = new Promise<DebugProtocol.Event[]>((resolve) => dap.on('*', watchForLoss(conn, resolve).seen));
  const q = new StopQueue(dap);
  await dap.request('initialize', { adapterID: 'dbgeng', pathFormat: 'path' });
  const initialized = dap.waitFor('initialized', 60_000);
  await dap.request('launch', launch);
  await initialized;
  await dap.request('configurationDone');
  return { dap, stop: await q.nextStop(), lost };
}

function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  return Promise.race([p, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${what} within ${ms / 1000} s`)), ms))]);
}

describe('the engine thread dying in the middle of a request', () => {
  let conn: AdapterConnection;
  let dap: DapClient;
  let copy: ExeCopy;
  let q: StopQueue;
  const stderr: string[] = [];
  let terminated: Promise<unknown>;

  before(async () => {
    copy = uniqueCopy('sample', 'enginefault');
    conn = await connectAdapter({ root: repoRoot, adapterScript: await buildFaultyAdapter() });
    dap = new DapClient(conn.socket, conn.socket);
    q = new StopQueue(dap);
    dap.on('output', (e: DebugProtocol.OutputEvent) => {
      if (e.body.category === 'stderr') stderr.push(e.body.output);
    });
    terminated = dap.waitFor('terminated', 60_000);
    await dap.request('initialize', { adapterID: 'dbgeng', pathFormat: 'path' });
    const initialized = dap.waitFor('initialized', 60_000);
    await dap.request('launch', { program: copy.exe, args: ['break'] });
    await initialized;
    await dap.request('configurationDone');
  });
  after(async () => {
    await dap?.send('disconnect', {}).catch(() => undefined);
    await conn?.close();
    copy?.remove();
  });

  let stop: DebugProtocol.StoppedEvent;

  it('the session runs normally up to the fault', async () => {
    stop = await q.nextStop();
    assert.equal(stop.body.reason, 'exception');
    assert.equal(processesRunning(copy.name).length, 1);
  });

  it('the request the engine died in is answered, with an error that says so', async () => {
    const started = Date.now();
    const r = await dap.send('stackTrace', { threadId: stop.body.threadId, startFrame: 0, levels: 20 });
    assert.equal(r.success, false);
    assert.match(r.body?.error?.format ?? '', /debugger engine stopped working.*injected fault.*start it again/s);
    assert.ok(Date.now() - started < 10_000);
  });

  it('the user is told, and the session ends (terminated)', async () => {
    await terminated;
    assert.match(stderr.join(''), /debugger engine stopped working/);
  });

  it('the debuggee, which nothing could resume any more, is ended', async () => {
    assert.deepEqual(await waitUntilGone(copy.name), []);
  });

  it('later requests are answered, not left hanging', async () => {
    const threads = await dap.send('threads');
    assert.equal(threads.success, true);
    const trace = await dap.send('stackTrace', { threadId: stop.body.threadId });
    assert.equal(trace.success, false);
    assert.match(trace.body?.error?.format ?? '', /stopped working/);
    const cont = await dap.send('continue', { threadId: stop.body.threadId });
    assert.equal(cont.success, false);
  });

  it('disconnect ends the adapter cleanly', async () => {
    const exited = new Promise<number | null>((r) => (conn.process.exitCode !== null ? r(conn.process.exitCode) : conn.process.once('exit', r)));
    const r = await dap.send('disconnect', {});
    assert.equal(r.success, true);
    conn.socket.end();
    assert.equal(await exited, 0);
    assert.ok(fs.existsSync(conn.logFile));
  });
});

describe('the engine thread stuck for good in a system call when the client leaves', () => {
  it('the adapter process ends (it does not wait for the thread), and the debuggee with it', async () => {
    const copy = uniqueCopy('sample', 'enginestuck');
    const conn = await connectAdapter({ root: repoRoot, adapterScript: await buildFaultyAdapter(), env: { DBGENG_TEST_FAULT: 'hang' } });
    try {
      const dap = new DapClient(conn.socket, conn.socket);
      const q = new StopQueue(dap);
      await dap.request('initialize', { adapterID: 'dbgeng', pathFormat: 'path' });
      const initialized = dap.waitFor('initialized', 60_000);
      await dap.request('launch', { program: copy.exe, args: ['break'] });
      await initialized;
      await dap.request('configurationDone');
      const stop = await q.nextStop();
      assert.equal(processesRunning(copy.name).length, 1);
      // The engine thread blocks in this request, for good.
      void dap.send('stackTrace', { threadId: stop.body.threadId, startFrame: 0, levels: 20 }).catch(() => undefined);
      await new Promise((r) => setTimeout(r, 500));
      const exited = new Promise<number | null>((r) => conn.process.once('exit', r));
      const left = Date.now();
      conn.socket.destroy();
      // Dispose waits 15 s for the engine, then 5 s for the thread to end.
      const code = await Promise.race([exited, new Promise<'still running'>((r) => setTimeout(() => r('still running'), 40_000))]);
      assert.notEqual(code, 'still running', 'the adapter process was still running 40 s after its client left');
      console.log(`adapter ended ${Date.now() - left} ms after its client left, exit code ${code}`);
      assert.deepEqual(await waitUntilGone(copy.name), []);
    } finally {
      await conn.close();
      copy.remove();
    }
  });
});

describe("Microsoft's dbgeng faulting inside a call (a real bad argument)", { skip: installedPlatform(repoRoot) ? false : "Microsoft's debugger platform is not installed: run `npm run setup` with dotnet on PATH" }, () => {
  it('the client is told the debugger ended, the session ends, the program is not left suspended, and the next session starts clean', async () => {
    const copy = uniqueCopy('sample', 'dbgengfault', undefined, undefined, 'pdb');
    const runtime = platformRuntime(choosePlatform(repoRoot, { engine: 'dbgeng', program: copy.exe }));
    const conn = await connectAdapter({ root: repoRoot, adapterScript: await buildFaultyAdapter(), ...runtime, env: { ...runtime.env, DBGENG_TEST_FAULT: 'dbgeng-null' } });
    try {
      const { dap, stop, lost } = await launchToStop(conn, { program: copy.exe, args: ['break'], engine: 'dbgeng' });
      assert.equal(processesRunning(copy.name).length, 1);
      // dbgeng faults in this request's thread: the whole adapter process ends.
      const trace = await dap.send('stackTrace', { threadId: stop.body.threadId, levels: 20 }).catch((e: Error) => e);
      assert.ok(trace instanceof Error, 'no answer: the process that would give it is gone');
      const events = await within(lost, 20_000, 'the loss was not noticed');
      assert.deepEqual(events.map((e) => e.event), ['output', 'terminated']);
      const said = (events[0] as DebugProtocol.OutputEvent).body;
      assert.equal(said.category, 'stderr');
      assert.match(said.output, /The debugger's process (exited with code \d+|was ended) in the middle of the session.*The program being debugged ended with it\. Start the session again/s);
      assert.ok(said.output.includes(conn.logFile), 'the message names the log');
      console.log(said.output);
      assert.deepEqual(await waitUntilGone(copy.name), [], 'the program is not left behind, suspended or running');
    } finally {
      await conn.close();
    }
    // The next session, on the real adapter: clean.
    const s = await TestSession.start(undefined, { engine: 'dbgeng', program: copy.exe });
    try {
      const q = new StopQueue(s.dap);
      await s.launch({ program: copy.exe, args: ['break'], engine: 'dbgeng' });
      assert.equal((await q.nextStop()).body.reason, 'exception');
      assert.ok((await s.stackTrace((await s.dap.request<DebugProtocol.ThreadsResponse>('threads')).body.threads[0]!.id)).stackFrames.length > 0);
    } finally {
      await s.close();
      copy.remove();
    }
    assert.deepEqual(await waitUntilGone(copy.name), []);
  });
});

describe('the dbgeng DLL faulting inside a call, simulated by the double', () => {
  it('the same: the client is told, the session ends, and the next session starts clean', async () => {
    const conn = await connectAdapter({ root: repoRoot, env: { DBGENG_DOUBLE_CRASH: 'stack' } });
    try {
      const { dap, stop, lost } = await launchToStop(conn, { program: fixtureExe('sample'), engine: 'dbgeng', dbgengPath: dbgengDouble });
      // The double's GetStackTraceEx writes through a null pointer.
      assert.ok((await dap.send('stackTrace', { threadId: stop.body.threadId, levels: 20 }).catch((e: Error) => e)) instanceof Error);
      const events = await within(lost, 20_000, 'the loss was not noticed');
      assert.deepEqual(events.map((e) => e.event), ['output', 'terminated']);
      assert.match((events[0] as DebugProtocol.OutputEvent).body.output, /The debugger's process exited with code \d+ in the middle of the session.*exception 0xc0000005/s);
    } finally {
      await conn.close();
    }
    const s = await TestSession.start();
    try {
      const q = new StopQueue(s.dap);
      await s.launch({ program: fixtureExe('sample'), engine: 'dbgeng', dbgengPath: dbgengDouble });
      const stop = await q.nextStop();
      assert.ok((await s.stackTrace(stop.body.threadId!)).stackFrames.some((f) => f.name.includes('(Inline)')));
    } finally {
      await s.close();
    }
  });
});
