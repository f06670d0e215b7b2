/**
 * The test matrix's cells: engine x debug format x the DLLs that serve it.
 * Every matrix case (test/matrix/*.test.ts) runs once per cell. A case a
 * cell cannot pass stays in the matrix as a `todo` carrying the measured
 * reason (`cannot` below), so a cell that starts passing shows up, and one
 * that fails for another reason fails.
 *
 * Expectations never come from an engine: the PDB cells' from the PDB's
 * records (llvm-pdbutil, decoded in test/support/pdbRecords.ts), the DWARF
 * cell's from the DWARF (llvm-symbolizer), all of them from the source
 * markers too; the double's from seed 004, a WinDbg session on Windows.
 */
import type { DebugProtocol } from '@vscode/debugprotocol';
import { installedPlatform } from '../../client/platformChoice';
import { TestSession } from '../support/dapSession';
import { doubleLaunch, startWithDouble } from '../support/dbgengDouble';
import { dwarfRecords, pdbRecords, type DebugRecords } from '../support/debugRecords';
import { fixtureExe, fixturePdb, fixtureSource, repoRoot } from '../support/fixtures';
import { markerLine } from '../support/markers';
import { SEED_004_STACK } from '../support/seed004';

/** The cases of the matrix, by the file that holds them. */
export type CaseId =
  // inlineStop.test.ts: one stop inside an inline frame
  | 'stack' | 'sourcePaths' | 'rawContext' | 'console' | 'locals' | 'evaluate' | 'hex' | 'frameFormat' | 'consoleFrame' | 'completions' | 'dump' | 'stepOut' | 'exit'
  // inlineCopies.test.ts: a function inlined into three callers
  | 'lineCopies' | 'functionCopies'
  // stepping.test.ts
  | 'stepping'
  // stopPosition.test.ts
  | 'functionOnTop' | 'lineOnTop'
  // sourceFiles.test.ts
  | 'sourceFileMap' | 'ambiguousName'
  // exceptions.test.ts
  | 'exception'
  // stepInTargets.test.ts
  | 'stepInTargets'
  // dataBreakpoints.test.ts
  | 'dataBreakpoint'
  // pendingBreakpoints.test.ts
  | 'pendingLine';

/** A session stopped inside an inline frame, and what the cell's independent source says it shows. */
export interface InlineStop {
  session: TestSession;
  threadId: number;
  frames: DebugProtocol.StackFrame[];
  /** The rows the stop shows, top first ("name (Inline)" for inline ones); no line where the records give none. */
  expected: { name: string; line: number | undefined }[];
  /** The same for a later stop of this session, at its physical frames' addresses. */
  shownAt?(addresses: bigint[]): { name: string; line: number | undefined }[];
  /** A local of the innermost (inline) frame and its value, as the source computes it. */
  local: { name: string; value: string };
  /** A parameter of one of the stop's frames (by position) and its value, as the source computes it. */
  parameter: { frame: number; name: string; value: string };
  exitCode: number;
  close(): Promise<void>;
}

export interface Cell {
  name: string;
  /** Why the whole cell cannot run on this machine, or false. */
  skip: string | false;
  engine: 'dbgeng' | 'dbghelp';
  /** InlineFrameContext encoding the engine hands out (native/inlineContext.ts). */
  encoding: 'windows' | 'wine';
  /** Measured reasons this cell cannot pass a case: run, as todo. */
  cannot: Partial<Record<CaseId, string>>;
  /** Cases that do not apply to the cell (what it serves has no such thing): skipped, with the reason. */
  lacks?: Partial<Record<CaseId, string>>;
  /** Stops at `#BP helper` in the sample: helper inlined into middle, inlined into outer. */
  inlineStop(): Promise<InlineStop>;
  /** A real program of this cell's build, and the session and launch arguments for it; the double has none. */
  program?: {
    path(name: string): string;
    records(name: string): DebugRecords;
    start(program: string): Promise<TestSession>;
    launch(program: string, extra?: Record<string, unknown>): Record<string, unknown>;
  };
}

const SAMPLE_C = fixtureSource('sample.c');
const withInline = (f: { name: string; inline: boolean; line: number | undefined }) => ({ name: f.inline ? `${f.name} (Inline)` : f.name, line: f.line });
const physicalAddresses = (frames: DebugProtocol.StackFrame[]) => frames.filter((f) => !f.name.endsWith(' (Inline)')).map((f) => BigInt(f.instructionPointerReference!));

/** The top `n` rows the records say the stack of `frames` shows (its physical frames' addresses are the engine's; the names and lines are the records'). */
export function shownByRecords(records: DebugRecords, frames: DebugProtocol.StackFrame[], n: number): { name: string; line: number | undefined }[] {
  return records.stackShownAt(physicalAddresses(frames.slice(0, n))).slice(0, n).map(withInline);
}

