/**
 * The engine interface: what the adapter can ask of a debugger engine,
 * whichever one (dbghelp + the Win32 debugging API, or dbgeng) serves it.
 *
 * Engines run on the engine thread and are synchronous there; the adapter
 * reaches them through native/api's EngineClient, which turns each method
 * into an async request. Everything here is plain data so it can cross
 * the thread boundary; 64-bit addresses travel as hex strings ("0x...").
 */

import type { DataWatch } from './dataWatch';
import type { ResolvedBy } from './inlineContext';

export type { DataWatch } from './dataWatch';
export type EngineKind = 'dbghelp' | 'dbgeng';

export interface LaunchParams {
  program: string;
  args: string[];
  cwd?: string;
  /** Added to (or, with null, removed from) the adapter's environment. */
  env?: Record<string, string | null>;
}

export interface LaunchResult {
  processId: number;
  engine: EngineKind;
  /** Why this engine serves the session (for the Debug Console). */
  engineReason: string;
  /** A crash dump's stop (openDump): shown once the client has configured the session. */
  dumpStop?: DumpStop;
}

/** Where a crash dump stopped: the thread of its last event, and the exception, when the dump holds one. */
export interface DumpStop {
  reason: 'exception' | 'entry';
  threadId: number;
  exception?: ExceptionInfo;
  description?: string;
}

export interface BreakpointLocation {
  line: number;
}

export interface BoundBreakpoint {
  id: number;
  verified: boolean;
  /** The line the breakpoint really sits on (may move to the next line with code). */
  line: number;
  /** Every address it is armed at: one per inlined copy of the line. */
  addresses: string[];
  message?: string;
}

/** A frame of a thread, by its index in the stack (inline frames counted). */
export interface CommandScope {
  threadId: number;
  frameIndex: number;
}

/** One call a line makes, as stepInTargets lists it. */
export interface StepInTargetInfo {
  id: number;
  /** The called function's name. */
  label: string;
  /** True for an inlined call. */
  inline: boolean;
}

export interface EngineThread {
  id: number;
  name: string;
}

/**
 * One frame of a call stack as the engine sees it: a physical frame, or an
 * inline frame synthesized at the same instruction pointer. `inlineFrameContext`
 * is the raw value the engine produced; it is opaque and only ever passed back
 * to the engine that made it (its encoding differs between dbgeng and Wine's
 * dbghelp).
 */
export interface RawFrame {
  /** Position in the whole stack, inline frames counted. */
  index: number;
  /** Which physical (unwound) frame this belongs to. */
  physicalIndex: number;
  inline: boolean;
  instructionOffset: string;
  returnOffset: string;
  frameOffset: string;
  stackOffset: string;
  inlineFrameContext: number;
  /** Bare function name, no module prefix or displacement. */
  function?: string;
  displacement?: number;
  module?: string;
  moduleBase?: string;
  file?: string;
  line?: number;
  /** How the name was resolved: by the inline context, or by the address alone. */
  resolvedBy: ResolvedBy;
}

/** A general-purpose register, as the engine read it from the thread's context. */
export interface RegisterValue {
  name: string;
  value: string;
}

/** What the engine resolves for an address in an inline context. */
export interface SymbolResolution {
  function?: string;
  displacement?: number;
  module?: string;
  file?: string;
  line?: number;
  resolvedBy: ResolvedBy;
}

/**
 * A local or parameter of a frame, a member or element of one, or the
 * result of an expression, with its value as text (the way WinDbg's and
 * Visual Studio's watch windows show it).
 */
export interface Variable {
  name: string;
  kind: 'local' | 'parameter' | 'member' | 'element' | 'value';
  type: string;
  value: string;
  /** Where it lives in memory, when it does. */
  address?: string;
  /**
   * Set when the value has parts to show (struct or union members, array
   * elements, what a pointer points to): pass it to `children`. Issued by the
   * engine, valid until the debuggee runs again.
   */
  childrenHandle?: number;
  /** How many children are array elements (the rest are named), for paging. */
  indexedChildren?: number;
  namedChildren?: number;
}

/** Debuggee memory; `data` base64, `unreadable` bytes after it could not be read. */
export interface MemoryBlock {
  address: string;
  data: string;
  unreadable: number;
}

/** One instruction as the engine's own disassembler shows it. */
export interface DisassembledInstruction {
  address: string;
  /** Its bytes in hex, no spaces; empty when the memory could not be read. */
  bytes: string;
  /** Mnemonic and operands as the engine spells them (whitespace folded); "??" when unreadable. */
  text: string;
}

