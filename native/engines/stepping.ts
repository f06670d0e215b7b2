/**
 * Stepping that understands inlining, as a pure decision: given where the
 * thread is after each instruction, go on or stop. The engine executes the
 * decisions (single-step, or run to a return address) and feeds back the
 * next position.
 *
 * A position names its frames: the physical function (by its start) and
 * the chain of inline sites at the PC, outermost first, each by its
 * function name and the start of that inlined copy. The frame being stepped
 * is the visible top frame at the start: the chain minus the inline sites
 * that are "not entered yet" (hidden).
 *
 * Like Visual Studio and WinDbg:
 *  - at the first instruction of an inlined call the debugger shows the
 *    caller, on the call-site line (the inline frame is hidden); stepIn
 *    then enters the inline frame without running anything;
 *  - next treats an inlined call like a call: it runs through it;
 *  - stepOut of an inline frame runs until the PC leaves that inlined copy,
 *    and stops in its caller at the first instruction after it;
 *  - a step into a chosen call (native/engines/stepInTargets.ts) steps over
 *    the line, but stops where the code enters the chosen inlined copy or
 *    the chosen callee; a line that ends without reaching it stops as
 *    next does.
 */
import type { StepInTarget } from './stepInTargets';
import type { StepKind } from './engine';

export interface Site {
  name: string;
  start: bigint;
}

export interface Position {
  pc: bigint;
  sp: bigint;
  /** Start of the physical function holding the PC (0 when unknown). */
  functionStart: bigint;
  /** Inline sites at the PC, outermost first. */
  chain: Site[];
  /** The innermost code's line at the PC. */
  line?: number;
  file?: string;
}


export interface StepStart {
  kind: StepKind;
  at: Position;
  /** Innermost inline sites hidden at the start (shown as not entered yet). */
  hidden: number;
  /** With kind 'in': the call to step into, of the line's calls. */
  target?: StepInTarget;
}

export type StepDecision =
  | { action: 'continue' }
  | { action: 'stop'; hidden: number };

const sameSite = (a: Site, b: Site) => a.name === b.name && a.start === b.start;

/** Sites of `chain` that start exactly at `pc`: entered by no instruction yet. */
export function sitesStartingAt(chain: Site[], pc: bigint): number {
  let n = 0;
  for (let i = chain.length - 1; i >= 0 && chain[i]!.start === pc; i--) n++;
  return n;
}

export class StepPlan {
  /** The frame being stepped: its physical function and visible inline sites. */
  private readonly functionStart: bigint;
  private readonly sites: Site[];
  private readonly line?: number;
  private readonly file?: string;
  private readonly startPc: bigint;
  readonly kind: StepKind;
  readonly target?: StepInTarget;
  steps = 0;

  constructor(start: StepStart) {
    this.kind = start.kind;
    this.target = start.target;
    this.functionStart = start.at.functionStart;
    this.sites = start.at.chain.slice(0, start.at.chain.length - start.hidden);
    this.line = start.at.line;
    this.file = start.at.file;
    this.startPc = start.at.pc;
  }

  /** True when stepping out of a physical frame: run to its return address. */
  get outOfPhysicalFrame(): boolean {
    return this.kind === 'out' && this.sites.length === 0;
  }

  /** True when calls are stepped into (then left by running to their return address unless the plan stops there). */
  get entersCalls(): boolean {
    return (this.kind === 'in' && this.target?.kind !== 'inline') || this.kind === 'instruction';
  }

  /**
   * After an instruction ran. `returned`: it was a return instruction (the
   * physical frame ended); `enteredCall`: it was a call stepped into.
   */
  decide(now: Position, how: { returned?: boolean; enteredCall?: boolean; calleeHasLines?: boolean } = {}): StepDecision {
    this.steps++;
    if (this.kind === 'instruction') return { action: 'stop', hidden: 0 };
    const target = this.target;
    if (how.enteredCall) {
      if (target) return target.kind === 'call' && now.pc === target.address ? { action: 'stop', hidden: 0 } : { action: 'continue' };
      // Only stepIn enters calls, and only into code with source lines.
      return how.calleeHasLines ? { action: 'stop', hidden: sitesStartingAt(now.chain, now.pc) } : { action: 'continue' };
    }
    if (how.returned || (this.functionStart && now.functionStart !== this.functionStart)) {
      // Left the physical frame: stop in the caller, wherever it resumed.
      return { action: 'stop', hidden: sitesStartingAt(now.chain, now.pc) };
    }
    const stillInside = this.sites.every((s, i) => now.chain[i] && sameSite(now.chain[i]!, s));
    if (!stillInside) {
      // The inlined copy we were in is over: we are in its caller now.
      return { action: 'stop', hidden: sitesStartingAt(now.chain, now.pc) };
    }
    if (this.kind === 'out') return { action: 'continue' };
    const deeper = now.chain.slice(this.sites.length);
    if (target && deeper.length) {
      // The chosen inlined copy entered: it is on top, whatever begins here inside it not entered yet.
      if (target.kind === 'inline' && sameSite(deeper[0]!, target.site)) return { action: 'stop', hidden: sitesStartingAt(deeper.slice(1), now.pc) };
      return { action: 'continue' };
    }
    if (deeper.length) {
      const entering = sitesStartingAt(deeper, now.pc);
      if (this.kind === 'in') return { action: 'stop', hidden: 0 };
      // next: stop at the call site of an inlined call (its first
      // instruction, the inline frame hidden), run through its body.
      if (entering === deeper.length && now.pc !== this.startPc) return { action: 'stop', hidden: entering };
      return { action: 'continue' };
    }
    if (now.line !== undefined && (now.line !== this.line || now.file !== this.file)) return { action: 'stop', hidden: 0 };
    return { action: 'continue' };
  }
}
