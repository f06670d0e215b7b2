/**
 * The dbghelp engine's stepping: stepIn, stepOver and stepOut over source
 * lines and instructions as the shared rule (../stepping.ts) decides them,
 * and Step Into Target (../stepInTargets.ts). A step runs one thread: an
 * instruction at a time by the trap flag, a call it does not stop in to
 * the return address by a breakpoint of its own (STEP_OWNER); each event of
 * the step comes back here (onStepEvent, onReturnBreakpoint) and is decided
 * on. What it needs of the engine comes through StepperHost.
 */
import type { EngineEvent, RawFrame, StackPage, StepInTargetInfo } from '../engine';
import { EngineError } from '../engineError';
import { StepPlan, type Position } from '../stepping';
import type { StepKind } from '../engine';
import { enteredInPlace, ListedTargets, stepInTargets } from '../stepInTargets';
import { codeSpots, inlineChainAt } from '../../win32/codeSpots';
import { DBG_CONTINUE } from '../../win32/debugEvents';
import { readMemory, type Handle } from '../../win32/kernel32';
import { Layouts } from '../../win32/layouts';
import type { Decision } from './decision';
import { decodeOne, type InstructionShape } from './instructions';
import type { SoftwareBreakpoints } from './softwareBreakpoints';
import type { SymbolSession } from './symbols';
import { TRAP_FLAG } from './threadControl';

const C = Layouts.CONTEXT;
/** The owner id of the breakpoints stepping sets on return addresses. */
export const STEP_OWNER = -1;
/** A step that has run this many instructions stops, and says so. */
const MAX_STEP_INSTRUCTIONS = 200_000;

export interface StepperHost {
  process(): Handle;
  symbols(): SymbolSession;
  breakpoints(): SoftwareBreakpoints | undefined;
  /** Per thread: innermost inline frames hidden at this stop (not entered yet). */
  readonly hidden: Map<number, number>;
  thread(threadId: number): { handle: Handle } | undefined;
  /** Stopped, with a debug event pending (a step resumes it). */
  stopped(): boolean;
  stackFrames(threadId: number, start: number, count: number): StackPage;
  firstFrameOf(threadId: number, physicalIndex: number): RawFrame | undefined;
  threadContext(thread: Handle): Buffer;
  setThreadContext(thread: Handle, ctx: Buffer): void;
  /** After our int3: the thread's RIP back on the instruction. */
  rewindTo(threadId: number, address: bigint): void;
  /** A thread resuming from one of our breakpoints runs the real instruction first. */
  stepOverBreakpoint(threadId: number): void;
  resume(): void;
  emit(event: EngineEvent): void;
}

export class Stepper {
  /** The step under way. */
  private stepping?: { tid: number; plan: StepPlan; last?: InstructionShape; runTo?: { address: bigint; sp: bigint } };
  /** The step-in targets listed at this stop. */
  private readonly targets = new ListedTargets();

  constructor(private readonly host: StepperHost) {}

  /** The thread a step is under way on, if any. */
  get thread(): number | undefined {
    return this.stepping?.tid;
  }

  /** The program runs: the targets listed at this stop are gone. */
  forgetTargets(): void {
    this.targets.clear();
  }

  /** The calls the thread's current line makes, inlined ones included (the top frame only). */
  targetsAt(threadId: number, frameIndex: number): StepInTargetInfo[] {
    const thread = this.host.thread(threadId);
    if (!thread) throw new EngineError('noThread', `Thread ${threadId} does not exist (any more).`);
    if (!this.host.stopped()) throw new EngineError('notStopped', 'The program is running; pause it to list the calls of its line.');
    if (frameIndex !== 0) return [];
    const [top] = this.host.stackFrames(threadId, 0, 1).frames;
    if (!top?.line) return [];
    const at = this.position(thread.handle);
    const hidden = this.host.hidden.get(threadId) ?? 0;
    const spots = codeSpots(this.host.symbols(), at.pc, (a, n) => this.programBytes(a, n), (a) => {
      const b = readMemory(this.host.process(), a, 8);
      return b.length === 8 ? b.readBigUInt64LE(0) : undefined;
    });
    return this.targets.add(threadId, stepInTargets({ chain: at.chain.slice(0, at.chain.length - hidden), line: top.line }, spots));
  }

  step(threadId: number, kind: StepKind, targetId?: number): void {
    const thread = this.host.thread(threadId);
    if (!thread) throw new EngineError('noThread', `Thread ${threadId} does not exist (any more).`);
    if (!this.host.stopped()) throw new EngineError('notStopped', 'The program is running; pause it before stepping.');
    const target = targetId === undefined ? undefined : this.targets.chosen(threadId, kind, targetId);
    const hidden = this.host.hidden.get(threadId) ?? 0;
    const at = this.position(thread.handle);
    const stillHidden = target && enteredInPlace(at.chain, hidden, target);
    if (stillHidden !== undefined) {
      // The chosen inlined call begins right here, not entered yet: enter it without running anything.
      this.host.hidden.set(threadId, stillHidden);
      this.host.emit({ type: 'stopped', reason: 'step', threadId });
      return;
    }
    if (kind === 'in' && hidden > 0 && !target) {
      // At an inlined call site: step into the inline frame without running anything.
      this.host.hidden.set(threadId, hidden - 1);
      this.host.emit({ type: 'stopped', reason: 'step', threadId });
      return;
    }
    const plan = new StepPlan({ kind, at, hidden, target });
    this.stepping = { tid: threadId, plan };
    if (plan.outOfPhysicalFrame) {
      const caller = this.host.firstFrameOf(threadId, 1);
      if (!caller) throw new EngineError('noCaller', 'This frame has no caller to step out to.');
      this.runTo(BigInt(caller.instructionOffset), at.sp + 8n);
    } else {
      this.prepareStep(threadId, at.pc);
    }
    this.host.resume();
  }