/** Where an address is in the source, innermost inline function first. */
export interface SourceLocation {
  address: string;
  function?: string;
  module?: string;
  file?: string;
  line?: number;
  /** The inline functions at this address, innermost first; empty outside inlined code. */
  inlineChain: string[];
}

export interface StackPage {
  frames: RawFrame[];
  /** True when the walk reached the end of the stack. */
  complete: boolean;
  /** Known only once the walk is complete. */
  totalFrames?: number;
  /**
   * The walk has not reached the page yet and stopped to let other requests
   * through (a very deep stack): ask again, it goes on where it stopped.
   * `frames` is then empty. EngineClient.stackFrames asks again by itself.
   */
  pending?: boolean;
}

export interface ExceptionInfo {
  code: number;
  address: string;
  firstChance: boolean;
  description: string;
}

export type StopReason = 'entry' | 'breakpoint' | 'data breakpoint' | 'exception' | 'pause' | 'step';

export type EngineEvent =
  | { type: 'stopped'; reason: StopReason; threadId: number; breakpointIds?: number[]; exception?: ExceptionInfo; description?: string }
  | { type: 'output'; category: 'stdout' | 'stderr' | 'console'; text: string }
  | { type: 'thread'; reason: 'started' | 'exited'; threadId: number }
  | { type: 'module'; reason: 'new' | 'removed'; id: string; name: string; path: string; base: string; symbolStatus: string }
  | { type: 'breakpoint'; reason: 'changed'; breakpoint: BoundBreakpoint }
  | { type: 'exited'; exitCode: number };

export interface EngineDescription {
  kind: EngineKind;
  inlineContextEncoding: 'windows' | 'wine';
  wineVersion: string | null;
  capabilities: EngineCapabilities;
}

/** What an engine can do that another cannot: declared by the engine, read by the adapter (never probed). */
export interface EngineCapabilities {
  /** `disassemble` answers (dbgeng's own disassembler); without it, the adapter decodes readMemory's bytes. */
  disassembler: boolean;
}

/** A step: into calls (inlined ones too), over them, out of the frame, or one instruction. */
export type StepKind = 'in' | 'over' | 'out' | 'instruction';

/**
 * The engine contract: the requests the adapter makes of an engine, across
 * the thread boundary. This is the one list: the engine thread's codec
 * table (native/host/codecs.ts) must have an entry for each, and the
 * client's methods (native/api.ts) are made from it, so a method added here
 * and nowhere else fails the type check. All run on the engine thread.
 */
