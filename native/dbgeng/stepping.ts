/**
 * The dbgeng engine's steps. Steps over and into lines are dbgeng's own
 * (SetExecutionStatus at source level), which enter and leave inline frames
 * by themselves with `.inline 1`. What dbgeng has no step for is built here:
 * - out of an inline frame (it has no return address): steps over lines
 *   until the frame is gone;
 * - out of a physical frame: a one-shot breakpoint at the return address,
 *   matched to the stepping thread and to a stack above the stepped frame's
 *   (a recursive activation coming back first does not end the step);
 * - into a chosen call (Step Into Target): one-shot breakpoints where the
 *   code enters the call while the line is stepped over;
 * - in and over at an inlined call not entered yet (hidden frames, see
 *   stack.ts): entering it moves no instruction.
 * After the stop, where the user is shown to be is stopPosition.ts's rule.
 */
import type { EventSink, StepInTargetInfo, StepKind } from '../engines/engine';
import { EngineError } from '../engines/engineError';
import { framesBeginningAt, hiddenAtBreakpoint, type AskedFor } from '../engines/stopPosition';
import { enteredInPlace, ListedTargets, stepInTargets, type StepInTarget } from '../engines/stepInTargets';
import { codeSpots, inlineChainAt } from '../win32/codeSpots';
import type { DbgengBreakpoints } from './breakpoints';
import { DEBUG_ANY_ID, DEBUG_BREAKPOINT_CODE, DEBUG_BREAKPOINT_ENABLED } from './breakpoints';
import { ComPtr } from './com';
import { readBytes } from './memory';
import type { Registers } from './registers';
import { DEBUG_STATUS, Slots } from './slots';
import type { DbgengStacks } from './stack';
import type { SymbolQueries } from './symbolQueries';

const C = Slots.IDebugControl7;
const BP = Slots.IDebugBreakpoint2;
/** dbgeng deletes a one-shot breakpoint itself once it is hit. */
const DEBUG_BREAKPOINT_ONE_SHOT = 0x10;
const DEBUG_LEVEL_SOURCE = 0;
const DEBUG_LEVEL_ASSEMBLY = 1;
/** Steps over lines, at most, to leave an inline frame (a loop in it would otherwise run forever). */
const MAX_STEP_OUT_STEPS = 200;
/** Inline frames looked at, at most, for the frames a stop hides. */
const MAX_INLINE_HERE = 16;

export type StopEvent = Omit<Extract<Parameters<EventSink>[0], { type: 'stopped' }>, 'threadId'>;

interface OneShot { engineId: number; bp: ComPtr }

/** A step under way, until its stop. */
interface Step {
  threadId: number;
  kind: StepKind;
  /** Stepping out of an inline frame: step over lines until the stack is shallower than this. */
  outOfInlineDepth?: number;
  steps: number;
  /** Stepping out of a physical frame: the one-shot breakpoint at its return address, */
  returnBreakpoint?: OneShot;
  /** ... the frame's return address, and its stack pointer: its caller's is higher. */
  returnAddress?: bigint;
  frameStack?: bigint;
  /** Stepping into a chosen call: the one-shot breakpoints where the code enters it (the step over the line goes on meanwhile). */
  target?: { target: StepInTarget; breakpoints: OneShot[]; reached?: boolean };
}

/** What the stepper needs of the engine. */
export interface StepperHost {
  control: ComPtr;
  dataSpaces: ComPtr;
  names: SymbolQueries;
  stacks: DbgengStacks;
  regs: Registers;
  bps: DbgengBreakpoints;
  emit: EventSink;
  /** Lets the debuggee go with this execution status (forgets the stop). */
  run(status: number): void;
  engineThreadId(threadId: number): number;
}

/** How a step that ended ended: what it was, and the chosen call it reached. */
export interface EndedStep { kind?: StepKind; reached?: StepInTarget }

export class DbgengStepper {
  private stepping?: Step;
  /** The step-in targets listed at this stop. */
  private readonly targets = new ListedTargets();

  constructor(private readonly host: StepperHost) {}

  get active(): boolean {
    return this.stepping !== undefined;
  }

  /** The program runs: the targets listed at the stop are gone. */
  forget(): void {
    this.targets.clear();
  }

  /** The process is gone, and its breakpoints with it. */
  abandon(): void {
    this.stepping = undefined;
  }

