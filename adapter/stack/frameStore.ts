/**
 * Frame ids for one stop. Ids come from a counter (never a hash, so they
 * cannot collide and need no room for an inline depth); the store is
 * cleared whenever the debuggee resumes, so a stale id is detected, not
 * misread.
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
  private nextId = 1;
  /** The first id of this stop: smaller ids are stale. */
  private firstId = 1;
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

  get(id: number): FrameRef | undefined {
    return Number.isInteger(id) && id >= this.firstId ? this.refs[id - this.firstId] : undefined;
  }

  clear(): void {
    this.firstId = this.nextId;
    this.refs = [];
    this.byPosition.clear();
  }
}
