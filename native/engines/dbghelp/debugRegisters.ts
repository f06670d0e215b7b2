/**
 * Data breakpoints through the x64 debug registers: DR0-DR3 hold up to four
 * addresses, DR7 says which are armed, for what access and how many bytes;
 * a hit raises EXCEPTION_SINGLE_STEP after the access, with DR6 saying
 * which slot fired. Debug registers are per thread, so every thread gets
 * them, and each new thread when it starts.
 */
import { alignedBuffer, check, k32, readMemory, type Handle } from '../../win32/kernel32';
import { Layouts } from '../../win32/layouts';
import { describeDataHit, MAX_WATCHES, type DataWatch } from '../dataWatch';
import { dr7For } from './dr7';

const C = Layouts.CONTEXT;
/** CONTEXT_AMD64 | CONTEXT_DEBUG_REGISTERS: only the debug registers are read or written. */
const CONTEXT_DEBUG_REGISTERS = 0x100010;
const DR6_OFFSET = 0x68;

interface Armed { id: number; watch: DataWatch; last: Buffer }

export class DebugRegisters {
  private armed: Armed[] = [];

  constructor(private readonly process: () => Handle) {}

  get count(): number {
    return this.armed.length;
  }

  /** Replaces the watches (ids given), arming them in `threads`. */
  set(watches: { id: number; watch: DataWatch }[], threads: Handle[]): void {
    this.armed = watches.slice(0, MAX_WATCHES).map((w) => ({ ...w, last: this.read(w.watch) }));
    for (const t of threads) this.arm(t);
  }

  /** Arms the watches in one thread (a new one, or all of them after a change). */
  arm(thread: Handle): void {
    const ctx = alignedBuffer(C.size, C.align);
    ctx.writeUInt32LE(CONTEXT_DEBUG_REGISTERS, C.ContextFlags);
    check('GetThreadContext', k32.GetThreadContext(thread, ctx));
    for (let slot = 0; slot < MAX_WATCHES; slot++) ctx.writeBigUInt64LE(this.armed[slot] ? BigInt(this.armed[slot]!.watch.address) : 0n, C.Dr0 + 8 * slot);
    ctx.writeBigUInt64LE(0n, DR6_OFFSET);
    ctx.writeBigUInt64LE(dr7For(this.armed.map((a) => a.watch)), C.Dr7);
    check('SetThreadContext', k32.SetThreadContext(thread, ctx));
  }

  /**
   * After a single-step exception on `thread`: the watches that fired (DR6),
   * each with what its stop says, DR6 cleared. Empty when none did (a
   * trap-flag step of ours).
   */
  hits(thread: Handle): { id: number; description: string }[] {
    if (!this.armed.length) return [];
    const ctx = alignedBuffer(C.size, C.align);
    ctx.writeUInt32LE(CONTEXT_DEBUG_REGISTERS, C.ContextFlags);
    check('GetThreadContext', k32.GetThreadContext(thread, ctx));
    const dr6 = ctx.readBigUInt64LE(DR6_OFFSET);
    const fired = this.armed.filter((_, slot) => (dr6 >> BigInt(slot)) & 1n);
    if (!fired.length) return [];
    ctx.writeBigUInt64LE(0n, DR6_OFFSET);
    check('SetThreadContext', k32.SetThreadContext(thread, ctx));
    return fired.map((a) => {
      const now = this.read(a.watch);
      const description = describeDataHit(a.watch, a.last, now);
      a.last = now;
      return { id: a.id, description };
    });
  }

  private read(watch: DataWatch): Buffer {
    return readMemory(this.process(), BigInt(watch.address), watch.size);
  }
}
