/**
 * The dbgeng engine: Microsoft's debugger engine (the one WinDbg runs on),
 * driven through its COM interfaces. Stacks come from GetStackTraceEx with
 * inline frames on (`.inline 1`); a frame whose InlineFrameContext says
 * INLINE is named with GetNameByInlineContextWide, the others with
 * GetNameByOffsetWide; lines come from the frame's own inline context, so a
 * physical frame holding inlined code gets its call-site line.
 *
 * Locals, expressions and structured values come from symbol groups
 * (frameValues.ts), registers from IDebugRegisters2 (registers.ts), memory
 * from IDebugDataSpaces4 (memory.ts), disassembly from DisassembleWide
 * (disassembly.ts). Steps are dbgeng's own
 * (SetExecutionStatus), which enter and leave inline frames by themselves
 * with inline support on.
 *
 * All calls run on the engine thread, as dbgeng requires of a client.
 */
import type {
  BoundBreakpoint, BreakpointLocation, CommandScope, DisassembledInstruction, Engine, EngineDescription, EngineThread, EventSink, LaunchParams, LaunchResult,
  MemoryBlock, RawFrame, SourceLocation, Variable, RegisterValue, StackPage, StepInTargetInfo, SymbolResolution,
} from '../engines/engine';
import { EngineError } from '../engines/engineError';
import { INLINE_FRAME_CONTEXT_IGNORE, isInlineContext } from '../engines/inlineContext';
import { checkProgram, isDirectory } from '../engines/programCheck';
import { DEFAULT_FILTERS, stopsOnFirstChance } from '../engines/exceptionFilters';
import { buildCommandLine, buildEnvironmentBlock } from '../win32/commandLine';
import { getWineVersion } from '../win32/platform';
import { check, k32 } from '../win32/kernel32';
import { eventCallbacks, outputCallbacks, type CallbackObject } from './callbacks';
import { ComError, ComPtr, describeHResult } from './com';
import { Disassembler } from './disassembly';
import { FrameValues } from './frameValues';
import { readBytes, readVirtual, writeVirtual } from './memory';
import { DEBUG_CSS_LOADS, moduleSymbolStatus } from './modules';
import { dumpReadOnly, lastEventStop, openDumpFile } from './dumpTarget';
import type { DbgengInterfaces } from './openDbgeng';
import { Registers } from './registers';
import { DEBUG_STATUS, HRESULT, Slots } from './slots';
import { describeExceptionStop } from '../engines/exceptionNames';
import { framesBeginningAt, hiddenAtBreakpoint, type AskedFor } from '../engines/stopPosition';
import { codeSpots, inlineChainAt } from '../win32/codeSpots';
import { SymbolQueries } from './symbolQueries';
import { DbgengBreakpoints, DEBUG_ANY_ID, DEBUG_BREAKPOINT_CODE, DEBUG_BREAKPOINT_ENABLED } from './breakpoints';
import { enteredInPlace, ListedTargets, stepInTargets, type StepInTarget } from '../engines/stepInTargets';
import type { DataWatch } from '../engines/dataWatch';

/** Inline frames looked at, at most, for the frames a stop hides. */
const MAX_INLINE_HERE = 16;

const BREAK_INSTRUCTION = 0x80000003;

const C = Slots.IDebugControl7;
const S = Slots.IDebugSymbols5;
const CL = Slots.IDebugClient5;
const SO = Slots.IDebugSystemObjects4;
const BP = Slots.IDebugBreakpoint2;

/** DEBUG_STACK_FRAME_EX: 136 bytes; InlineFrameContext at 128. */
const FRAME = { size: 136, InstructionOffset: 0, ReturnOffset: 8, FrameOffset: 16, StackOffset: 24, InlineFrameContext: 128 } as const;
const DEBUG_ONLY_THIS_PROCESS = 0x2;
const DEBUG_ENGOPT_INITIAL_BREAK = 0x20;
const DEBUG_ATTACH_DEFAULT = 0;
/** dbgeng deletes a one-shot breakpoint itself once it is hit. */
const DEBUG_BREAKPOINT_ONE_SHOT = 0x10;
const DEBUG_LEVEL_SOURCE = 0;
const DEBUG_LEVEL_ASSEMBLY = 1;
/** Steps over lines, at most, to leave an inline frame (a loop in it would otherwise run forever). */
const MAX_STEP_OUT_STEPS = 200;
const DEBUG_INTERRUPT_ACTIVE = 0;
const DEBUG_END_ACTIVE_TERMINATE = 1;
/** Ends a session without touching its target: a dump's. */
const DEBUG_END_PASSIVE = 0;
const DEBUG_OUTCTL_THIS_CLIENT = 0;
const LAUNCH_TIMEOUT_MS = 20_000;
const FIRST_FETCH = 64;
/** dbgeng loads line information only with this symbol option (WinDbg turns it on; a bare client has it off). */
const SYMOPT_LOAD_LINES = 0x10;

const hex = (v: bigint) => `0x${v.toString(16)}`;

interface Fetched {
  buf: Buffer;
  count: number;
  complete: boolean;
  resolved: Map<number, RawFrame>;
}

type PendingStop = Extract<Parameters<EventSink>[0], { type: 'stopped' }>;

/** A step under way, until its stop. */
interface Step {
  threadId: number;
  kind: 'in' | 'over' | 'out' | 'instruction';
  /** Stepping out of an inline frame: step over lines until the stack is shallower than this. */
  outOfInlineDepth?: number;
  steps: number;
  /** Stepping out of a physical frame: the one-shot breakpoint at its return address. */
  returnBreakpoint?: { engineId: number; bp: ComPtr };
  /** ... the frame's return address, and its stack pointer: its caller's is higher. */
  returnAddress?: bigint;
  frameStack?: bigint;
  /** Stepping into a chosen call: the one-shot breakpoints where the code enters it (the step over the line goes on meanwhile). */
  target?: { target: StepInTarget; breakpoints: { engineId: number; bp: ComPtr }[]; reached?: boolean };
}

