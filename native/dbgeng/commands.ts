/**
 * dbgeng's commands and what it prints. ExecuteWide runs a command; what it
 * prints comes through the output callbacks, and goes to one of three
 * places: the answer of a console command (captured while it runs),
 * nowhere (the start-up text of WinDbg, and dbgeng's complaints about a
 * process that has just died), or the Debug Console as it comes.
 */
import type { EventSink } from '../engines/engine';
import { EngineError } from '../engines/engineError';
import type { ComPtr } from './com';
import { Slots } from './slots';
import type { SymbolQueries } from './symbolQueries';

const C = Slots.IDebugControl7;
const DEBUG_OUTCTL_THIS_CLIENT = 0;

export class DbgengCommands {
  /** While a command runs for the console (or quietly), its output is collected here. */
  private capture?: string[];
  /** dbgeng is taking breakpoints out of a process that has just died (its output is dropped). */
  private removingBreakpointsFromDeadProcess = false;

  constructor(
    private readonly control: ComPtr,
    private readonly emit: EventSink,
    /** The process has exited: what dbgeng says after that is not the program's. */
    private readonly exited: () => boolean,
    /** dbgeng has a session (a process started or attached, or a dump opened) that is not over. */
    private readonly inSession: () => boolean,
  ) {}

  /** The output callback's text. */
  onOutput(text: string): void {
    if (this.capture) {
      this.capture.push(text);
      return;
    }
    // When the process exits, dbgeng tries to take its breakpoints out of
    // the dead process before it reports the exit, and says so ("Unable to
    // remove breakpoint 0 at ..., Win32 error 0n5", "Access denied.", a
    // hint about BU, in pieces): nothing about the program. From that line to the
    // next stop or the exit, and after the exit, dbgeng's output is dropped.
    if (/^Unable to remove breakpoint\b/.test(text)) this.removingBreakpointsFromDeadProcess = true;
    if (!this.exited() && !this.removingBreakpointsFromDeadProcess) this.emit({ type: 'output', category: 'console', text });
  }

  /** The program stopped: dbgeng's output is the console's again. */
  stopped(): void {
    this.removingBreakpointsFromDeadProcess = false;
  }

  /**
   * Runs a command; what it prints goes where output goes now. Never
   * outside a session: Microsoft's dbgeng under Wine answers a command
   * with no session (before the program starts, or once it has exited)
   * with a C++ exception (0xe06d7363) that Wine does not hand to dbgeng's
   * own handler, and the process fails fast (0xc0000409): measured with
   * `ld *` before a launch and `lm` after the exit (WINEDEBUG=+seh).
   */
  run(command: string): void {
    if (!this.inSession()) throw new EngineError('notLaunched', `There is no program for "${command}" to look at: it has not started yet, or it has exited. Start it (or restart it) first.`);
    this.control.call(C.ExecuteWide, 'ExecuteWide', 'uint32_t outputControl, const char16_t *command, uint32_t flags', DEBUG_OUTCTL_THIS_CLIENT, command, 0);
  }

  /** Runs a command for the console: what it prints is the answer. */
  answer(command: string): string {
    const captured: string[] = [];
    this.quietly(() => this.run(command), captured);
    return captured.join('');
  }

  /**
   * What dbgeng prints while a session starts (its banner, the extension
   * gallery's set-up, the loader's ModLoad lines, `.inline 1`'s answer) is
   * WinDbg's start-up text, not the program's: kept out of the console.
   */
  quietly<T>(start: () => T, into: string[] = []): T {
    const outer = this.capture;
    this.capture = into;
    try {
      return start();
    } finally {
      this.capture = outer;
    }
  }
}

/**
 * Microsoft's dbgeng under Wine 8: `bp` or `bu` on a function that exists
 * only inlined (module!name) makes dbgeng throw a C++ exception
 * (0xe06d7363) that Wine does not hand to dbgeng's own handler; the
 * process then fails fast (0xc0000409) and the session is lost
 * (measured: WINEDEBUG=+seh). Such a command is answered here instead,
 * with what works: `bm`, which binds every inlined copy, or a function
 * breakpoint. On Windows dbgeng answers it itself.
 */
export function refusedUnderWine(command: string, names: SymbolQueries): string | undefined {
  const m = /^\s*b[pu](?:\d+)?\s+(?:\/\S+\s+)*([^\s!]+)!(\S+)/i.exec(command);
  if (!m) return undefined;
  const [, moduleName, fn] = m;
  const qualified = `${moduleName}!${fn}`;
  if (names.offsetOfName(qualified).length > 0 || names.withSymbolsLoaded(() => names.inlineCopiesOf(qualified)).length === 0) return undefined;
  return `${qualified} exists only inlined. Under Wine, dbgeng's bp and bu on such a function end the debugger process, so this command was not run. Use "bm ${qualified}" (it binds every inlined copy) or a function breakpoint on ${fn}.\n`;
}
