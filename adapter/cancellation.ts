/**
 * When a long request (a walk down a very deep stack) stops being worth
 * finishing: the client cancelled it (DAP `cancel`), or the program moved on
 * (resumed, exited, the session ended), which makes any stack out of date.
 */
export class Cancellation {
  private stop = new AbortController();
  private readonly inFlight = new Map<number, AbortController>();

  /** A signal for request `seq` that aborts on cancel(seq) or on the next moveOn(). */
  begin(seq: number): AbortSignal {
    const own = new AbortController();
    this.inFlight.set(seq, own);
    return AbortSignal.any([own.signal, this.stop.signal]);
  }

  end(seq: number): void {
    this.inFlight.delete(seq);
  }

  /** The client's `cancel` of one request; false when it is not running (done already, or never was). */
  cancel(seq: number): boolean {
    const c = this.inFlight.get(seq);
    c?.abort();
    return c !== undefined;
  }

  /** The program resumed, stopped anew or ended: every walk in flight is stale. */
  moveOn(): void {
    this.stop.abort();
    this.stop = new AbortController();
  }
}