export class DbgengEngine implements Engine {
  readonly kind = 'dbgeng' as const;
  running = false;

  private readonly events: CallbackObject;
  private readonly output: CallbackObject;
  private pid = 0;
  private exited = false;
  private launched = false;
  /** The crash dump this session opened: a target that never runs. */
  private dump?: string;
  private pendingStop?: Omit<PendingStop, 'threadId'>;
  private interruptRequested = false;
  private readonly stacks = new Map<number, Fetched>();
  /** Per thread: innermost inline frames not entered yet at this stop (hidden from the stack, entered by stepIn). */
  private readonly hidden = new Map<number, number>();
  /** The step-in targets listed at this stop. */
  private readonly targets = new ListedTargets();
  private exceptionFilters: ReadonlySet<string> = new Set(DEFAULT_FILTERS);
  private readonly values: FrameValues;
  /** Names, lines, a line's and a function's copies, recorded files. */
  private readonly names: SymbolQueries;
  /** The user's breakpoints of every kind, under our ids. */
  private readonly bps: DbgengBreakpoints;
  private readonly regs: Registers;
  private readonly disassembler: Disassembler;
  private stepping?: Step;
  /** Loaded modules by base, to announce a module again when its symbols load. */
  private readonly modules = new Map<bigint, { name: string; path: string }>();

  /**
   * `wineHostsMicrosoftDbgeng`: this is Microsoft's dbgeng under Wine, where
   * pause breaks in with kernel32's DebugBreakProcess instead of
   * SetInterrupt (see pause()), and what makes dbgeng throw a C++ exception
   * Wine does not deliver (bp/bu on inline-only functions, bad expressions)
   * is answered before dbgeng sees it (refusedUnderWine, expressionVetting.ts).
   */
  constructor(
    private readonly emit: EventSink,
    private readonly dbg: DbgengInterfaces,
    private readonly reason: string,
    private readonly wineHostsMicrosoftDbgeng = false,
  ) {
    const report = (what: string) => (slot: number, e: unknown) =>
      this.emit({ type: 'output', category: 'console', text: `A ${what} callback (slot ${slot}) failed and returned E_FAIL to dbgeng: ${(e as Error).message}\n` });
    this.events = eventCallbacks({
      breakpoint: (bp) => this.onBreakpoint(bp),
      exception: (code, address, firstChance, parameters) => this.onException(code, address, firstChance, parameters),
      createThread: () => this.onThread('started'),
      exitThread: () => this.onThread('exited'),
      createProcess: (mod, image, base) => this.onModule('new', mod, image, base),
      exitProcess: (code) => this.onExitProcess(code),
      loadModule: (mod, image, base) => this.onModule('new', mod, image, base),
      unloadModule: (name, base) => this.onModule('removed', name, name, base),
      changeSymbolState: (flags, base) => this.onSymbolsLoaded(flags, base),
    }, report('event'));
    this.output = outputCallbacks((_mask, text) => {
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
      if (this.exitCode === undefined && !this.removingBreakpointsFromDeadProcess) this.emit({ type: 'output', category: 'console', text });
    }, report('output'));
    this.names = new SymbolQueries(dbg.symbols, () => this.modules.keys(), () => this.startQuietly(() => this.execute_('ld *')));
    this.bps = new DbgengBreakpoints({ control: dbg.control, dataSpaces: dbg.dataSpaces, names: this.names, dump: () => this.dump !== undefined, emit: (e) => this.emit(e) });
    this.values = new FrameValues(dbg.symbols, (threadId) => this.selectThread(threadId),
      wineHostsMicrosoftDbgeng ? { isGlobal: (name) => this.names.offsetOfName(name).length > 0 } : undefined);
    this.regs = new Registers(dbg.registers);
    this.disassembler = new Disassembler(dbg.control);
    dbg.symbols.call(S.AddSymbolOptions, 'AddSymbolOptions', 'uint32_t options', SYMOPT_LOAD_LINES);
    dbg.client.call(CL.SetEventCallbacksWide, 'SetEventCallbacksWide', 'void *callbacks', this.events.ptr);
    dbg.client.call(CL.SetOutputCallbacksWide, 'SetOutputCallbacksWide', 'void *callbacks', this.output.ptr);
  }

  describe(): EngineDescription {
    return { kind: 'dbgeng', inlineContextEncoding: 'windows', wineVersion: getWineVersion(), capabilities: { disassembler: true } };
  }

  launch(params: LaunchParams): LaunchResult {
    if (this.launched) throw new EngineError('alreadyLaunched', 'This session already has a debuggee.');
    checkProgram(params.program);
    if (params.cwd && !isDirectory(params.cwd)) {
      throw new EngineError('badCwd', `The working directory "${params.cwd}" does not exist. Set "cwd" to an existing folder, or leave it out.`);
    }
    this.launched = true;
    const { control, client } = this.dbg;
    control.call(C.AddEngineOptions, 'AddEngineOptions', 'uint32_t options', DEBUG_ENGOPT_INITIAL_BREAK);
    // DEBUG_CREATE_PROCESS_OPTIONS: CreateFlags, EngCreateFlags, VerifierFlags, Reserved.
    const options = Buffer.alloc(16);
    options.writeUInt32LE(DEBUG_ONLY_THIS_PROCESS, 0);
    const env = params.env && Object.keys(params.env).length ? buildEnvironmentBlock(process.env, params.env) : null;
    this.startQuietly(() => client.call(CL.CreateProcessAndAttach2Wide, 'CreateProcessAndAttach2Wide',
      'uint64_t server, const char16_t *commandLine, void *options, uint32_t optionsSize, const char16_t *initialDirectory, void *environment, uint32_t processId, uint32_t attachFlags',
      0n, buildCommandLine(params.program, params.args), options, 16, params.cwd ?? null, env, 0, 0));
    this.waitForFirstBreak(() => {
      this.terminate();
      return new EngineError('launchTimeout', `"${params.program}" did not reach its initial breakpoint within ${LAUNCH_TIMEOUT_MS / 1000} s; it was ended.`);
    });
    if (this.exited) throw new EngineError('exitedDuringLaunch', `"${params.program}" exited before it could be debugged.`);
    return { processId: this.pid, engine: 'dbgeng', engineReason: this.reason };
  }

