/**
 * Ending the adapter's process once its sessions are over. process.exit
 * waits for every worker thread to stop, and an engine thread stuck in a
 * system call never does (measured under Wine: dbghelp's symbol search
 * blocked in a mountmgr DeviceIoControl, the adapter still running 40 s
 * after its client left, with its debuggee). Then the process is ended
 * outright, which ends the stuck thread, and the system ends the debuggee
 * with its debugger (and the job object the debuggee is in).
 */
export function exitAdapter(engineThreadEnded: boolean): never {
  if (!engineThreadEnded) {
    console.error('The engine thread is stuck in a system call: ending the adapter process outright (its debuggee ends with it).');
    process.kill(process.pid, 'SIGKILL');
  }
  process.exit(0);
}
