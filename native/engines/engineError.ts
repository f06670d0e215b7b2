/**
 * An error an engine reports on purpose: bad input or a state the user can
 * fix. `code` is one of the catalogue's (errorCodes.ts: each has its own DAP
 * error id); `message` says what to do. Anything else thrown on the engine
 * thread is a fault and is reported as such.
 */
import type { EngineErrorCode } from './errorCodes';

export class EngineError extends Error {
  constructor(
    readonly code: EngineErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'EngineError';
  }
}
