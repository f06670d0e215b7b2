/**
 * EngineClient's handling of an engine thread that is slow, ending, or
 * dead, with a stand-in engine thread (plain JavaScript, no native code),
 * so it runs anywhere. The real engine thread's death is in
 * test/reliability/engineFault.test.ts.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { EngineClient, EngineRequestError } from '../../native/api';

/**
 * A stand-in host: answers `describe` and `dispose`; never answers `launch`
 * (a launch that takes its time); answers `stackFrames` "pending" twice for
 * each page before giving it (a walk in slices), counting the requests.
 */
const HOST = `
const { parentPort } = require('node:worker_threads');
let asked = 0;
parentPort.on('message', (m) => {
  const answer = (result) => parentPort.postMessage({ kind: 'response', id: m.id, result });
  if (m.method === 'describe') answer({ kind: 'dbghelp', inlineContextEncoding: 'wine', wineVersion: null, capabilities: { disassembler: false } });
  else if (m.method === 'stackFrames') {
    asked++;
    if (asked % 3) answer({ frames: [], complete: false, pending: true });
    else answer({ frames: [], complete: true, totalFrames: asked });
  } else if (m.method === 'dispose') { answer(undefined); parentPort.close(); }
});
`;

/**
 * A host whose thread blocks for good inside `launch` or `attach`, as the
 * engine thread does in a system call that never returns (Wine's
 * CreateProcessW waiting on a process that died half-started).
 */
const STUCK_HOST = `
const { parentPort } = require('node:worker_threads');
parentPort.on('message', (m) => {
  const answer = (result) => parentPort.postMessage({ kind: 'response', id: m.id, result });
  if (m.method === 'describe') answer({ kind: 'dbghelp', inlineContextEncoding: 'wine', wineVersion: null, capabilities: { disassembler: false } });
  else if (m.method === 'launch' || m.method === 'attach') Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
  else if (m.method === 'dispose') { answer(undefined); parentPort.close(); }
});
`;

describe('EngineClient', () => {
  let dir: string;
  let host: string;
  let stuckHost: string;

  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dbgeng-client-'));
    host = path.join(dir, 'host.js');
    fs.writeFileSync(host, HOST);
    stuckHost = path.join(dir, 'stuck-host.js');
    fs.writeFileSync(stuckHost, STUCK_HOST);
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('asks again while the engine answers "pending", and gives the page', async () => {
    const engine = new EngineClient('dbghelp', host);
    const page = await engine.stackFrames(1, 0, 20);
    assert.equal(page.pending, undefined);
    assert.equal(page.totalFrames, 3, 'two "pending" answers, then the page');
    await engine.dispose();
  });

  it('stops asking once the signal aborts (the client cancelled, or the program moved on)', async () => {
    const engine = new EngineClient('dbghelp', host);
    const stop = new AbortController();
    stop.abort();
    await assert.rejects(engine.stackFrames(1, 0, 20, stop.signal), (e: EngineRequestError) => e.code === 'cancelled');
    await engine.dispose();
  });

  it('a request pending when the session ends is answered "the session ended", not "the engine died"', async () => {
    const engine = new EngineClient('dbghelp', host);
    const faults: Error[] = [];
    engine.on('fault', (e: Error) => faults.push(e));
    const launch = engine.launch({ program: 'x.exe', args: [] });
    await engine.dispose();
    await assert.rejects(launch, (e: EngineRequestError) => e.code === 'disposed' && /session ended/.test(e.message));
    await assert.rejects(engine.threads(), (e: EngineRequestError) => e.code === 'engineDead' || e.code === 'disposed');
    assert.deepEqual(faults, [], 'ending the session is not a fault');
  });

  for (const [method, start, says] of [
    ['launch', (e: EngineClient) => e.launch({ program: 'x.exe', args: [] }), /"x\.exe" was not started: the system call that creates it did not return within 1 s/],
    ['attach', (e: EngineClient) => e.attach(42), /Attaching to process 42 did not finish: the system call did not return within 1 s/],
  ] as const) {
    it(`${method === 'attach' ? 'an' : 'a'} ${method} whose thread never comes back fails after the start watchdog, and the session can end`, async () => {
      const saved = process.env.DBGENG_START_WATCHDOG_S;
      process.env.DBGENG_START_WATCHDOG_S = '1';
      try {
        const engine = new EngineClient('dbghelp', stuckHost);
        const faults: Error[] = [];
        engine.on('fault', (e: Error) => faults.push(e));
        await engine.describe();
        const t0 = Date.now();
        await assert.rejects(start(engine), (e: EngineRequestError) => {
          assert.equal(e.code, 'startHung');
          assert.match(e.message, says);
          assert.match(e.message, /wineserver -k/);
          return true;
        });
        const waited = Date.now() - t0;
        assert.ok(waited >= 1000 && waited < 5000, `failed after ${waited} ms`);
        // The thread is given up: nothing more is asked of it, and ending the session does not wait on it.
        await assert.rejects(engine.threads(), (e: EngineRequestError) => e.code === 'engineDead');
        const t1 = Date.now();
        await engine.dispose();
        assert.ok(Date.now() - t1 < 1000, 'dispose did not wait on the stuck thread');
        assert.deepEqual(faults, [], 'the request that timed out tells of it, not a fault event');
      } finally {
        if (saved === undefined) delete process.env.DBGENG_START_WATCHDOG_S;
        else process.env.DBGENG_START_WATCHDOG_S = saved;
      }
    });
  }
});
