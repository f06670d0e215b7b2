/**
 * The real engine thread, with one fault injected for the tests of a dying
 * or stuck engine thread, at its first stackFrames request:
 *  - by default it throws inside the host's own message handling, before
 *    the engine answers and outside any catch, as a bug there would; the
 *    thread dies with the request unanswered;
 *  - with DBGENG_TEST_FAULT=hang it blocks in a system call for good
 *    (WaitForSingleObject on its own thread, which never ends, with no time-out), as a thread stuck in Wine does: nothing
 *    can end the thread but the end of its process;
 *  - with DBGENG_TEST_FAULT=dbgeng-null it makes Microsoft's dbgeng fault
 *    inside a call, with a real bad argument: IDebugSystemObjects'
 *    GetNumberThreads with a null out-pointer, on a client of its own in
 *    this thread. The native fault ends the whole adapter process.
 * Test-only: bundled by engineFault.test.ts, never part of the product.
 */
import { parentPort } from 'node:worker_threads';
import { k32 } from '../../../native/win32/kernel32';
import { openDbgeng } from '../../../native/dbgeng/openDbgeng';
import { Slots } from '../../../native/dbgeng/slots';

type Listener = (msg: { kind?: string; method?: string }) => void;
const port = parentPort!;
const on = port.on.bind(port) as (event: string, listener: Listener) => unknown;
// The host registers its 'message' listener when imported below; wrap it.
(port as unknown as { on: (event: string, listener: Listener) => unknown }).on = (event, listener) => on(event, event !== 'message' ? listener : (msg) => {
  if (msg?.kind === 'request' && msg.method === 'stackFrames') {
    // GetCurrentThread()'s pseudo-handle is -2; INFINITE is 0xffffffff.
    if (process.env.DBGENG_TEST_FAULT === 'hang') k32.WaitForSingleObject(0xfffffffffffffffen, 0xffffffff);
    if (process.env.DBGENG_TEST_FAULT === 'dbgeng-null') {
      const dbg = openDbgeng(`${process.env.DBGENG_PLATFORM_DIR}\\dbgeng.dll`).opened!;
      dbg.sysobj.invoke(Slots.IDebugSystemObjects4.GetNumberThreads, 'GetNumberThreads', 'void *number', null);
    }
    throw new Error('injected fault: the engine thread dies in the middle of a stackFrames request');
  }
  listener(msg);
});

void import('../../../native/host/worker');