  /** Where a thread is, for stepping decisions. */
  private position(thread: Handle): Position {
    const ctx = this.host.threadContext(thread);
    const pc = ctx.readBigUInt64LE(C.Rip);
    const symbols = this.host.symbols();
    const contexts = symbols.inlineContextsAt(pc);
    const chain = inlineChainAt(symbols, pc, contexts);
    const fn = symbols.nameByOffset(pc);
    const line = contexts.length ? symbols.lineByInlineContext(pc, contexts[0]!) : symbols.lineByOffset(pc);
    return { pc, sp: ctx.readBigUInt64LE(C.Rsp), functionStart: fn ? pc - BigInt(fn.displacement) : 0n, chain, line: line?.line, file: line?.file };
  }

  /** Sets up the next instruction of a step: a call is run through (except by stepIn), anything else single-stepped. */
  private prepareStep(tid: number, pc: bigint): void {
    const step = this.stepping!;
    const insn = decodeOne(this.programBytes(pc, 16), pc);
    step.last = insn;
    const thread = this.host.thread(tid)!;
    const ctx = this.host.threadContext(thread.handle);
    if (insn?.isCall && !step.plan.entersCalls && !this.host.breakpoints()?.has(pc)) {
      this.runTo(pc + BigInt(insn.length), ctx.readBigUInt64LE(C.Rsp));
      return;
    }
    ctx.writeUInt32LE(ctx.readUInt32LE(C.EFlags) | TRAP_FLAG, C.EFlags);
    this.host.setThreadContext(thread.handle, ctx);
  }

  /** The program's own code bytes: our breakpoints' int3s hidden. */
  programBytes(address: bigint, size: number): Buffer {
    const bytes = readMemory(this.host.process(), address, size);
    return this.host.breakpoints()?.unpatch(address, bytes) ?? bytes;
  }

  /** Runs the stepping thread to `address` (a return address), accepted once its stack is back at `sp` or above. */
  private runTo(address: bigint, sp: bigint): void {
    this.host.breakpoints()?.add(address, STEP_OWNER);
    this.stepping!.runTo = { address, sp };
  }

  /** One instruction of a step ran. */
  onStepEvent(tid: number): Decision {
    const step = this.stepping!;
    const thread = this.host.thread(tid)!;
    const now = this.position(thread.handle);
    const last = step.last;
    step.last = undefined;
    let how: { returned?: boolean; enteredCall?: boolean; calleeHasLines?: boolean } = { returned: last?.isReturn };
    if (last?.isCall) how = { enteredCall: true, calleeHasLines: step.plan.kind === 'in' && !!this.host.symbols().lineByOffset(now.pc) };
    return this.afterStep(tid, now, how);
  }

  /** A run-to breakpoint was hit; by the stepping thread, back in its frame, or by someone else. */
  onReturnBreakpoint(tid: number, address: bigint, owners: number[]): Decision | undefined {
    const step = this.stepping;
    const thread = this.host.thread(tid);
    if (!thread) return undefined;
    this.host.rewindTo(tid, address);
    const sp = this.host.threadContext(thread.handle).readBigUInt64LE(C.Rsp);
    const ours = step && step.tid === tid && step.runTo && step.runTo.address === address && sp >= step.runTo.sp;
    if (ours) {
      this.host.breakpoints()?.removeOwner(STEP_OWNER);
      step!.runTo = undefined;
      if (owners.length > 1) return undefined; // a user breakpoint here too: report it
      return this.afterStep(tid, this.position(thread.handle), { returned: step!.plan.outOfPhysicalFrame });
    }
    if (owners.length > 1) return undefined;
    // Another thread, or a deeper recursion of the same function: run the instruction and go on.
    this.host.stepOverBreakpoint(tid);
    return { stop: false, status: DBG_CONTINUE };
  }

  private afterStep(tid: number, now: Position, how: { returned?: boolean; enteredCall?: boolean; calleeHasLines?: boolean }): Decision {
    const step = this.stepping!;
    let decision = step.plan.decide(now, how);
    if (decision.action === 'continue' && step.plan.steps >= MAX_STEP_INSTRUCTIONS) decision = { action: 'stop', hidden: 0 };
    if (decision.action === 'stop') {
      const hidden = decision.hidden;
      const ranOut = step.plan.steps >= MAX_STEP_INSTRUCTIONS;
      this.cancel();
      this.host.hidden.set(tid, hidden);
      return {
        stop: true, status: DBG_CONTINUE, fromStep: true,
        report: () => this.host.emit({ type: 'stopped', reason: 'step', threadId: tid, description: ranOut ? `The step ran ${MAX_STEP_INSTRUCTIONS} instructions without reaching another line; stopped.` : undefined }),
      };
    }
    if (how.enteredCall) {
      // In a call we do not stop in: run to its return address.
      const ctx = this.host.threadContext(this.host.thread(tid)!.handle);
      const rsp = ctx.readBigUInt64LE(C.Rsp);
      const ret = readMemory(this.host.process(), rsp, 8);
      if (ret.length === 8) {
        this.runTo(ret.readBigUInt64LE(0), rsp + 8n);
        return { stop: false, status: DBG_CONTINUE };
      }
    }
    this.prepareStep(tid, now.pc);
    return { stop: false, status: DBG_CONTINUE };
  }

  cancel(): void {
    if (!this.stepping) return;
    if (this.stepping.runTo) this.host.breakpoints()?.removeOwner(STEP_OWNER);
    this.stepping = undefined;
  }
}
