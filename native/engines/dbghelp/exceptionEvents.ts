/**
 * What an exception debug event means to the dbghelp engine. Most int3s
 * and single steps are the debugger's own: the loader's first breakpoint,
 * a user breakpoint's hit (stopping where the breakpoint asked to be,
 * stopPosition.ts), a step's return breakpoint or trap, a data
 * breakpoint's trap, the break-in of a pause. The rest are the program's:
 * stopped at or passed on as the exception filters say, as a program
 * without a debugger would see them.
 */
import { DBG_CONTINUE, DBG_EXCEPTION_NOT_HANDLED, ExceptionCode, type DebugEvent } from '../../win32/debugEvents';
import { inlineChainAt } from '../../win32/codeSpots';
import type { Handle } from '../../win32/kernel32';
import type { EventSink } from '../engine';
import { DEFAULT_FILTERS, stopsOnFirstChance } from '../exceptionFilters';
import { describeExceptionStop } from '../exceptionNames';
import { hiddenAtBreakpoint, type InlineFrameHere } from '../stopPosition';
import type { BreakpointTable } from './breakpointTable';
import type { Decision } from './decision';
import type { SoftwareBreakpoints } from './softwareBreakpoints';
import type { DbghelpStacks } from './stacks';
import { STEP_OWNER, type Stepper } from './stepper';
import type { SymbolSession } from './symbols';
import type { ThreadControl } from './threadControl';
import { hex } from '../hex';

export interface ExceptionHost {
  regs: ThreadControl;
  stepper: Stepper;
  table: BreakpointTable;
  stacks: DbghelpStacks;
  breakpoints(): SoftwareBreakpoints | undefined;
  symbols(): SymbolSession;
  thread(threadId: number): { handle: Handle } | undefined;
  mainThreadId(): number;
  emit: EventSink;
}

export class ExceptionEvents {
  /** The loader's breakpoint has come: the image and its static imports are mapped. */
  loaderBreakpointSeen = false;
  /** pause() broke in with DebugBreakProcess; its int3 has not come yet. */
  pauseRequested = false;
  exceptionFilters: ReadonlySet<string> = new Set(DEFAULT_FILTERS);

  constructor(private readonly host: ExceptionHost) {}