/** A stack's top `n` rows as the tests compare them: name, and line where there is one. */
export const shown = (frames: DebugProtocol.StackFrame[], n: number) => frames.slice(0, n).map((f) => ({ name: f.name, line: f.line || undefined }));

/** A cell on a real program: the sample built for it, debugged on its engine, expectations from its records. */
function realProgramCell(spec: Omit<Cell, 'inlineStop' | 'program'> & { program: NonNullable<Cell['program']> }): Cell {
  const { program } = spec;
  return {
    ...spec,
    async inlineStop() {
      const exe = program.path('sample');
      const records = program.records('sample');
      const session = await program.start(exe);
      try {
        const stopped = session.waitForStop(60_000);
        await session.launch(program.launch(exe), [{ file: SAMPLE_C, lines: [markerLine(SAMPLE_C, '#BP helper')] }]);
        const stop = await stopped;
        const threadId = stop.body.threadId!;
        const frames = (await session.stackTrace(threadId)).stackFrames;
        return {
          session, threadId, frames,
          shownAt: (addresses: bigint[]) => records.stackShownAt(addresses).map(withInline),
          // The sample's own rows: helper, middle, outer, main.
          expected: shownByRecords(records, frames, 4),
          // helper(x) with x = argc + 1 = 2 (no arguments): h = x * 3.
          local: { name: 'h', value: '6' },
          // main's argc, live across its call of outer (printf prints it after): in a
          // callee-saved register, read through the unwind. helper's x is dead by the stop.
          parameter: { frame: 3, name: 'argc', value: '1' },
          exitCode: 19,
          close: () => session.close(),
        };
      } catch (e) {
        await session.close();
        throw e;
      }
    },
  };
}

const platform = installedPlatform(repoRoot);
const noPlatform = platform ? false : "Microsoft's debugger platform is not installed (npm run setup with dotnet on PATH fetches it)";

const pdbProgram = (engine: 'dbgeng' | 'dbghelp'): NonNullable<Cell['program']> => ({
  path: (name) => fixtureExe(name, 'pdb'),
  records: (name) => pdbRecords(fixtureExe(name, 'pdb'), fixturePdb(name)),
  start: (exe) => TestSession.start(undefined, { engine, program: exe }),
  launch: (exe, extra = {}) => ({ program: exe, engine, ...extra }),
});

/** Wine 8's dbghelp on gcc's DWARF, measured (see also test/dap and the README's list). */
const WINE_CALLER_LINES = "Wine 8's dbghelp gives an inline frame's caller the inlinee's line instead of the line of the call (middle shows helper's line)";
const WINE_LOCATION_LISTS = "Wine 8's dbghelp shows <value unavailable> for helper's h, which gcc's location list puts in RAX at this address (llvm-dwarfdump: DW_OP_reg0)";
const WINE_FIRST_INSTRUCTION = "Wine 8's dbghelp gives caller_a's first instruction, the inlined call of helper, the line of caller_a's opening brace, not of the call";
const WINE_LOCATION_VIEWS = "Wine 8's dbghelp answers the first of several line rows at one address (DWARF location views): the faulting store in poke gets poke's opening line, not the store's";
const NO_DUMPS_IN_DBGHELP = 'the dbghelp engine writes and opens no crash dumps: they are the dbgeng engine\'s (it says so, naming "engine": "dbgeng")';