  /** AttachProcess, then the attach break-in: the program stops with its modules known. */
  attach(pid: number): LaunchResult {
    if (this.launched) throw new EngineError('alreadyLaunched', 'This session already has a debuggee.');
    this.launched = true;
    this.dbg.control.call(C.AddEngineOptions, 'AddEngineOptions', 'uint32_t options', DEBUG_ENGOPT_INITIAL_BREAK);
    const hr = this.startQuietly(() => this.dbg.client.invoke(CL.AttachProcess, 'AttachProcess', 'uint64_t server, uint32_t processId, uint32_t attachFlags', 0n, pid, DEBUG_ATTACH_DEFAULT));
    if (hr < 0) {
      this.exited = true;
      throw new EngineError('attachFailed', `Cannot attach to process ${pid}: ${describeHResult(hr)}. Is it running, and are you allowed to debug it (same user, or run as administrator)?`);
    }
    this.waitForFirstBreak(() => {
      // Never end a program we attached to on our account: let it go.
      this.detach();
      return new EngineError('attachTimeout', `Process ${pid} did not break in within ${LAUNCH_TIMEOUT_MS / 1000} s; the debugger detached.`);
    });
    if (this.exited) throw new EngineError('exitedDuringAttach', `Process ${pid} exited while the debugger attached.`);
    return { processId: this.pid, engine: 'dbgeng', engineReason: this.reason };
  }

  /**
   * OpenDumpFileWide, then the WaitForEvent that loads the dump; it stops
   * where its last event happened (GetLastEventInformation), shown once the
   * client is configured.
   */
  openDump(path: string): LaunchResult {
    if (this.launched) throw new EngineError('alreadyLaunched', 'This session already has a debuggee.');
    this.startQuietly(() => openDumpFile(this.dbg.client, path));
    this.launched = true;
    this.dump = path;
    this.waitForFirstBreak(() => {
      this.terminate();
      return new EngineError('dumpTimeout', `dbgeng did not finish loading the crash dump "${path}" within ${LAUNCH_TIMEOUT_MS / 1000} s.`);
    });
    if (this.exited) throw new EngineError('dumpOpenFailed', `dbgeng could not load the crash dump "${path}". Is it a Windows crash dump (.dmp)?`);
    const dumpStop = lastEventStop(this.dbg.control, this.dbg.sysobj);
    return { processId: this.pid, engine: 'dbgeng', engineReason: this.reason, dumpStop };
  }

  resume(): void {
    if (this.dump) throw dumpReadOnly('continue');
    if (this.running || this.exited) return;
    // From an exception stop, as the dbghelp engine does and as the program
    // would run without a debugger: a break instruction is handled (the
    // program goes on past it); any other exception goes back to the
    // program, whose handlers see it, and at its second chance it ends the
    // program. Plain GO would take dbgeng's filter default, which at a
    // second chance re-runs the faulting instruction, for ever.
    const ex = this.stoppedAtException;
    this.run(ex === undefined ? DEBUG_STATUS.GO : ex === BREAK_INSTRUCTION ? DEBUG_STATUS.GO_HANDLED : DEBUG_STATUS.GO_NOT_HANDLED);
  }

  stepInTargets(threadId: number, frameIndex: number): StepInTargetInfo[] {
    this.requireStopped('list the calls of its line');
    if (frameIndex !== 0 || !this.names.process) return [];
    const [top] = this.stackFrames(threadId, 0, 1).frames;
    if (!top?.line) return [];
    const pc = BigInt(top.instructionOffset);
    const lookup = this.names.lookupOf();
    const chain = inlineChainAt(lookup, pc);
    const hidden = this.hidden.get(threadId) ?? 0;
    const spots = codeSpots(lookup, pc, (a, n) => readBytes(this.dbg.dataSpaces, a, n), (a) => {
      const b = readBytes(this.dbg.dataSpaces, a, 8);
      return b.length === 8 ? b.readBigUInt64LE(0) : undefined;
    });
    return this.targets.add(threadId, stepInTargets({ chain: chain.slice(0, chain.length - hidden), line: top.line }, spots));
  }

  step(threadId: number, kind: 'in' | 'over' | 'out' | 'instruction', targetId?: number): void {
    if (this.dump) throw dumpReadOnly('step');
    this.requireStopped('step');
    this.selectThread(threadId);
    const step: Step = { threadId, kind, steps: 0 };
    const hidden = this.hidden.get(threadId) ?? 0;
    if (targetId !== undefined) {
      this.stepIntoTarget(step, this.targets.chosen(threadId, kind, targetId), hidden);
      return;
    }
    if (kind === 'in' && hidden > 0) {
      // At an inlined call's first instruction: enter the inline frame without running anything.
      this.hidden.set(threadId, hidden - 1);
      this.emit({ type: 'stopped', reason: 'step', threadId });
      return;
    }
    if (kind === 'over' && hidden > 0) {
      // Over an inlined call not entered yet: step over its lines until its frames are gone.
      step.outOfInlineDepth = this.depth(threadId) - hidden + 1;
      this.stepping = step;
      this.setCodeLevel(DEBUG_LEVEL_SOURCE);
      this.run(DEBUG_STATUS.STEP_OVER);
      return;
    }
    if (kind === 'out') {
      const [top] = this.stackFrames(threadId, 0, 1).frames;
      if (!top) throw new EngineError('noFrame', `Thread ${threadId} has no stack to step out of.`);
      if (top.inline) {
        // An inline frame has no return address: step over its lines until it is gone.
        step.outOfInlineDepth = this.depth(threadId) - hidden;
        this.stepping = step;
        this.setCodeLevel(DEBUG_LEVEL_SOURCE);
        this.run(DEBUG_STATUS.STEP_OVER);
        return;
      }
      if (BigInt(top.returnOffset) === 0n) throw new EngineError('noCaller', 'This is the outermost frame: there is nothing to step out to.');
      step.returnAddress = BigInt(top.returnOffset);
      step.frameStack = BigInt(top.stackOffset);
      step.returnBreakpoint = this.addReturnBreakpoint(threadId, step.returnAddress);
      this.stepping = step;
      this.run(DEBUG_STATUS.GO);
      return;
    }
    this.stepping = step;
    this.setCodeLevel(kind === 'instruction' ? DEBUG_LEVEL_ASSEMBLY : DEBUG_LEVEL_SOURCE);
    this.run(kind === 'over' ? DEBUG_STATUS.STEP_OVER : DEBUG_STATUS.STEP_INTO);
  }

