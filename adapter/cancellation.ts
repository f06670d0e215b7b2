/**
 * When a long request (a walk down a very deep stack) stops being worth
 * finishing: the client cancelled it (DAP `cancel`), or the program moved on
 * (resumed, exited, the session ended), which makes any stack out of date.
 *
 * Each request gets a controller of its own, aborted by either. Not
 * AbortSignal.any over a per-stop signal: in Node 22 every such combined
 * signal stayed reachable, and the adapter grew by about 13 KB per
 * stop/continue cycle (test/reliability/load.test.ts measures it).
 */
export class Cancellation {
  private readonly inFlight = new Map<number, AbortController>();

  /** A signal for request `seq` that aborts on cancel(seq) or on the next moveOn(). */
  begin(seq: number): AbortSignal {
    const own = new AbortController();
    this.inFlight.set(seq, own);
    return own.signal;
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
    for (const c of this.inFlight.values()) c.abort();
    this.inFlight.clear();
  }
}
