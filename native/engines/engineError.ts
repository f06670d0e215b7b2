/**
 * An error an engine reports on purpose: bad input or a state the user can
 * fix. `code` is stable (tests and the adapter's error factories key on it);
 * `message` says what to do. Anything else thrown on the engine thread is
 * a fault and is reported as such.
 */
export class EngineError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'EngineError';
  }
}
