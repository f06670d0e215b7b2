/**
 * client/adapterLoss.ts: when the connection to the adapter closes, the
 * client hears "the debugger's process ended" only if the session had not
 * ended: not after `terminated`, not after the answer to `disconnect` (as
 * the client hands it the messages it read), not when the client closed it. (The real loss, a native fault in dbgeng under
 * Wine, is test/reliability/engineFault.test.ts.)
 */
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { AdapterConnection } from '../../client/adapterProcess';
import { lossMessage, watchForLoss } from '../../client/adapterLoss';

/** A connection whose socket and process are event emitters the test drives. */
function fakeConnection(logText = 'first line\nlast line\n') {
  const logFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'dbgeng-loss-')), 'adapter.log');
  fs.writeFileSync(logFile, logText);
  const socket = new EventEmitter();
  const proc = Object.assign(new EventEmitter(), { exitCode: null as number | null, signalCode: null as string | null });
  const conn = { socket, process: proc, logFile, port: 1, close: async () => undefined } as unknown as AdapterConnection;
  const events: DebugProtocol.Event[][] = [];
  const watch = watchForLoss(conn, (e) => events.push(e));
  const exit = (code: number) => {
    proc.exitCode = code;
    proc.emit('exit', code);
  };
  return { socket, exit, events, watch, logFile };
}

const settle = () => new Promise((r) => setTimeout(r, 20));

describe('a lost adapter', () => {
  it('closed in the middle of the session: an error output, then terminated', async () => {
    const c = fakeConnection();
    c.watch.seen({ seq: 1, type: 'event', event: 'stopped', body: { reason: 'breakpoint' } });
    c.exit(5);
    c.socket.emit('close');
    await settle();
    assert.equal(c.events.length, 1);
    const [output, end] = c.events[0]!;
    assert.equal(output!.event, 'output');
    assert.equal((output as DebugProtocol.OutputEvent).body.category, 'stderr');
    assert.match((output as DebugProtocol.OutputEvent).body.output, /exited with code 5 in the middle of the session.*ended with it.*last line/s);
    assert.equal(end!.event, 'terminated');
  });

  it('the close before the exit: waits for the exit code', async () => {
    const c = fakeConnection();
    c.socket.emit('close');
    await settle();
    assert.equal(c.events.length, 0, 'not yet: the exit code is not known');
    c.exit(7);
    await settle();
    assert.match((c.events[0]![0] as DebugProtocol.OutputEvent).body.output, /exited with code 7/);
  });

  for (const [what, message] of [
    ['after terminated', { seq: 3, type: 'event', event: 'terminated' }],
    ['after the answer to disconnect', { seq: 4, type: 'response', request_seq: 9, command: 'disconnect', success: true }],
  ] as const) {
    it(`${what}: nothing is said`, async () => {
      const c = fakeConnection();
      c.watch.seen(message);
      c.exit(0);
      c.socket.emit('close');
      await settle();
      assert.deepEqual(c.events, []);
    });
  }

  it('closed by the client: nothing is said', async () => {
    const c = fakeConnection();
    c.watch.expectEnd();
    c.exit(0);
    c.socket.emit('close');
    await settle();
    assert.deepEqual(c.events, []);
  });

  it('the message without a log, and for a process ended by a signal', () => {
    const m = lossMessage('/nonexistent/adapter.log', null);
    assert.match(m, /^The debugger's process was ended in the middle of the session/);
    assert.doesNotMatch(m, /last lines/);
  });
});