  /** The calls of the top frame's line, from its code and each instruction's inline chain. */
  listTargets(threadId: number): StepInTargetInfo[] {
    const { names, stacks, dataSpaces } = this.host;
    if (!names.process) return [];
    const [top] = stacks.page(threadId, 0, 1).frames;
    if (!top?.line) return [];
    const pc = BigInt(top.instructionOffset);
    const lookup = names.lookupOf();
    const chain = inlineChainAt(lookup, pc);
    const hidden = stacks.hidden(threadId);
    const spots = codeSpots(lookup, pc, (a, n) => readBytes(dataSpaces, a, n), (a) => {
      const b = readBytes(dataSpaces, a, 8);
      return b.length === 8 ? b.readBigUInt64LE(0) : undefined;
    });
    return this.targets.add(threadId, stepInTargets({ chain: chain.slice(0, chain.length - hidden), line: top.line }, spots));
  }

  /** Starts a step of the thread, which must be dbgeng's current thread. */
  step(threadId: number, kind: StepKind, targetId?: number): void {
    const { stacks } = this.host;
    const step: Step = { threadId, kind, steps: 0 };
    const hidden = stacks.hidden(threadId);
    if (targetId !== undefined) return this.stepIntoTarget(step, this.targets.chosen(threadId, kind, targetId), hidden);
    if (kind === 'in' && hidden > 0) {
      // At an inlined call's first instruction: enter the inline frame without running anything.
      stacks.hide(threadId, hidden - 1);
      this.host.emit({ type: 'stopped', reason: 'step', threadId });
      return;
    }
    if (kind === 'over' && hidden > 0) {
      // Over an inlined call not entered yet: step over its lines until its frames are gone.
      return this.overLines(step, stacks.depth(threadId) - hidden + 1);
    }
    if (kind === 'out') {
      const top = stacks.top(threadId, 'step out of');
      // An inline frame has no return address: step over its lines until it is gone.
      if (top.inline) return this.overLines(step, stacks.depth(threadId) - hidden);
      if (BigInt(top.returnOffset) === 0n) throw new EngineError('noCaller', 'This is the outermost frame: there is nothing to step out to.');
      step.returnAddress = BigInt(top.returnOffset);
      step.frameStack = BigInt(top.stackOffset);
      step.returnBreakpoint = this.addOneShot(threadId, step.returnAddress);
      this.stepping = step;
      this.host.run(DEBUG_STATUS.GO);
      return;
    }
    this.stepping = step;
    this.setCodeLevel(kind === 'instruction' ? DEBUG_LEVEL_ASSEMBLY : DEBUG_LEVEL_SOURCE);
    this.host.run(kind === 'over' ? DEBUG_STATUS.STEP_OVER : DEBUG_STATUS.STEP_INTO);
  }

  /**
   * A breakpoint of the step's own was hit: 'go' when the program must go
   * on (a deeper activation came back first), 'stop' when the step is done;
   * undefined when the breakpoint is not the step's.
   */
  onBreakpoint(engineId: number): 'go' | 'stop' | undefined {
    const step = this.stepping;
    if (!step) return undefined;
    if (step.returnBreakpoint?.engineId === engineId) {
      step.returnBreakpoint = undefined; // one-shot: dbgeng has deleted it
      if (this.deeperThanStepped(step)) {
        // A deeper (recursive) activation came back to the same address first: wait for ours.
        step.returnBreakpoint = this.addOneShot(step.threadId, step.returnAddress!);
        return 'go';
      }
      return 'stop';
    }
    const entered = step.target?.breakpoints.findIndex((b) => b.engineId === engineId) ?? -1;
    if (entered < 0) return undefined;
    // The chosen call is entered (one-shot: dbgeng has deleted this one).
    step.target!.breakpoints.splice(entered, 1);
    step.target!.reached = true;
    return 'stop';
  }

  /**
   * After a step over while stepping over lines to leave inline frames:
   * true when the frame is still there and nothing else (`interrupted`)
   * stopped the program, and the next step over is under way.
   */
  goesOn(interrupted: boolean): boolean {
    const step = this.stepping;
    if (!step || step.outOfInlineDepth === undefined || interrupted) return false;
    if (this.host.stacks.depth(step.threadId) < step.outOfInlineDepth || ++step.steps >= MAX_STEP_OUT_STEPS) return false;
    this.host.run(DEBUG_STATUS.STEP_OVER);
    return true;
  }

  /** The program stopped, for the step or not: its one-shot breakpoints not hit are removed. */
  end(): EndedStep {
    const step = this.stepping;
    this.stepping = undefined;
    if (!step) return {};
    const { control } = this.host;
    for (const b of [...(step.returnBreakpoint ? [step.returnBreakpoint] : []), ...(step.target?.breakpoints ?? [])]) {
      control.invoke(C.RemoveBreakpoint2, 'RemoveBreakpoint2', 'void *bp', b.bp.ptr);
    }
    return { kind: step.kind, reached: step.target?.reached ? step.target.target : undefined };
  }

