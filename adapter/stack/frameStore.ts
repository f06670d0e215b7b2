/**
 * Frame ids for one stop. Ids come from a counter (never a hash, so they
 * cannot collide and need no room for an inline depth); the store is
 * cleared whenever the debuggee resumes, so a stale id is detected, not
 * misread.
 */
import type { RawFrame } from '../../native/api';

export interface FrameRef {
  threadId: number;
  frame: RawFrame;
}

export class FrameStore {
  private nextId = 1;
  private readonly byId = new Map<number, FrameRef>();
  private readonly byPosition = new Map<string, number>();

  idFor(threadId: number, frame: RawFrame): number {
    const key = `${threadId}:${frame.index}`;
    let id = this.byPosition.get(key);
    if (id === undefined) {
      id = this.nextId++;
      this.byPosition.set(key, id);
      this.byId.set(id, { threadId, frame });
    }
    return id;
  }

  get(id: number): FrameRef | undefined {
    return this.byId.get(id);
  }

  clear(): void {
    this.byId.clear();
    this.byPosition.clear();
  }
}