  pause(): void {
    if (this.dump) throw dumpReadOnly('pause');
    if (!this.running || this.exited) return;
    this.interruptRequested = true;
    if (this.wineHostsMicrosoftDbgeng) {
      // Microsoft's dbgeng under Wine: SetInterrupt(DEBUG_INTERRUPT_ACTIVE)
      // returns S_OK but no break-in ever arrives (measured: nothing within
      // 15 s). DebugBreakProcess, which Wine implements (the dbghelp engine
      // pauses with it), raises the break on a thread of its own, and dbgeng
      // reports it as the break instruction it is.
      check('DebugBreakProcess', k32.DebugBreakProcess(this.names.process));
      return;
    }
    this.dbg.control.call(C.SetInterrupt, 'SetInterrupt', 'uint32_t flags', DEBUG_INTERRUPT_ACTIVE);
  }

  poll(ms: number, report = true): boolean {
    const hr = this.dbg.control.invoke(C.WaitForEvent, 'WaitForEvent', 'uint32_t flags, uint32_t timeout', 0, ms);
    if (hr === HRESULT.S_FALSE) return false;
    if (hr < 0) {
      // E_UNEXPECTED: no debuggee any more (Microsoft's dbgeng answers so
      // after the exit-process event it has already reported).
      this.finishExit(this.exitCode ?? 0);
      return true;
    }
    const status = [0];
    this.dbg.control.call(C.GetExecutionStatus, 'GetExecutionStatus', '_Out_ uint32_t *status', status);
    if (Number(status[0]) === DEBUG_STATUS.NO_DEBUGGEE) {
      this.finishExit(this.exitCode ?? 0);
      return true;
    }
    if (Number(status[0]) !== DEBUG_STATUS.BREAK) return true; // still running (an event we let pass)
    this.running = false;
    this.stacks.clear();
    if (this.stepOutOfInlineGoesOn()) return true;
    const stop = this.pendingStop ?? (this.interruptRequested
      ? { type: 'stopped' as const, reason: 'pause' as const }
      : this.stepping ? { type: 'stopped' as const, reason: 'step' as const } : undefined);
    const stepKind = this.stepping?.kind;
    const target = this.stepping?.target?.reached ? this.stepping.target.target : undefined;
    this.endStep();
    this.pendingStop = undefined;
    this.interruptRequested = false;
    this.removingBreakpointsFromDeadProcess = false;
    if (report && stop) {
      const threadId = this.currentThreadSystemId();
      this.hideFramesNotEntered(threadId, stop, stepKind, target);
      this.emit({ ...stop, threadId });
    }
    return true;
  }

  threads(): EngineThread[] {
    if (this.exited || !this.launched) return [];
    const n = [0];
    this.dbg.sysobj.call(SO.GetNumberThreads, 'GetNumberThreads', '_Out_ uint32_t *n', n);
    const count = Number(n[0]);
    if (!count) return [];
    const ids = new Uint32Array(count);
    const sys = new Uint32Array(count);
    this.dbg.sysobj.call(SO.GetThreadIdsByIndex, 'GetThreadIdsByIndex', 'uint32_t start, uint32_t count, void *ids, void *sysIds', 0, count, ids, sys);
    return [...sys].map((id, i) => ({ id, name: i === 0 ? 'Main Thread' : `Thread ${id}` }));
  }

  /** The frame's registers: the thread's own for the innermost function's frames, what dbgeng unwound for a caller's. */
  registers(threadId: number, frameIndex = 0): RegisterValue[] {
    this.requireStopped('read registers');
    if (frameIndex === 0 && !this.hidden.get(threadId)) {
      this.selectThread(threadId);
      return this.regs.read();
    }
    const [frame] = this.stackFrames(threadId, frameIndex, 1).frames;
    if (!frame) throw new EngineError('noFrame', `Frame ${frameIndex} is not on the stack of thread ${threadId}.`);
    if (frame.physicalIndex === 0) {
      this.selectThread(threadId);
      return this.regs.read();
    }
    this.values.scopeTo(threadId, this.engineFrameIndex(threadId, frameIndex));
    return this.regs.read(true);
  }

  stackFrames(threadId: number, start: number, count: number): StackPage {
    if (this.running) throw new EngineError('notStopped', 'The program is running; pause it to see its call stack.');
    let fetched = this.stacks.get(threadId);
    const want = start + count + (this.hidden.get(threadId) ?? 0);
    while (!fetched || (!fetched.complete && fetched.count < want)) {
      fetched = this.fetch(threadId, Math.max(FIRST_FETCH, (fetched?.count ?? 0) * 2, want));
      this.stacks.set(threadId, fetched);
    }
    // Inline frames not entered yet (native/engines/stopPosition.ts) are not shown.
    const hidden = this.hidden.get(threadId) ?? 0;
    const frames: RawFrame[] = [];
    for (let i = start + hidden; i < Math.min(fetched.count, start + hidden + count); i++) {
      const f = this.frameAt(fetched, i);
      frames.push(hidden ? { ...f, index: f.index - hidden } : f);
    }
    return { frames, complete: fetched.complete && start + hidden + count >= fetched.count, totalFrames: fetched.complete ? fetched.count - hidden : undefined };
  }

