/**
 * Under Wine, CreateProcessW now and then fails with ERROR_INTERNAL_ERROR:
 * the new Unix process died before it told wineserver it had started (Wine's
 * NtCreateUserProcess turns "not started, no exit status" into
 * STATUS_INTERNAL_ERROR). Nothing of that process is left, so starting it
 * again is safe. Here: the policy for that, apart from the Win32 calls, so
 * it can be checked without a system that loses starts on demand.
 */
export const ERROR_INTERNAL_ERROR = 1359;
/** Tries at starting a program before giving up. */
export const START_ATTEMPTS = 3;

/** Every try lost the program while it started (ERROR_INTERNAL_ERROR each time). */
export class LostStartError extends Error {
  constructor(program: string, readonly attempts: number) {
    super(`"${program}" died while it was being started, ${attempts} times in a row (CreateProcessW: Win32 error ${ERROR_INTERNAL_ERROR}). `
      + 'Under Wine, run it once without the debugger (wine "program.exe") to see Wine\'s own message: '
      + 'a damaged executable or a broken Wine prefix does this.');
    this.name = 'LostStartError';
  }
}

export interface StartOutcome {
  /** How many tries it took; more than 1 when a start was lost. */
  attempts: number;
  /** The Win32 error of a start that failed for another reason (not retried); 0 when it started. */
  error: number;
}

/**
 * Calls `start` (0 when the program started, else the Win32 error) until it
 * starts, fails for another reason, or was lost START_ATTEMPTS times (then
 * throws LostStartError). Waits a little longer after each loss.
 */
export function startDespiteLostStarts(program: string, start: () => number, sleep: (ms: number) => void = sleepMs): StartOutcome {
  for (let attempts = 1; ; attempts++) {
    const error = start();
    if (error !== ERROR_INTERNAL_ERROR) return { attempts, error };
    if (attempts === START_ATTEMPTS) throw new LostStartError(program, attempts);
    sleep(100 * attempts);
  }
}

/** Blocks this thread (the engine thread, which has nothing else to do meanwhile). */
function sleepMs(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}
