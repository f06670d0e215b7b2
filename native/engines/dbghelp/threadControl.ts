/**
 * The dbghelp engine's hold on its threads' registers: reading and writing
 * a thread's CONTEXT, putting RIP back on an int3 of ours, and the step
 * over one of our breakpoints that a thread resuming from it needs (the
 * real instruction restored, single-stepped with the other threads
 * suspended, then the int3 armed again). Also the program's own int3 the
 * user stopped at, which resuming must skip.
 */
import { alignedBuffer, check, k32, readMemory, type Handle } from '../../win32/kernel32';
import { Layouts } from '../../win32/layouts';
import type { SoftwareBreakpoints } from './softwareBreakpoints';

const C = Layouts.CONTEXT;
const CONTEXT_FULL = 0x10000b;
export const TRAP_FLAG = 0x100;

export interface ThreadHost {
  process(): Handle;
  thread(tid: number): { handle: Handle } | undefined;
  threads(): Iterable<[number, { handle: Handle }]>;
  breakpoints(): SoftwareBreakpoints | undefined;
}

export class ThreadControl {
  /** A thread stepping over one of our int3s, the others suspended meanwhile. */
  private over?: { tid: number; address: bigint; suspended: Handle[] };
  /** A stop at an int3 the program itself contains: resuming must skip it. */
  private programBreak?: { tid: number; address: bigint };

  constructor(private readonly host: ThreadHost) {}

  /** The thread stepping over one of our breakpoints, if one is. */
  get steppingOver(): number | undefined {
    return this.over?.tid;
  }

  /** The process ended: nothing to finish. */
  forgetStepOver(): void {
    this.over = undefined;
  }

  /** The user stopped at the program's own int3 at `address`. */
  stoppedAtProgramBreak(tid: number, address: bigint): void {
    this.programBreak = { tid, address };
  }

  /** Clears a thread's trap flag (a step of ours would otherwise still fire). */
  clearTrap(thread: Handle): void {
    const ctx = this.context(thread);
    if (!(ctx.readUInt32LE(C.EFlags) & TRAP_FLAG)) return;
    ctx.writeUInt32LE(ctx.readUInt32LE(C.EFlags) & ~TRAP_FLAG, C.EFlags);
    this.setContext(thread, ctx);
  }

  context(thread: Handle): Buffer {
    const ctx = alignedBuffer(C.size, C.align);
    ctx.writeUInt32LE(CONTEXT_FULL, C.ContextFlags);
    check('GetThreadContext', k32.GetThreadContext(thread, ctx));
    return ctx;
  }

  setContext(thread: Handle, ctx: Buffer): void {
    check('SetThreadContext', k32.SetThreadContext(thread, ctx));
  }

  /** After our int3 the thread's RIP is one past it; put it back on the instruction. */
  rewindTo(tid: number, address: bigint): void {
    const thread = this.host.thread(tid);
    if (!thread) return;
    const ctx = this.context(thread.handle);
    ctx.writeBigUInt64LE(address, C.Rip);
    this.setContext(thread.handle, ctx);
  }

  /**
   * A thread resuming from one of our breakpoints must execute the real
   * instruction first: restore it, single-step this thread alone (others
   * suspended so they cannot run through the gap), then re-arm.
   */
  stepOverIfAtBreakpoint(tid: number): void {
    const thread = this.host.thread(tid);
    const breakpoints = this.host.breakpoints();
    if (!thread || !breakpoints) return;
    const ctx = this.context(thread.handle);
    const rip = ctx.readBigUInt64LE(C.Rip);
    if (!breakpoints.has(rip)) return;
    breakpoints.disarm(rip);
    ctx.writeUInt32LE(ctx.readUInt32LE(C.EFlags) | TRAP_FLAG, C.EFlags);
    this.setContext(thread.handle, ctx);
    const suspended: Handle[] = [];
    for (const [id, t] of this.host.threads()) {
      if (id !== tid && k32.SuspendThread(t.handle) !== 0xffffffff) suspended.push(t.handle);
    }
    this.over = { tid, address: rip, suspended };
  }

  /** Moves the thread stopped at a program's int3 past it; true when it did. */
  skipProgramBreak(): boolean {
    const brk = this.programBreak;
    this.programBreak = undefined;
    // Only if the thread still sits on it (the user may have moved it meanwhile).
    return brk ? this.setRipIfAt(brk.tid, brk.address, brk.address + 1n) : false;
  }

  /** Moves a thread's RIP from `at` to `to`; nothing if it is elsewhere (Wine leaves it past an int3, Windows on it). True when moved. */
  setRipIfAt(tid: number, at: bigint, to: bigint): boolean {
    const thread = this.host.thread(tid);
    if (!thread) return false;
    const ctx = this.context(thread.handle);
    if (ctx.readBigUInt64LE(C.Rip) !== at) return false;
    ctx.writeBigUInt64LE(to, C.Rip);
    this.setContext(thread.handle, ctx);
    return true;
  }

  /** `clearTrap`: the step ended some other way than its single-step trap, which would otherwise still fire. */
  finishStepOver(clearTrap: boolean): void {
    const step = this.over!;
    this.over = undefined;
    this.host.breakpoints()?.arm(step.address);
    const thread = clearTrap ? this.host.thread(step.tid) : undefined;
    if (thread) {
      const ctx = this.context(thread.handle);
      ctx.writeUInt32LE(ctx.readUInt32LE(C.EFlags) & ~TRAP_FLAG, C.EFlags);
      this.setContext(thread.handle, ctx);
    }
    for (const h of step.suspended) k32.ResumeThread(h);
  }

  /** An int3 event at an address whose breakpoint is gone and whose original byte is back. */
  isStaleBreakpoint(address: bigint): boolean {
    if (!this.host.breakpoints()?.wasRemoved(address)) return false;
    const now = readMemory(this.host.process(), address, 1);
    return now.length === 1 && now[0] !== 0xcc;
  }
}