  resolveSymbol(address: string, inlineFrameContext: number): SymbolResolution {
    const r = this.names.resolve(BigInt(address), inlineFrameContext >>> 0);
    return { function: r.function, displacement: r.displacement, module: r.module, file: r.file, line: r.line, resolvedBy: r.resolvedBy };
  }

  detach(): void {
    if (!this.launched || this.exited) return;
    if (this.dump) {
      this.endDumpSession();
      this.exited = true;
      return;
    }
    this.values.forget();
    this.dbg.client.invoke(CL.DetachProcesses, 'DetachProcesses', '');
    this.exited = true;
    this.running = false;
  }

  setVariable(threadId: number, frameIndex: number, scope: 'locals' | 'registers', name: string, value: string): string {
    if (this.dump) throw dumpReadOnly('change a variable');
    this.requireStopped('change a variable');
    if (scope === 'locals') return this.values.setLocal(threadId, this.engineFrameIndex(threadId, frameIndex), name, value);
    const [frame] = this.stackFrames(threadId, frameIndex, 1).frames;
    if (!frame || frame.physicalIndex !== 0) throw new EngineError('unsupported', 'Registers can be set in the frames of the innermost function only.');
    this.selectThread(threadId);
    const shown = this.regs.write(name, value);
    // rip or rsp may have moved the stack, and every value read in it.
    this.values.forget();
    this.stacks.clear();
    return shown;
  }

  loadedSources(): string[] {
    return [];
  }