  /** What an EXCEPTION_DEBUG_EVENT means: a breakpoint's hit, a step's end, a pause, the program's own exception, or nothing to stop for. */
  decide(ev: Extract<DebugEvent, { code: 1 }>): Decision {
    const { regs, stepper, table, stacks } = this.host;
    const code = ev.exceptionCode >>> 0;
    if (regs.steppingOver === ev.tid && code !== ExceptionCode.SINGLE_STEP) {
      // The instruction under the breakpoint raised an exception instead
      // of completing: the step-over is over, re-arm and release the others.
      regs.finishStepOver(true);
    }
    if (code === ExceptionCode.BREAKPOINT || code === ExceptionCode.WX86_BREAKPOINT) {
      if (!this.loaderBreakpointSeen) {
        // The loader's breakpoint: the image and its static imports are
        // mapped, so breakpoints can bind. Stop here without telling the
        // user; configurationDone decides whether this is a visible entry stop.
        this.loaderBreakpointSeen = true;
        return { stop: true, status: DBG_CONTINUE };
      }
      const owners = this.host.breakpoints()?.ownersAt(ev.exceptionAddress) ?? [];
      if (owners.length && regs.steppingOver !== undefined && regs.steppingOver !== ev.tid) {
        // Hit at the same moment as the thread now stepping over a
        // breakpoint (its event was queued first). This thread is suspended
        // until the step ends; put it back on the int3 so it hits it again,
        // re-armed, once it runs.
        regs.rewindTo(ev.tid, ev.exceptionAddress);
        return { stop: false, status: DBG_CONTINUE };
      }
      if (!owners.length && regs.isStaleBreakpoint(ev.exceptionAddress)) {
        // Hit before the breakpoint was removed, reported after: the
        // original instruction is back, so run it as if nothing happened.
        regs.rewindTo(ev.tid, ev.exceptionAddress);
        return { stop: false, status: DBG_CONTINUE };
      }
      if (owners.includes(STEP_OWNER)) {
        const handled = stepper.onReturnBreakpoint(ev.tid, ev.exceptionAddress, owners);
        if (handled) return handled;
      }
      if (owners.length) {
        regs.rewindTo(ev.tid, ev.exceptionAddress);
        const ids = owners.filter((o) => o !== STEP_OWNER);
        const hidden = hiddenAtBreakpoint(this.inlineFramesAt(ev.exceptionAddress), ev.exceptionAddress, table.askedBy(ids));
        if (hidden) stacks.hidden.set(ev.tid, hidden);
        return { stop: true, status: DBG_CONTINUE, report: () => this.host.emit({ type: 'stopped', reason: 'breakpoint', threadId: ev.tid, breakpointIds: ids }) };
      }
      if (this.pauseRequested) {
        // DebugBreakProcess runs the int3 on a thread of its own; the user
        // cares about their program's threads, so report the main thread.
        this.pauseRequested = false;
        const main = this.host.mainThreadId();
        const threadId = this.host.thread(main) ? main : ev.tid;
        return { stop: true, status: DBG_CONTINUE, report: () => this.host.emit({ type: 'stopped', reason: 'pause', threadId }) };
      }
    }
    if (code === ExceptionCode.SINGLE_STEP) {
      const watched = this.dataBreakpointHit(ev.tid);
      if (watched) return watched;
    }
    if (code === ExceptionCode.SINGLE_STEP && regs.steppingOver === ev.tid) {
      regs.finishStepOver(false);
      if (stepper.thread === ev.tid) return stepper.onStepEvent(ev.tid);
      return { stop: false, status: DBG_CONTINUE };
    }
    if (code === ExceptionCode.SINGLE_STEP && stepper.thread === ev.tid) return stepper.onStepEvent(ev.tid);
    const isInt3 = code === ExceptionCode.BREAKPOINT || code === ExceptionCode.WX86_BREAKPOINT;
    const userBreak = isInt3 || code === ExceptionCode.SINGLE_STEP;
    if (ev.firstChance && code !== ExceptionCode.SINGLE_STEP && !stopsOnFirstChance(code, this.exceptionFilters)) {
      // An int3 of the program's own that the user does not stop at is stepped over.
      if (isInt3) regs.setRipIfAt(ev.tid, ev.exceptionAddress, ev.exceptionAddress + 1n);
      return { stop: false, status: isInt3 ? DBG_CONTINUE : DBG_EXCEPTION_NOT_HANDLED };
    }
    if (isInt3) {
      // Show the stop at the int3 itself, as WinDbg does (the thread's RIP
      // may already be past it), and step over it on resume.
      regs.rewindTo(ev.tid, ev.exceptionAddress);
      regs.stoppedAtProgramBreak(ev.tid, ev.exceptionAddress);
    }
    const exception = {
      code,
      address: hex(ev.exceptionAddress),
      firstChance: ev.firstChance,
      description: describeExceptionStop(code, ev.firstChance, ev.parameters),
    };
    return {
      stop: true,
      status: userBreak ? DBG_CONTINUE : DBG_EXCEPTION_NOT_HANDLED,
      report: () => this.host.emit({ type: 'stopped', reason: 'exception', threadId: ev.tid, exception, description: exception.description }),
    };
  }

  /** The inline frames at `pc`, innermost first, each with its copy's start and its line there (native/engines/stopPosition.ts). */
  private inlineFramesAt(pc: bigint): InlineFrameHere[] {
    const symbols = this.host.symbols();
    const contexts = symbols.inlineContextsAt(pc);
    // inlineChainAt is outermost first; contexts innermost first.
    return inlineChainAt(symbols, pc, contexts).reverse().map((site, i) => ({ ...site, line: symbols.lineByInlineContext(pc, contexts[i]!)?.line }));
  }

  /**
   * A single step that a data breakpoint raised (after the access): the stop
   * names the value, old and new. It ends a step under way, as any stop
   * does; a step over one of our int3s under way is finished first.
   */
  private dataBreakpointHit(tid: number): Decision | undefined {
    const { regs, stepper, table } = this.host;
    const thread = this.host.thread(tid);
    const hits = thread ? table.dataHits(thread.handle) : [];
    if (!hits.length) return undefined;
    if (regs.steppingOver === tid) regs.finishStepOver(false);
    stepper.cancel();
    return {
      stop: true, status: DBG_CONTINUE,
      report: () => this.host.emit({ type: 'stopped', reason: 'data breakpoint', threadId: tid, breakpointIds: hits.map((h) => h.id), description: hits.map((h) => h.description).join('; ') }),
    };
  }
}
