/**
 * Which frame a stop shows the user to be in, when the stop's address is
 * the first instruction of one or more inlined calls: one rule for every
 * engine, pure.
 *
 * At the first instruction of an inlined call no instruction of the callee
 * has run yet; the user is still "at the call" in the caller. So, as gdb
 * (skip_inline_frames), Visual Studio and WinDbg's step-into-inline model
 * show it, the inline frames that begin exactly at the stop's address are
 * hidden ("not entered yet") down to the frame the user asked for:
 *  - a breakpoint on function F (an inline-only F too): F is on top;
 *  - a breakpoint on a line: the innermost frame on that line is on top
 *    (the caller, for a breakpoint on the line of an inlined call);
 *  - a step: the step decides (native/engines/stepping.ts): at an inlined
 *    call's first instruction it stops in the caller, `sitesStartingAt`;
 *  - an exception, a pause, an instruction breakpoint: nothing is hidden
 *    (the user asked for no frame; the stop shows where the code really is).
 * A hidden frame is entered by stepIn without running code; step over runs
 * through it. A frame that has run code is never hidden.
 */

/** An inline frame at the stop's address. */
export interface InlineFrameHere {
  /** The inlined function's name (bare or qualified). */
  name: string;
  /** The first address of this inlined copy. */
  start: bigint;
  /** Its line at the address, where known. */
  line?: number;
}

/** What a breakpoint asked for. */
export type AskedFor = { function: string } | { line: number };

/** How many innermost frames of `inline` (innermost first) begin at `pc`. */
export function framesBeginningAt(inline: InlineFrameHere[], pc: bigint): number {
  let n = 0;
  while (n < inline.length && inline[n]!.start === pc) n++;
  return n;
}

/** "module!ns::f" and "f" name the same function as "ns::f" and "f" do. */
function sameFunction(frameName: string, asked: string): boolean {
  const bare = (s: string) => s.replace(/^[^!]*!/, '');
  const a = bare(asked);
  const f = bare(frameName);
  return f === a || f.endsWith(`::${a}`);
}

/**
 * The number of innermost inline frames a breakpoint stop hides. `inline`:
 * the inline frames at `pc`, innermost first (the physical frame not
 * among them); `asked`: what the breakpoints that stopped here asked for
 * (several may share an address: the one that hides least wins, so no
 * frame a user asked for is hidden).
 */
export function hiddenAtBreakpoint(inline: InlineFrameHere[], pc: bigint, asked: AskedFor[]): number {
  const beginning = framesBeginningAt(inline, pc);
  if (beginning === 0 || asked.length === 0) return 0;
  return Math.min(...asked.map((a) => {
    const at = 'function' in a ? inline.findIndex((f) => sameFunction(f.name, a.function)) : inline.findIndex((f) => f.line === a.line);
    // Not an inline frame here: the physical frame is the one asked for.
    return Math.min(at < 0 ? inline.length : at, beginning);
  }));
}