  /** Runs a dbgeng command; what it prints (through the output callbacks) is the answer. */
  execute(command: string, scope?: CommandScope): string {
    const refused = this.refusedUnderWine(command);
    if (refused) return refused;
    // The console's frame (.frame N, or the one selected) is dbgeng's scope for the command: `dv` lists its locals.
    if (scope && !this.running) this.values.scopeTo(scope.threadId, this.engineFrameIndex(scope.threadId, scope.frameIndex));
    const captured: string[] = [];
    this.capture = captured;
    try {
      this.execute_(command);
    } finally {
      this.capture = undefined;
    }
    return captured.join('');
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
  private refusedUnderWine(command: string): string | undefined {
    if (!this.wineHostsMicrosoftDbgeng) return undefined;
    const m = /^\s*b[pu](?:\d+)?\s+(?:\/\S+\s+)*([^\s!]+)!(\S+)/i.exec(command);
    if (!m) return undefined;
    const [, moduleName, fn] = m;
    const qualified = `${moduleName}!${fn}`;
    if (this.names.offsetOfName(qualified).length > 0 || this.names.withSymbolsLoaded(() => this.names.inlineCopiesOf(qualified)).length === 0) return undefined;
    return `${qualified} exists only inlined. Under Wine, dbgeng's bp and bu on such a function end the debugger process, so this command was not run. Use "bm ${qualified}" (it binds every inlined copy) or a function breakpoint on ${fn}.\n`;
  }

  children(handle: number, start?: number, count?: number): Variable[] {
    this.requireStopped('expand a value');
    return this.values.children(handle, start, count);
  }

  evaluate(threadId: number, frameIndex: number, expression: string): Variable {
    this.requireStopped('evaluate an expression');
    // A register alone (rax, $rax, @rax) is the frame's, as the Registers scope shows it: dbgeng's
    // symbol groups take no registers (and under Wine the attempt ends the process).
    const register = /^\s*[$@]?([a-z][a-z0-9]*)\s*$/i.exec(expression)?.[1]?.toLowerCase();
    const value = register ? this.registers(threadId, frameIndex).find((r) => r.name === register) : undefined;
    if (value) return { name: expression.trim(), kind: 'value', type: 'unsigned __int64', value: value.value };
    return this.values.evaluate(threadId, this.engineFrameIndex(threadId, frameIndex), expression);
  }

  setChild(handle: number, name: string, value: string): string {
    if (this.dump) throw dumpReadOnly('change a value');
    this.requireStopped('change a value');
    return this.values.setChild(handle, name, value);
  }

  variables(threadId: number, frameIndex: number): Variable[] {
    this.requireStopped('see its variables');
    return this.values.variables(threadId, this.engineFrameIndex(threadId, frameIndex));
  }

  readMemory(address: string, count: number): MemoryBlock {
    this.requireStopped('read its memory');
    return readVirtual(this.dbg.dataSpaces, address, count);
  }

  writeMemory(address: string, data: string): number {
    if (this.dump) throw dumpReadOnly('write memory');
    this.requireStopped('write its memory');
    return writeVirtual(this.dbg.dataSpaces, address, data);
  }

  /** dbgeng's own disassembler (DisassembleWide): WinDbg's text. */
  disassemble(address: string, count: number): DisassembledInstruction[] {
    this.requireStopped('disassemble its code');
    return this.disassembler.list(address, count);
  }

  sourceLocations(addresses: string[]): SourceLocation[] {
    return addresses.map((address) => {
      const r = this.names.resolve(BigInt(address), INLINE_FRAME_CONTEXT_IGNORE);
      return { address, function: r.function, module: r.module, file: r.file, line: r.line, inlineChain: [] };
    });
  }

  setSourceBreakpoints(path: string, locations: BreakpointLocation[]): BoundBreakpoint[] {
    return this.bps.setSource(path, locations);
  }

  setFunctionBreakpoints(names: string[]): BoundBreakpoint[] {
    return this.bps.setFunctions(names);
  }

  setInstructionBreakpoints(addresses: string[]): BoundBreakpoint[] {
    return this.bps.setInstructions(addresses);
  }

  /** Data breakpoints as WinDbg's `ba w` / `ba r` (dbgeng arms the debug registers of every thread). */
  setDataBreakpoints(watches: DataWatch[]): BoundBreakpoint[] {
    return this.bps.setData(watches);
  }

  setExceptionFilters(filters: string[]): void {
    this.exceptionFilters = new Set(filters);
  }

  terminate(): void {
    if (!this.launched || this.exited) return;
    if (this.dump) {
      this.endDumpSession();
      this.finishExit(0);
      return;
    }
    this.values.forget();
    this.dbg.client.invoke(CL.TerminateProcesses, 'TerminateProcesses', '');
    this.dbg.client.invoke(CL.EndSession, 'EndSession', 'uint32_t flags', DEBUG_END_ACTIVE_TERMINATE);
    this.finishExit(this.exitCode ?? 1);
  }

  dispose(): void {
    this.terminate();
    this.dbg.client.invoke(CL.SetEventCallbacksWide, 'SetEventCallbacksWide', 'void *callbacks', null);
    this.dbg.client.invoke(CL.SetOutputCallbacksWide, 'SetOutputCallbacksWide', 'void *callbacks', null);
    this.dbg.release();
    this.events.dispose();
    this.output.dispose();
  }

  /** A dump's session ends passively: there is no process to end or let go. */
  private endDumpSession(): void {
    this.values.forget();
    this.stacks.clear();
    this.dbg.client.invoke(CL.EndSession, 'EndSession', 'uint32_t flags', DEBUG_END_PASSIVE);
    this.running = false;
  }

  private exitCode?: number;
  /** dbgeng is taking breakpoints out of a process that has just died (its output is dropped). */
  private removingBreakpointsFromDeadProcess = false;
  /** The exception code of the stop the program is at, if it stopped for one (resume() passes it on or not). */
  private stoppedAtException: number | undefined;
  /** While a command runs for the console, its output is collected here. */
  private capture?: string[];

  private finishExit(code: number): void {
    if (this.exited) return;
    this.stepping = undefined;
    this.exited = true;
    this.running = false;
    this.emit({ type: 'exited', exitCode: code });
  }

  private execute_(command: string): void {
    this.dbg.control.call(C.ExecuteWide, 'ExecuteWide', 'uint32_t outputControl, const char16_t *command, uint32_t flags', DEBUG_OUTCTL_THIS_CLIENT, command, 0);
  }

  private currentThreadSystemId(): number {
    const id = [0];
    this.dbg.sysobj.call(SO.GetCurrentThreadSystemId, 'GetCurrentThreadSystemId', '_Out_ uint32_t *id', id);
    return Number(id[0]);
  }

  /** Runs the debug session to its first break (not shown to the user: it is the loader's, or the attach break-in). */
  private waitForFirstBreak(timedOut: () => EngineError): void {
    this.startQuietly(() => {
      this.execute_('.inline 1');
      this.running = true;
      const deadline = Date.now() + LAUNCH_TIMEOUT_MS;
      while (this.running && !this.exited) {
        if (Date.now() > deadline) throw timedOut();
        this.poll(100, false);
      }
    });
    if (this.exited) return;
    this.pendingStop = undefined;
    const pidOut = [0];
    this.dbg.sysobj.call(SO.GetCurrentProcessSystemId, 'GetCurrentProcessSystemId', '_Out_ uint32_t *id', pidOut);
    this.pid = Number(pidOut[0]);
    // dbgeng's own handle of the process (it answers only while the target
    // is stopped; it lives as long as the session): pause under Wine breaks
    // in with it, and it keys dbgeng's dbghelp session, asked for inline
    // sites. An engine without it (the C double, an old dbgeng) has neither.
    const handle = [0n];
    const hr = this.dbg.sysobj.invoke(SO.GetCurrentProcessHandle, 'GetCurrentProcessHandle', '_Out_ uint64_t *handle', handle);
    if (hr >= 0) this.names.process = BigInt(handle[0] as bigint);
    else if (this.wineHostsMicrosoftDbgeng) throw new ComError('IDebugSystemObjects::GetCurrentProcessHandle', hr);
  }

  /**
   * What dbgeng prints while a session starts (its banner, the extension
   * gallery's set-up, the loader's ModLoad lines, `.inline 1`'s answer) is
   * WinDbg's start-up text, not the program's: kept out of the console.
   */
  private startQuietly<T>(start: () => T): T {
    const outer = this.capture;
    this.capture = [];
    try {
      return start();
    } finally {
      this.capture = outer;
    }
  }

  private requireStopped(what: string): void {
    if (this.exited || !this.launched) throw new EngineError('notLaunched', `There is no program to ${what}.`);
    if (this.running) throw new EngineError('notStopped', `The program is running; pause it to ${what}.`);
  }

  /** Makes the thread (by system id) dbgeng's current thread: stacks, scopes, registers and steps are per thread. */
  private selectThread(threadId: number): void {
    this.dbg.sysobj.call(SO.SetCurrentThreadId, 'SetCurrentThreadId', 'uint32_t id', this.engineThreadId(threadId));
  }

  private engineThreadId(threadId: number): number {
    const engineId = [0];
    const hr = this.dbg.sysobj.invoke(SO.GetThreadIdBySystemId, 'GetThreadIdBySystemId', 'uint32_t sysId, _Out_ uint32_t *id', threadId, engineId);
    if (hr < 0) throw new EngineError('noThread', `Thread ${threadId} does not exist (any more).`);
    return Number(engineId[0]);
  }

  /** Lets the debuggee go (run or step): what was read while it was stopped is forgotten first. */
  private run(status: number): void {
    this.stoppedAtException = undefined;
    this.hidden.clear();
    this.targets.clear();
    this.values.forget();
    this.stacks.clear();
    this.dbg.control.call(C.SetExecutionStatus, 'SetExecutionStatus', 'uint32_t status', status);
    this.running = true;
  }

  private setCodeLevel(level: number): void {
    this.dbg.control.call(C.SetCodeLevel, 'SetCodeLevel', 'uint32_t level', level);
  }

  /** The number of frames of the thread's whole stack, inline frames counted. */
  private depth(threadId: number): number {
    let f = this.fetch(threadId, FIRST_FETCH);
    while (!f.complete) f = this.fetch(threadId, f.count * 2);
    return f.count;
  }

  /**
   * Where the stop shows the user to be (native/engines/stopPosition.ts):
   * at a breakpoint, the frame it asked for; after a step over or out, the
   * caller at an inlined call's first instruction, as the dbghelp engine's
   * steps stop (a step in stops inside, as there).
   */
  private hideFramesNotEntered(threadId: number, stop: Omit<PendingStop, 'threadId'>, stepKind: Step['kind'] | undefined, target?: StepInTarget): void {
    if (stop.reason !== 'breakpoint' && !(stop.reason === 'step' && (stepKind === 'over' || stepKind === 'out'))) return;
    const top = this.stackFrames(threadId, 0, MAX_INLINE_HERE).frames;
    const physical = top.findIndex((f) => !f.inline);
    const inline = (physical < 0 ? top : top.slice(0, physical)).map((f) => ({
      name: f.function ?? '?',
      start: BigInt(f.instructionOffset) - BigInt(f.displacement ?? 0),
      line: f.line,
    }));
    const pc = BigInt(top[0]?.instructionOffset ?? 0);
    // A step into a chosen call that reached it: that call on top, as a breakpoint on it would show.
    const asked: AskedFor[] = target ? [{ function: target.label }] : this.bps.askedBy(stop.breakpointIds ?? []);
    const hidden = stop.reason === 'breakpoint' || target ? hiddenAtBreakpoint(inline, pc, asked) : framesBeginningAt(inline, pc);
    if (hidden) this.hidden.set(threadId, hidden);
  }

  /** dbgeng's index of the frame the client calls `frameIndex` (inline frames not entered yet are not shown). */
  private engineFrameIndex(threadId: number, frameIndex: number): number {
    return frameIndex + (this.hidden.get(threadId) ?? 0);
  }

  /**
   * After a step over while stepping out of an inline frame: true when the
   * frame is still there (nothing else stopped the step), and the next step
   * over is under way.
   */
  private stepOutOfInlineGoesOn(): boolean {
    const step = this.stepping;
    if (!step || step.outOfInlineDepth === undefined || this.pendingStop || this.interruptRequested) return false;
    if (this.depth(step.threadId) < step.outOfInlineDepth || ++step.steps >= MAX_STEP_OUT_STEPS) return false;
    this.run(DEBUG_STATUS.STEP_OVER);
    return true;
  }

  /**
   * Into a chosen call: a chosen inlined call that begins right here (not
   * entered yet) is entered without running anything; otherwise the line
   * is stepped over with one-shot breakpoints where the code enters the
   * call, and whichever comes first ends the step.
   */
  private stepIntoTarget(step: Step, target: StepInTarget, hidden: number): void {
    const threadId = step.threadId;
    if (target.kind === 'inline' && hidden > 0) {
      const [top] = this.stackFrames(threadId, 0, 1).frames;
      const stillHidden = enteredInPlace(inlineChainAt(this.names.lookupOf(), BigInt(top!.instructionOffset)), hidden, target);
      if (stillHidden !== undefined) {
        this.hidden.set(threadId, stillHidden);
        this.emit({ type: 'stopped', reason: 'step', threadId });
        return;
      }
    }
    const entries = target.kind === 'inline' ? target.entries : [target.address];
    step.target = { target, breakpoints: entries.map((address) => this.addReturnBreakpoint(threadId, address)) };
    step.kind = 'over';
    if (hidden > 0) step.outOfInlineDepth = this.depth(threadId) - hidden + 1;
    this.stepping = step;
    this.setCodeLevel(DEBUG_LEVEL_SOURCE);
    this.run(DEBUG_STATUS.STEP_OVER);
  }

  private addReturnBreakpoint(threadId: number, address: bigint): { engineId: number; bp: ComPtr } {
    const out = [0n];
    this.dbg.control.call(C.AddBreakpoint2, 'AddBreakpoint2', 'uint32_t type, uint32_t desiredId, _Out_ void **bp', DEBUG_BREAKPOINT_CODE, DEBUG_ANY_ID, out);
    const bp = new ComPtr(BigInt(out[0] as bigint), 'IDebugBreakpoint2', true);
    bp.call(BP.SetOffset, 'SetOffset', 'uint64_t offset', address);
    // Only the stepping thread coming back stops the step.
    bp.call(BP.SetMatchThreadId, 'SetMatchThreadId', 'uint32_t thread', this.engineThreadId(threadId));
    bp.call(BP.AddFlags, 'AddFlags', 'uint32_t flags', DEBUG_BREAKPOINT_ENABLED | DEBUG_BREAKPOINT_ONE_SHOT);
    const engineId = [0];
    bp.call(BP.GetId, 'GetId', '_Out_ uint32_t *id', engineId);
    return { engineId: Number(engineId[0]), bp };
  }

  /** At the return breakpoint: is the stack still at or below the stepped frame's (not returned from it)? */
  private deeperThanStepped(step: Step): boolean {
    const rsp = this.regs.read().find((r) => r.name === 'rsp');
    return rsp !== undefined && BigInt(rsp.value) <= step.frameStack!;
  }

  /** The step stopped (or something else stopped it): a return breakpoint not hit is removed. */
  private endStep(): void {
    const bp = this.stepping?.returnBreakpoint;
    if (bp) this.dbg.control.invoke(C.RemoveBreakpoint2, 'RemoveBreakpoint2', 'void *bp', bp.bp.ptr);
    for (const t of this.stepping?.target?.breakpoints ?? []) this.dbg.control.invoke(C.RemoveBreakpoint2, 'RemoveBreakpoint2', 'void *bp', t.bp.ptr);
    this.stepping = undefined;
  }

  private fetch(threadId: number, want: number): Fetched {
    this.selectThread(threadId);
    const buf = Buffer.alloc(want * FRAME.size);
    const filled = [0];
    this.dbg.control.call(C.GetStackTraceEx, 'GetStackTraceEx',
      'uint64_t frameOffset, uint64_t stackOffset, uint64_t instructionOffset, void *frames, uint32_t framesSize, _Out_ uint32_t *filled',
      0n, 0n, 0n, buf, want, filled);
    const count = Number(filled[0]);
    return { buf, count, complete: count < want, resolved: this.stacks.get(threadId)?.resolved ?? new Map() };
  }

  private frameAt(f: Fetched, index: number): RawFrame {
    const cached = f.resolved.get(index);
    if (cached) return cached;
    const at = index * FRAME.size;
    const pc = f.buf.readBigUInt64LE(at + FRAME.InstructionOffset);
    const context = f.buf.readUInt32LE(at + FRAME.InlineFrameContext);
    let physicalIndex = 0;
    for (let i = 0; i < index; i++) if (!isInlineContext(f.buf.readUInt32LE(i * FRAME.size + FRAME.InlineFrameContext), 'windows')) physicalIndex++;
    const r = this.names.resolve(pc, context);
    const frame: RawFrame = {
      index,
      physicalIndex,
      inline: r.inline,
      instructionOffset: hex(pc),
      returnOffset: hex(f.buf.readBigUInt64LE(at + FRAME.ReturnOffset)),
      frameOffset: hex(f.buf.readBigUInt64LE(at + FRAME.FrameOffset)),
      stackOffset: hex(f.buf.readBigUInt64LE(at + FRAME.StackOffset)),
      inlineFrameContext: context >>> 0,
      function: r.function,
      displacement: r.displacement,
      module: r.module,
      moduleBase: r.moduleBase,
      file: r.file,
      line: r.line,
      resolvedBy: r.resolvedBy,
    };
    f.resolved.set(index, frame);
    return frame;
  }

  private onBreakpoint(bpPtr: bigint): number {
    const engineId = [0];
    new ComPtr(bpPtr, 'IDebugBreakpoint2', true).call(BP.GetId, 'GetId', '_Out_ uint32_t *id', engineId);
    const step = this.stepping;
    if (step?.returnBreakpoint?.engineId === Number(engineId[0])) {
      step.returnBreakpoint = undefined; // one-shot: dbgeng has deleted it
      if (this.deeperThanStepped(step)) {
        // A deeper (recursive) activation came back to the same address first: wait for ours.
        step.returnBreakpoint = this.addReturnBreakpoint(step.threadId, step.returnAddress!);
        return DEBUG_STATUS.GO;
      }
      this.pendingStop = { type: 'stopped', reason: 'step' };
      return DEBUG_STATUS.BREAK;
    }
    const entered = step?.target?.breakpoints.findIndex((b) => b.engineId === Number(engineId[0])) ?? -1;
    if (entered >= 0) {
      // The chosen call is entered (one-shot: dbgeng has deleted this one).
      step!.target!.breakpoints.splice(entered, 1);
      step!.target!.reached = true;
      this.pendingStop = { type: 'stopped', reason: 'step' };
      return DEBUG_STATUS.BREAK;
    }
    this.pendingStop = this.bps.stopFor(Number(engineId[0]));
    return DEBUG_STATUS.BREAK;
  }

  private onException(code: number, address: bigint, firstChance: boolean, parameters: bigint[]): number {
    if (this.interruptRequested && this.wineHostsMicrosoftDbgeng && code >>> 0 === BREAK_INSTRUCTION) {
      // The break-in pause() asked for.
      this.pendingStop = { type: 'stopped', reason: 'pause' };
      return DEBUG_STATUS.BREAK;
    }
    if (firstChance && !stopsOnFirstChance(code, this.exceptionFilters)) return DEBUG_STATUS.NO_CHANGE;
    const description = describeExceptionStop(code, firstChance, parameters);
    this.stoppedAtException = code >>> 0;
    this.pendingStop = {
      type: 'stopped',
      reason: 'exception',
      description,
      exception: { code: code >>> 0, address: hex(address), firstChance, description },
    };
    return DEBUG_STATUS.BREAK;
  }

  /** During a thread event dbgeng's current thread is the event's: that names it. */
  private onThread(reason: 'started' | 'exited'): number {
    this.emit({ type: 'thread', reason, threadId: this.currentThreadSystemId() });
    return DEBUG_STATUS.NO_CHANGE;
  }

  private onExitProcess(code: number): number {
    this.exitCode = code;
    return DEBUG_STATUS.NO_CHANGE;
  }

  private onModule(reason: 'new' | 'removed', name: string, path: string, base: bigint): number {
    if (reason === 'new') this.modules.set(base, { name, path });
    else this.modules.delete(base);
    this.names.modulesChanged(reason === 'new');
    const symbolStatus = reason === 'new' ? moduleSymbolStatus(this.dbg.symbols, base) : '';
    this.emit({ type: 'module', reason, id: hex(base), name, path, base: hex(base), symbolStatus });
    if (reason === 'new' && this.launched) this.bps.bindPendingLines();
    return DEBUG_STATUS.NO_CHANGE;
  }

  /** A module's symbols loaded (dbgeng loads them when first needed): announce its new status. */
  private onSymbolsLoaded(flags: number, base: bigint): void {
    const m = this.modules.get(base);
    if (flags & DEBUG_CSS_LOADS) this.names.symbolsLoaded();
    if (!(flags & DEBUG_CSS_LOADS) || !m) return;
    this.emit({ type: 'module', reason: 'new', id: hex(base), name: m.name, path: m.path, base: hex(base), symbolStatus: moduleSymbolStatus(this.dbg.symbols, base) });
  }
}