export interface EngineRequests {
  describe(): EngineDescription;
  /** Creates the process and runs it to the loader breakpoint (symbols of the image loaded). */
  launch(params: LaunchParams): LaunchResult;
  /** Attaches to a running process; it stops (attach break-in) with its symbols loaded. */
  attach(pid: number): LaunchResult;
  /**
   * Opens a crash dump (.dmp): a target that is stopped for good. Its state
   * reads as a live stop's (stacks, values, registers, memory); whatever
   * would run or change it fails with EngineError 'dumpReadOnly'.
   */
  openDump(path: string): LaunchResult;
  /** Lets the program run on without the debugger. */
  detach(): void;
  /** Replaces the breakpoints of one source file. */
  setSourceBreakpoints(path: string, locations: BreakpointLocation[]): BoundBreakpoint[];
  /** The locals and parameters of a frame (by its index in the stack), inline frames their own. */
  variables(threadId: number, frameIndex: number): Variable[];
  /**
   * The parts of a structured value (`Variable.childrenHandle`): members,
   * elements [start, start+count), or the pointee.
   */
  children(handle: number, start?: number, count?: number): Variable[];
  /**
   * Evaluates a C expression in a frame: its locals and parameters (an inline
   * frame its own), registers ($rax or rax), literals, members (. and ->),
   * array elements, pointer dereference, address-of, casts to base and
   * pointer types, and the arithmetic, comparison and logical operators.
   * Throws EngineError 'badExpression' with a message saying what is wrong.
   */
  evaluate(threadId: number, frameIndex: number, expression: string): Variable;
  /** Sets a member or element of a structured value (a `children` entry); returns the new value as shown. */
  setChild(handle: number, name: string, value: string): string;
  /**
   * Runs an engine command (dbgeng: ExecuteWide) and returns its output;
   * `scope`: the frame it acts in (dbgeng's scope: `dv` lists its locals).
   */
  execute(command: string, scope?: CommandScope): string;
  /** Sets a local, parameter (scope 'locals') or register ('registers') of a frame; returns the new value as shown. */
  setVariable(threadId: number, frameIndex: number, scope: 'locals' | 'registers', name: string, value: string): string;
  /** Reads debuggee memory as the program sees it (our breakpoints hidden). */
  readMemory(address: string, count: number): MemoryBlock;
  /** Writes debuggee memory; returns the bytes written. */
  writeMemory(address: string, data: string): number;
  /**
   * The engine's own disassembler, when it has one (dbgeng: Disassemble):
   * `count` instructions from `address`, each starting where the one before
   * ended. An instruction whose memory cannot be read is listed as "??"
   * one byte long, and the listing goes on after it, as WinDbg's `u` does.
   * Engines without one (dbghelp: capabilities.disassembler false) throw
   * EngineError 'unsupported'; the adapter decodes the bytes of readMemory
   * itself then.
   */
  disassemble(address: string, count: number): DisassembledInstruction[];
  /** Source locations of code addresses, for the disassembly view. */
  sourceLocations(addresses: string[]): SourceLocation[];
  /** Which first-chance exceptions stop (see exceptionFilters.ts). */
  setExceptionFilters(filters: string[]): void;
  /** Replaces the instruction breakpoints (the disassembly view's). */
  setInstructionBreakpoints(addresses: string[]): BoundBreakpoint[];
  /** Source files named by the debug information of the program's own modules. */
  loadedSources(): string[];
  /** Replaces the function breakpoints. */
  setFunctionBreakpoints(names: string[]): BoundBreakpoint[];
  /**
   * Replaces the data breakpoints (native/engines/dataWatch.ts): at most
   * four, the processor's debug registers, in every thread, new ones too.
   * A hit stops with reason 'data breakpoint', its id, and a description
   * naming the value and its old and new value.
   */
  setDataBreakpoints(watches: DataWatch[]): BoundBreakpoint[];
  /**
   * The calls the thread's current line makes, inlined calls included
   * (native/engines/stepInTargets.ts), for a step into one of them. Only
   * the top frame steps: for another frame the answer is none. The ids
   * hold until the debuggee runs.
   */
  stepInTargets(threadId: number, frameIndex: number): StepInTargetInfo[];
  /**
   * Steps the thread (a `step` stop follows; stepIn at an inlined call site
   * stops at once). With kind 'in', `targetId` (of stepInTargets) steps
   * into that call: over the line, stopping where the call is entered.
   */
  step(threadId: number, kind: StepKind, targetId?: number): void;
  /** Lets the debuggee run until the next stop event. */
  resume(): void;
  /** Asks a running debuggee to stop (a pause stop event follows). */
  pause(): void;
  threads(): EngineThread[];
  /**
   * The registers of a frame (by its index in the stack): the thread's for
   * the innermost function's frames; for a caller frame, the ones its
   * unwound context holds for sure (nonvolatile ones, RIP, RSP). Without a
   * frame index (an engine that does not unwind registers yet ignores it),
   * the thread's.
   */
  registers(threadId: number, frameIndex?: number): RegisterValue[];
  /**
   * Names an address in an inline context (an opaque value this engine
   * produced): by the inline context when it denotes an inline frame, else
   * by the address.
   */
  resolveSymbol(address: string, inlineFrameContext: number): SymbolResolution;
  /**
   * Frames [start, start+count) of the thread's stack, walked lazily and
   * cached until resume. May answer `pending` instead of walking for long.
   */
  stackFrames(threadId: number, start: number, count: number): StackPage;
  /** Ends the debuggee; an `exited` event follows. */
  terminate(): void;
  /** Releases everything; the debuggee must not outlive this. */
  dispose(): void;
}

/** A request's name. */
export type EngineMethod = keyof EngineRequests;

/** An engine: the requests, and what the engine thread itself uses to run it. */
export interface Engine extends EngineRequests {
  readonly kind: EngineKind;
  /** True while the debuggee runs (the host then polls for debug events). */
  readonly running: boolean;
  /**
   * Forwards what the program, and the programs it started, wrote since the
   * last look, without waiting for a debug event. The host calls it now and
   * then while the debuggee is stopped: its children run on and write.
   */
  forwardOutput?(): void;
  /** Waits up to `ms` for one debug event and handles it; false when none came. */
  poll(ms: number): boolean;
}

export type EventSink = (event: EngineEvent) => void;
