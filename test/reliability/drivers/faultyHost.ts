/**
 * The real engine thread, with one fault injected for the test of a dying
 * engine thread: its first stackFrames request throws inside the host's
 * own message handling, before the engine answers and outside any catch,
 * as a bug there would. The thread dies with the request unanswered.
 * Test-only: bundled by engineFault.test.ts, never part of the product.
 */
import { parentPort } from 'node:worker_threads';

type Listener = (msg: { kind?: string; method?: string }) => void;
const port = parentPort!;
const on = port.on.bind(port) as (event: string, listener: Listener) => unknown;
// The host registers its 'message' listener when imported below; wrap it.
(port as unknown as { on: (event: string, listener: Listener) => unknown }).on = (event, listener) => on(event, event !== 'message' ? listener : (msg) => {
  if (msg?.kind === 'request' && msg.method === 'stackFrames') {
    throw new Error('injected fault: the engine thread dies in the middle of a stackFrames request');
  }
  listener(msg);
});

void import('../../../native/host/worker');