  /**
   * Where the stop shows the user to be (native/engines/stopPosition.ts):
   * at a breakpoint, the frame it asked for; after a step over or out, the
   * caller at an inlined call's first instruction, as the dbghelp engine's
   * steps stop (a step in stops inside, as there).
   */
  hideFramesNotEntered(threadId: number, stop: StopEvent, ended: EndedStep): void {
    const { stacks, bps } = this.host;
    const target = ended.reached;
    if (stop.reason !== 'breakpoint' && !(stop.reason === 'step' && (ended.kind === 'over' || ended.kind === 'out'))) return;
    const top = stacks.page(threadId, 0, MAX_INLINE_HERE).frames;
    const physical = top.findIndex((f) => !f.inline);
    const inline = (physical < 0 ? top : top.slice(0, physical)).map((f) => ({
      name: f.function ?? '?',
      start: BigInt(f.instructionOffset) - BigInt(f.displacement ?? 0),
      line: f.line,
    }));
    const pc = BigInt(top[0]?.instructionOffset ?? 0);
    // A step into a chosen call that reached it: that call on top, as a breakpoint on it would show.
    const asked: AskedFor[] = target ? [{ function: target.label }] : bps.askedBy(stop.breakpointIds ?? []);
    const hidden = stop.reason === 'breakpoint' || target ? hiddenAtBreakpoint(inline, pc, asked) : framesBeginningAt(inline, pc);
    if (hidden) stacks.hide(threadId, hidden);
  }

  /**
   * Into a chosen call: a chosen inlined call that begins right here (not
   * entered yet) is entered without running anything; otherwise the line
   * is stepped over with one-shot breakpoints where the code enters the
   * call, and whichever comes first ends the step.
   */
  private stepIntoTarget(step: Step, target: StepInTarget, hidden: number): void {
    const { stacks, names } = this.host;
    const threadId = step.threadId;
    if (target.kind === 'inline' && hidden > 0) {
      const top = stacks.top(threadId, 'step into');
      const stillHidden = enteredInPlace(inlineChainAt(names.lookupOf(), BigInt(top.instructionOffset)), hidden, target);
      if (stillHidden !== undefined) {
        stacks.hide(threadId, stillHidden);
        this.host.emit({ type: 'stopped', reason: 'step', threadId });
        return;
      }
    }
    const entries = target.kind === 'inline' ? target.entries : [target.address];
    step.target = { target, breakpoints: entries.map((address) => this.addOneShot(threadId, address)) };
    step.kind = 'over';
    if (hidden > 0) return this.overLines(step, stacks.depth(threadId) - hidden + 1);
    this.stepping = step;
    this.setCodeLevel(DEBUG_LEVEL_SOURCE);
    this.host.run(DEBUG_STATUS.STEP_OVER);
  }

  /** Steps over lines until the stack is shallower than `depth` (goesOn() takes the next steps). */
  private overLines(step: Step, depth: number): void {
    step.outOfInlineDepth = depth;
    this.stepping = step;
    this.setCodeLevel(DEBUG_LEVEL_SOURCE);
    this.host.run(DEBUG_STATUS.STEP_OVER);
  }

  private addOneShot(threadId: number, address: bigint): OneShot {
    const out = [0n];
    this.host.control.call(C.AddBreakpoint2, 'AddBreakpoint2', 'uint32_t type, uint32_t desiredId, _Out_ void **bp', DEBUG_BREAKPOINT_CODE, DEBUG_ANY_ID, out);
    const bp = new ComPtr(BigInt(out[0] as bigint), 'IDebugBreakpoint2', true);
    bp.call(BP.SetOffset, 'SetOffset', 'uint64_t offset', address);
    // Only the stepping thread coming back stops the step.
    bp.call(BP.SetMatchThreadId, 'SetMatchThreadId', 'uint32_t thread', this.host.engineThreadId(threadId));
    bp.call(BP.AddFlags, 'AddFlags', 'uint32_t flags', DEBUG_BREAKPOINT_ENABLED | DEBUG_BREAKPOINT_ONE_SHOT);
    const engineId = [0];
    bp.call(BP.GetId, 'GetId', '_Out_ uint32_t *id', engineId);
    return { engineId: Number(engineId[0]), bp };
  }

  /** At the return breakpoint: is the stack still at or below the stepped frame's (not returned from it)? */
  private deeperThanStepped(step: Step): boolean {
    const rsp = this.host.regs.read().find((r) => r.name === 'rsp');
    return rsp !== undefined && BigInt(rsp.value) <= step.frameStack!;
  }

  private setCodeLevel(level: number): void {
    this.host.control.call(C.SetCodeLevel, 'SetCodeLevel', 'uint32_t level', level);
  }
}
