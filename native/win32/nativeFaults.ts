/**
 * An unhandled native fault in this process (an access violation inside
 * dbgeng on a bad argument, say) ends the process at once, with the fault's
 * code. Windows would end it so (through Windows Error Reporting); under
 * Wine the fault starts winedbg, and without one the faulting thread loops
 * in its own exception handler for ever (measured with WINEDEBUG=+seh:
 * "Couldn't start debugger", then the same access violation again and
 * again), the adapter alive, its debuggee suspended, the client waiting.
 * A top-level exception filter runs before either. The client tells the
 * user (client/adapterLoss.ts); the system ends the debuggee with its
 * debugger.
 */
import fs from 'node:fs';
import koffi from 'koffi';
import { k32 } from './kernel32';

const CURRENT_PROCESS = 0xffffffffffffffffn;
let filter: unknown;

/** Installs the filter (once per thread that calls it: the engine thread). */
export function endProcessOnNativeFault(): void {
  if (filter) return;
  const proto = koffi.proto('long __stdcall TopLevelExceptionFilter(void *pointers)');
  filter = koffi.register((pointers: unknown) => {
    // EXCEPTION_POINTERS.ExceptionRecord, whose first field is ExceptionCode.
    const record = koffi.decode(pointers, 'void *');
    const code = record ? Number(koffi.decode(record, 'uint32_t')) >>> 0 : 0xc0000005;
    try {
      fs.writeSync(2, `A native fault (exception 0x${code.toString(16)}) in the debugger's process: it ends here.\n`);
    } finally {
      k32.TerminateProcess(CURRENT_PROCESS, code);
    }
    return 1; // EXCEPTION_EXECUTE_HANDLER, should the process outlive the call
  }, koffi.pointer(proto));
  k32.SetUnhandledExceptionFilter(filter);
}
