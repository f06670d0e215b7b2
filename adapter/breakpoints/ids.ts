/**
 * Breakpoint ids as the client knows them, across restarts.
 *
 * A restart starts a new engine, which numbers its breakpoints from 1
 * again, while VS Code keeps the ids it was given and does not send its
 * breakpoints again. So after a restart the breakpoints the adapter binds
 * anew are mapped back to their old ids, and ids of breakpoints set later
 * are moved past every id handed out before, so no two ever meet.
 */
export class BreakpointIds {
  /** Added to the ids of the current engine that were not restored. */
  private offset = 0;
  private highest = 0;
  /** The current engine's id -> the id the client knows, for breakpoints bound again at a restart. */
  private readonly restored = new Map<number, number>();

  /** The id the client knows for one of the current engine's breakpoints. */
  toClient(engineId: number): number {
    const id = this.restored.get(engineId) ?? engineId + this.offset;
    if (id > this.highest) this.highest = id;
    return id;
  }

  /** A new engine: its ids start again, past all ids handed out so far. */
  newEngine(): void {
    this.restored.clear();
    this.offset = this.highest;
  }

  /** The new engine's breakpoint `engineId` is the one the client knows as `clientId`. */
  restore(engineId: number, clientId: number): void {
    this.restored.set(engineId, clientId);
  }
}