export const cells: Cell[] = [
  realProgramCell({
    name: "Microsoft's dbgeng + PDB",
    skip: noPlatform,
    engine: 'dbgeng',
    encoding: 'windows',
    cannot: {},
    program: pdbProgram('dbgeng'),
  }),
  realProgramCell({
    name: "dbghelp engine on Microsoft's dbghelp + PDB",
    skip: noPlatform,
    engine: 'dbghelp',
    encoding: 'windows',
    cannot: { dump: NO_DUMPS_IN_DBGHELP },
    program: pdbProgram('dbghelp'),
  }),
  realProgramCell({
    name: "dbghelp engine on Wine's dbghelp + DWARF (gcc)",
    skip: process.platform === 'win32' ? 'Wine only' : false,
    engine: 'dbghelp',
    encoding: 'wine',
    cannot: {
      stack: WINE_CALLER_LINES,
      stepOut: WINE_CALLER_LINES,
      locals: WINE_LOCATION_LISTS,
      evaluate: WINE_LOCATION_LISTS,
      hex: WINE_LOCATION_LISTS,
      lineCopies: WINE_FIRST_INSTRUCTION,
      functionCopies: WINE_FIRST_INSTRUCTION,
      exception: WINE_LOCATION_VIEWS,
      stepping: `${WINE_FIRST_INSTRUCTION}; and main, at its return address, another statement's line than its call's`,
      functionOnTop: "Wine 8's dbghelp gives the inline frames at that address no caller-side line: middle at its call of helper, and outer at its call of middle, show none",
      ambiguousName: "Wine 8's dbghelp binds the two headers' line at one address of main that it shows as main's own line, without the inline frames: one stop instead of two",
      lineOnTop: "Wine 8's dbghelp binds middle's first line (its call of helper) at an address of outer outside the inlined copies, where neither middle nor helper is on the stack",
      dump: NO_DUMPS_IN_DBGHELP,
      stepInTargets: "Wine 8's dbghelp gives main, inside add_ten's inlined copy (0x140007c91, called from line 35 by the DWARF: llvm-symbolizer), line 15, twice's last line: add_ten is not found among line 35's calls",
    },
    program: {
      path: (name) => fixtureExe(name, 'gcc'),
      records: (name) => dwarfRecords(fixtureExe(name, 'gcc')),
      start: () => TestSession.start(),
      launch: (exe, extra = {}) => ({ program: exe, engine: 'dbghelp', ...extra }),
    },
  }),
  {
    name: 'dbgeng engine on the C double of dbgeng.dll (seed 004)',
    skip: false,
    engine: 'dbgeng',
    encoding: 'windows',
    cannot: {
      hex: 'the double\'s symbol group knows names, not arithmetic: AddSymbolWide("only_in_helper + 0n10") answers E_INVALIDARG',
    },
    lacks: {
      console: "the double answers every command with \"executed: <command>\"; WinDbg's own k text is Microsoft's dbgeng's (its cell)",
      consoleFrame: "the double answers every command with \"executed: <command>\"; dbgeng's own .frame and dv are Microsoft's dbgeng's (its cell)",
      dump: 'the double opens a fixed fake dump (test/dap/dbgengDoubleDump.test.ts) and writes none',
      stepOut: "the double's stepping table starts at main's call site, not in an inline frame (test/dap/dbgengDoubleSteps.test.ts)",
      lineCopies: "the double replays seed 004's session of another program: it has no line table of inline_many",
      functionCopies: "the double replays seed 004's session of another program: it has no symbols of inline_many",
      exception: "the double replays seed 004's session, whose only stop is a break instruction",
      stepping: "the double's own stepping table is its suite's (test/dap/dbgengDoubleSteps.test.ts); it has no inline_many",
      functionOnTop: "the double replays seed 004's session of another program: it has no symbols of the sample",
      lineOnTop: "the double replays seed 004's session of another program: it has no line table of the sample",
      ambiguousName: "the double replays seed 004's session of another program: it has no twins.exe",
      dataBreakpoint: "the double replays seed 004's session of another program: it has no watch.exe and runs no code that could write a watched value",
      pendingLine: "the double replays seed 004's session of another program: it has no late_load.exe and loads no module while it runs",
      stepInTargets: "the double replays seed 004's session of another program: it has no targets.exe, and no dbghelp session behind its process handle",
      sourceFileMap: "the double replays seed 004's session of another program: it has no elsewhere.exe (its own unmapped paths are checked in test/dap/dbgengDouble.test.ts)",
    },
    async inlineStop() {
      const r = await startWithDouble();
      try {
        const stopped = r.s.waitForStop(60_000);
        await r.s.launch(doubleLaunch());
        const stop = await stopped;
        const threadId = stop.body.threadId!;
        const frames = (await r.s.stackTrace(threadId)).stackFrames;
        return {
          session: r.s, threadId, frames,
          expected: SEED_004_STACK.map((f) => ({ name: f.name, line: f.line || undefined })),
          // The double's symbol group for helper's frame (test/fixtures/dbgeng-double/symbol_groups.c).
          local: { name: 'only_in_helper', value: '7' },
          parameter: { frame: 1, name: 'argc', value: '1' },
          exitCode: 0,
          close: () => r.dispose(),
        };
      } catch (e) {
        await r.dispose();
        throw e;
      }
    },
  },
];

/** node:test options for a case on a cell: skipped where the cell cannot run here or lacks the case, todo with its reason where it cannot pass. */
export function caseOptions(cell: Cell, id: CaseId): { skip?: string; todo?: string } {
  if (cell.skip) return { skip: cell.skip };
  const lacking = cell.lacks?.[id];
  if (lacking) return { skip: lacking };
  const reason = cell.cannot[id];
  return reason ? { todo: reason } : {};
}

/** The cell's build of fixture `name`, with a session started for it (close it with `s.close()`). */
export async function openProgram(cell: Cell, name: string) {
  const program = cell.program!;
  const exe = program.path(name);
  return { program, exe, s: await program.start(exe) };
}

