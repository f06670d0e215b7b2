/**
 * Failures of Win32 calls, turned into errors that name the call and say
 * what the system said. Every binding that can fail goes through
 * `check()` so no failure is silently ignored.
 */
export class Win32Error extends Error {
  constructor(
    readonly call: string,
    readonly code: number,
    systemMessage: string,
  ) {
    super(`${call} failed: ${systemMessage || 'error'} (Win32 error ${code})`);
    this.name = 'Win32Error';
  }
}
