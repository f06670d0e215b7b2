/**
 * Frame ids for one stop. Ids come from a counter (never a hash, so they
 * cannot collide and need no room for an inline depth); each stop has a
 * store of its own (adapter/stop.ts) that counts on from the one before, so
 * a stale id is detected, not misread.
 *
 * Deep stacks hand out hundreds of thousands of ids per stop, so both
 * lookups are arrays: by position (per thread, indexed by frame index) and
 * by id (indexed by id minus the first id of this stop).
 */
import type { RawFrame } from '../../native/api';

export interface FrameRef {
  threadId: number;
  frame: RawFrame;
}

export class FrameStore {
  private nextId: number;
  /** The first id of this stop: smaller ids are stale. */
  private firstId: number;
  private refs: FrameRef[] = [];
  private readonly byPosition = new Map<number, number[]>();

  idFor(threadId: number, frame: RawFrame): number {
    let ids = this.byPosition.get(threadId);
    if (!ids) {
      ids = [];
      this.byPosition.set(threadId, ids);
    }
    let id = ids[frame.index];
    if (id === undefined) {
      id = this.nextId++;
      ids[frame.index] = id;
      this.refs[id - this.firstId] = { threadId, frame };
    }
    return id;
  }

  /** `firstId`: past every id of the stop before, so that none of those is taken for one of this stop's. */
  constructor(firstId = 1) {
    this.nextId = this.firstId = firstId;
  }

  /** The first id the next stop's store may hand out. */
  get nextFree(): number {
    return this.nextId;
  }

  get(id: number): FrameRef | undefined {
    return Number.isInteger(id) && id >= this.firstId ? this.refs[id - this.firstId] : undefined;
  }

}
