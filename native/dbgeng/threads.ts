/**
 * Threads as dbgeng numbers them. The client names a thread by its system
 * id (what Windows and the dbghelp engine call it); dbgeng's calls take its
 * own engine ids, and its stacks, scopes, registers and steps are those of
 * its current thread.
 */
import type { EngineThread } from '../engines/engine';
import { EngineError } from '../engines/engineError';
import type { ComPtr } from './com';
import { Slots } from './slots';

const SO = Slots.IDebugSystemObjects4;

export class DbgengThreads {
  constructor(private readonly sysobj: ComPtr) {}

  /** The process's threads, the first one named the main thread. */
  list(): EngineThread[] {
    const n = [0];
    this.sysobj.call(SO.GetNumberThreads, 'GetNumberThreads', '_Out_ uint32_t *n', n);
    const count = Number(n[0]);
    if (!count) return [];
    const ids = new Uint32Array(count);
    const sys = new Uint32Array(count);
    this.sysobj.call(SO.GetThreadIdsByIndex, 'GetThreadIdsByIndex', 'uint32_t start, uint32_t count, void *ids, void *sysIds', 0, count, ids, sys);
    return [...sys].map((id, i) => ({ id, name: i === 0 ? 'Main Thread' : `Thread ${id}` }));
  }

  /** Makes the thread (by system id) dbgeng's current thread. */
  select(threadId: number): void {
    this.sysobj.call(SO.SetCurrentThreadId, 'SetCurrentThreadId', 'uint32_t id', this.engineId(threadId));
  }

  engineId(threadId: number): number {
    const engineId = [0];
    const hr = this.sysobj.invoke(SO.GetThreadIdBySystemId, 'GetThreadIdBySystemId', 'uint32_t sysId, _Out_ uint32_t *id', threadId, engineId);
    if (hr < 0) throw new EngineError('noThread', `Thread ${threadId} does not exist (any more).`);
    return Number(engineId[0]);
  }

  /** The system id of dbgeng's current thread (during a thread event, the event's). */
  current(): number {
    const id = [0];
    this.sysobj.call(SO.GetCurrentThreadSystemId, 'GetCurrentThreadSystemId', '_Out_ uint32_t *id', id);
    return Number(id[0]);
  }
}
