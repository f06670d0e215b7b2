/**
 * The dbghelp engine: the Win32 debugging API drives the process, dbghelp
 * names frames and walks stacks. It serves where dbgeng is missing or too
 * old, and under Wine.
 *
 * Everything here runs on the engine thread, synchronously. A debug event
 * either is handled and continued at once (module loads, thread starts), or
 * becomes a stop: it stays pending, unanswered, until resume().
 */
import koffi from 'koffi';
import type {
  BoundBreakpoint, BreakpointLocation, DisassembledInstruction, Engine, EngineDescription, EngineThread, EventSink, LaunchParams, LaunchResult, MemoryBlock, RawFrame, RegisterValue, SourceLocation, StackPage, StepInTargetInfo, SymbolResolution, Variable,
} from '../engine';
import { createDebuggee, drainPipe, setJobKillOnClose, type DebuggeeStart } from '../../win32/createDebuggee';
import { ERROR_INTERNAL_ERROR, LostStartError } from '../../win32/lostStarts';
import {
  DBG_CONTINUE, DBG_EXCEPTION_NOT_HANDLED, DebugEventCode, ExceptionCode, decodeDebugEvent, type DebugEvent,
} from '../../win32/debugEvents';
import { check, k32, readMemory, readRemoteString, systemMessage, writeMemory, type Handle } from '../../win32/kernel32';
import { Layouts } from '../../win32/layouts';
import { getWineVersion } from '../../win32/platform';
import { dbghelpIsWines } from '../../win32/moduleInfo';
import { SoftwareBreakpoints } from './softwareBreakpoints';
import { StackWalker } from './stackWalker';
import { FrameValues, type FrameAt } from './frameValues';
import type { StepKind } from '../stepping';
import type { Decision } from './decision';
import { STEP_OWNER, Stepper } from './stepper';
import { inlineChainAt } from '../../win32/codeSpots';
import { ThreadControl } from './threadControl';
import { BreakpointTable } from './breakpointTable';
import type { DataWatch } from '../dataWatch';
import { SymbolSession, closeQuietly } from './symbols';
import { EngineError } from '../engineError';
import { checkProgram, isDirectory } from '../programCheck';
import { DEFAULT_FILTERS, stopsOnFirstChance } from '../exceptionFilters';
import { isInlineContext } from '../inlineContext';
import { describeExceptionStop } from '../exceptionNames';
import { hiddenAtBreakpoint, type InlineFrameHere } from '../stopPosition';

/** The most one readMemory request reads (VS Code's memory view asks for pages). */
const MAX_MEMORY_REQUEST = 1 << 20;
const ERROR_SEM_TIMEOUT = 121;
const LAUNCH_TIMEOUT_MS = 20_000;
const EXIT_TIMEOUT_MS = 10_000;
/**
 * A stackFrames request walks at most this long before answering "pending"
 * (the walk resumes on the next request), so a stack of a million frames
 * never holds the engine thread: terminate, pause and disconnect are
 * served between slices.
 */
const WALK_SLICE_MS = 200;
/** Frames walked between two looks at the clock. */
const WALK_STEP = 64;




interface ThreadRecord { handle: Handle; name: string }

const hex = (v: bigint) => `0x${v.toString(16)}`;

export class DbghelpEngine implements Engine {
  readonly kind = 'dbghelp' as const;
  running = false;

  private pid = 0;
  private hProcess: Handle = 0n;
  private mainThreadId = 0;
  private outputPipe: Handle = 0n;
  /** The job holding the debuggee and its children (0 without one). */
  private job: Handle = 0n;
  /** True once we end the debuggee ourselves (its children go with it). */
  private terminating = false;
  private readonly threadTable = new Map<number, ThreadRecord>();
  private symbols?: SymbolSession;
  private breakpoints?: SoftwareBreakpoints;
  /** Every breakpoint the user set (source, function, instruction, data), bound where the symbols say. */
  private readonly table = new BreakpointTable({
    process: () => this.hProcess,
    symbols: () => this.symbols,
    breakpoints: () => this.breakpoints,
    emit: (event) => this.emit(event),
  });
  private pending?: { pid: number; tid: number; status: number };
  /** The threads' registers, and the step over an int3 of ours a resuming thread needs. */
  private readonly regs = new ThreadControl({
    process: () => this.hProcess,
    thread: (tid) => this.threadTable.get(tid),
    threads: () => this.threadTable,
    breakpoints: () => this.breakpoints,
  });
  private readonly walkers = new Map<number, StackWalker>();
  private readonly eventBuf = Buffer.alloc(Layouts.DEBUG_EVENT.size);
  private loaderBreakpointSeen = false;
  private attached = false;
  /** Per thread: innermost inline frames hidden at this stop (a step stopped at their call site). */
  private readonly hidden = new Map<number, number>();
  /** Stepping, Step Into Target included: the steps' events are decided there. */
  private readonly stepper = new Stepper({
    process: () => this.hProcess,
    symbols: () => this.symbols!,
    breakpoints: () => this.breakpoints,
    hidden: this.hidden,
    thread: (threadId) => this.threadTable.get(threadId),
    stopped: () => !this.running && !!this.pending,
    stackFrames: (threadId, start, count) => this.stackFrames(threadId, start, count),
    firstFrameOf: (threadId, physicalIndex) => this.firstFrameOf(threadId, physicalIndex),
    threadContext: (thread) => this.regs.context(thread),
    setThreadContext: (thread, ctx) => this.regs.setContext(thread, ctx),
    rewindTo: (threadId, address) => this.regs.rewindTo(threadId, address),
    stepOverBreakpoint: (threadId) => this.regs.stepOverIfAtBreakpoint(threadId),
    resume: () => this.resume(),
    emit: (event) => this.emit(event),
  });
  /** Locals, registers, expressions and their values, read at the frames this engine walks. */
  private readonly values = new FrameValues({
    process: () => this.hProcess,
    running: () => this.running,
    breakpoints: () => this.breakpoints,
    frameAt: (threadId, frameIndex) => this.frameAt(threadId, frameIndex),
    threadContext: (thread) => this.regs.context(thread),
    setThreadContext: (thread, ctx) => this.regs.setContext(thread, ctx),
    registersChanged: (threadId) => this.walkers.delete(threadId),
  });
  private exceptionFilters: ReadonlySet<string> = new Set(DEFAULT_FILTERS);
  private pauseRequested = false;
  private exited = false;
  /** Wine's dbghelp encodes inline contexts its own way (and has quirks the walker works around); Microsoft's, under Wine too, does not. */
  private readonly encoding = dbghelpIsWines() ? 'wine' as const : 'windows' as const;

  /** `reason`: why this engine serves the session, for the user. */
  constructor(private readonly emit: EventSink, private readonly reason = 'dbghelp engine') {}

  launch(params: LaunchParams): LaunchResult {
    if (this.pid) throw new EngineError('alreadyLaunched', 'This session already has a debuggee.');
    checkProgram(params.program);
    if (params.cwd && !isDirectory(params.cwd)) {
      throw new EngineError('badCwd', `The working directory "${params.cwd}" does not exist. Set "cwd" to an existing folder, or leave it out.`);
    }
    let started: DebuggeeStart;
    try {
      started = createDebuggee(params.program, params.args, params.cwd, params.env);
    } catch (e) {
      if (e instanceof LostStartError) throw new EngineError('startLost', e.message);
      throw e;
    }
    if (started.attempts > 1) {
      this.emit({ type: 'output', category: 'console', text: `The system lost "${params.program}" while starting it (CreateProcessW: Win32 error ${ERROR_INTERNAL_ERROR}, the new process died before it ran); started it again: ${started.attempts} tries.\n` });
    }
    this.pid = started.processId;
    this.mainThreadId = started.threadId;
    this.outputPipe = started.outputPipe;
    this.job = started.job;
    // If the adapter dies, the system kills the debuggee rather than leave it orphaned.
    k32.DebugSetProcessKillOnExit(1);
    this.runToFirstBreak(
      () => {
        this.terminate();
        return new EngineError('launchTimeout', `"${params.program}" did not reach its first instruction within ${LAUNCH_TIMEOUT_MS / 1000} s; it was ended.`);
      },
      () => new EngineError('exitedDuringLaunch', `"${params.program}" exited before it could be debugged.`),
    );
    return { processId: this.pid, engine: 'dbghelp', engineReason: this.reason };
  }

  /** The Win32 debugging API debugs live processes only: a crash dump needs dbgeng. */
  openDump(path: string): LaunchResult {
    throw new EngineError('dumpNeedsDbgeng',
      `Cannot open the crash dump "${path}": crash dumps need the dbgeng engine, and this session runs the ${this.reason}. Set "engine" to "dbgeng" (or "auto" where dbgeng is usable), with "dbgengPath" naming the x64 dbgeng.dll of the Debugging Tools for Windows if it is not found by itself.`);
  }

  attach(pid: number): LaunchResult {
    if (this.pid) throw new EngineError('alreadyLaunched', 'This session already has a debuggee.');
    if (!Number.isInteger(pid) || pid <= 0) throw new EngineError('badPid', `"${pid}" is not a process id. Give the number of a running process.`);
    if (pid === k32.GetCurrentProcessId()) throw new EngineError('badPid', 'That is the debugger itself; give the id of another process.');
    if (!k32.DebugActiveProcess(pid)) {
      const code = k32.GetLastError();
      throw new EngineError('attachFailed', code === 87
        ? `There is no process with id ${pid} (it may have exited). Pick a running process.`
        : `Cannot attach to process ${pid}: ${systemMessage(code)} (Win32 error ${code}). Is it already being debugged, or does it need more rights?`);
    }
    this.pid = pid;
    this.attached = true;
    // When the session ends without a detach (the adapter dies), the system
    // detaches and the program runs on: never left suspended, never killed.
    k32.DebugSetProcessKillOnExit(0);
    this.runToFirstBreak(
      () => {
        this.detach();
        return new EngineError('attachTimeout', `Process ${pid} did not stop for the debugger within ${LAUNCH_TIMEOUT_MS / 1000} s; detached.`);
      },
      () => new EngineError('exitedDuringLaunch', `Process ${pid} exited while the debugger attached.`),
    );
    return { processId: pid, engine: 'dbghelp', engineReason: this.reason };
  }

  /**
   * Handles debug events until the first breakpoint: the loader's after a
   * launch, the break-in after an attach. Then the modules are known and
   * breakpoints can bind. `timedOut` cleans up and says why; `exited` says why.
   */
  private runToFirstBreak(timedOut: () => EngineError, exited: () => EngineError): void {
    this.running = true;
    const deadline = Date.now() + LAUNCH_TIMEOUT_MS;
    while (!this.loaderBreakpointSeen && !this.exited) {
      if (Date.now() > deadline) throw timedOut();
      this.poll(100);
    }
    if (this.exited) throw exited();
  }

  /** Lets the program go on without the debugger: breakpoints out, stepping off, events answered. */
  detach(): void {
    if (!this.pid || this.exited) return;
    this.stepper.cancel();
    if (this.regs.steppingOver !== undefined) this.regs.finishStepOver(true);
    this.breakpoints?.removeAll();
    for (const t of this.threadTable.values()) this.regs.clearTrap(t.handle);
    this.regs.skipProgramBreak();
    if (this.pending) {
      k32.ContinueDebugEvent(this.pending.pid, this.pending.tid, DBG_CONTINUE);
      this.pending = undefined;
    }
    check('DebugActiveProcessStop', k32.DebugActiveProcessStop(this.pid));
    this.exited = true;
    this.running = false;
  }

  describe(): EngineDescription {
    return { kind: 'dbghelp', inlineContextEncoding: this.encoding, wineVersion: getWineVersion(), capabilities: { disassembler: false } };
  }

  disassemble(): DisassembledInstruction[] {
    throw new EngineError('unsupported', 'The dbghelp engine has no disassembler of its own; the adapter decodes the code bytes itself.');
  }

  resume(): void {
    if (!this.pending || this.exited) return;
    this.walkers.clear();
    this.values.forget();
    const { pid, tid, status } = this.pending;
    this.hidden.clear();
    this.stepper.forgetTargets();
    // Past a program's own int3 the thread is somewhere it was not shown
    // to be: a breakpoint of ours there has not been hit yet, so it must
    // fire, not be stepped over.
    const movedPastProgramBreak = this.regs.skipProgramBreak();
    // A thread that goes on to its exception handlers does not execute the
    // instruction under the breakpoint now; and one step-over at a time.
    if (status === DBG_CONTINUE && this.regs.steppingOver === undefined && !movedPastProgramBreak) this.regs.stepOverIfAtBreakpoint(tid);
    this.pending = undefined;
    check('ContinueDebugEvent', k32.ContinueDebugEvent(pid, tid, status));
    this.running = true;
  }

  pause(): void {
    if (!this.running || this.exited || !this.hProcess) return;
    this.pauseRequested = true;
    check('DebugBreakProcess', k32.DebugBreakProcess(this.hProcess));
  }

  poll(ms: number): boolean {
    this.pumpOutput();
    if (!k32.WaitForDebugEvent(this.eventBuf, ms)) {
      const err = k32.GetLastError();
      if (err !== ERROR_SEM_TIMEOUT && err !== 0) check('WaitForDebugEvent', false);
      return false;
    }
    const ev = decodeDebugEvent(this.eventBuf);
    // Only our debuggee's events are ours. Another process's is a leftover
    // of a start the system lost (lostStarts.ts): Wine delivers that
    // process's EXIT_PROCESS after the retry started ours, and taken as ours
    // it would end the launch. Let it go.
    if (this.pid && ev.pid !== this.pid) {
      // The file handles these events carry are the debugger's to close.
      if (ev.code === DebugEventCode.CREATE_PROCESS || ev.code === DebugEventCode.LOAD_DLL) closeQuietly(ev.hFile);
      k32.ContinueDebugEvent(ev.pid, ev.tid, DBG_CONTINUE);
      return true;
    }
    const decision = this.handle(ev);
    if (ev.code === DebugEventCode.EXIT_PROCESS) {
      k32.ContinueDebugEvent(ev.pid, ev.tid, DBG_CONTINUE);
      this.exited = true;
      this.running = false;
      this.regs.forgetStepOver();
      this.releaseJob();
      this.pumpOutput();
      this.emit({ type: 'exited', exitCode: ev.exitCode });
      return true;
    }
    if (!decision.stop) {
      check('ContinueDebugEvent', k32.ContinueDebugEvent(ev.pid, ev.tid, decision.status));
      return true;
    }
    // Any other stop (a breakpoint, an exception, a pause) ends a step under way.
    if (!decision.fromStep) this.stepper.cancel();
    this.pending = { pid: ev.pid, tid: ev.tid, status: decision.status };
    this.running = false;
    // What the program wrote before it stopped (its last words before a
    // crash, say) is told before the stop.
    this.pumpOutput();
    decision.report?.();
    return true;
  }

  threads(): EngineThread[] {
    return [...this.threadTable.entries()].map(([id, t]) => ({ id, name: threadDescription(t.handle) || t.name }));
  }

  setVariable(threadId: number, frameIndex: number, scope: 'locals' | 'registers', name: string, value: string): string {
    return this.values.setVariable(threadId, frameIndex, scope, name, value);
  }

  setInstructionBreakpoints(addresses: string[]): BoundBreakpoint[] {
    return this.table.setInstructions(addresses);
  }

  setSourceBreakpoints(path: string, locations: BreakpointLocation[]): BoundBreakpoint[] {
    return this.table.setSource(path, locations);
  }

  setFunctionBreakpoints(names: string[]): BoundBreakpoint[] {
    return this.table.setFunctions(names);
  }

  setDataBreakpoints(watches: DataWatch[]): BoundBreakpoint[] {
    return this.table.setData(watches, [...this.threadTable.values()].map((t) => t.handle));
  }

  loadedSources(): string[] {
    const symbols = this.symbols;
    if (!symbols) return [];
    const files = new Set<string>();
    for (const m of symbols.allModules()) {
      if (/[\\/](windows[\\/]system32|wine)[\\/]/i.test(m.path)) continue;
      for (const f of symbols.sourceFiles(m.base)) files.add(f);
    }
    return [...files];
  }

  registers(threadId: number, frameIndex = 0): RegisterValue[] {
    return this.values.registers(threadId, frameIndex);
  }

  resolveSymbol(address: string, inlineFrameContext: number): SymbolResolution {
    if (!this.symbols) throw new EngineError('notLaunched', 'No program is loaded.');
    const pc = BigInt(address);
    const inline = isInlineContext(inlineFrameContext, this.encoding);
    const r = this.symbols.resolve(pc, inlineFrameContext, inline, pc);
    return { ...r, module: this.symbols.moduleAt(pc)?.name };
  }

  stackFrames(threadId: number, start: number, count: number): StackPage {
    const thread = this.threadTable.get(threadId);
    if (!thread) throw new EngineError('noThread', `Thread ${threadId} does not exist (any more).`);
    if (this.running) throw new EngineError('notStopped', 'The program is running; pause it to see its call stack.');
    let walker = this.walkers.get(threadId);
    if (!walker) {
      walker = new StackWalker(this.hProcess, thread.handle, this.regs.context(thread.handle), this.symbols!, this.encoding,
        this.encoding === 'wine' ? 'synthesized' : 'native');
      this.walkers.set(threadId, walker);
    }
    // Walk toward the page in slices; answer "pending" when out of time.
    const target = start + count + (this.hidden.get(threadId) ?? 0);
    const deadline = Date.now() + WALK_SLICE_MS;
    while (!walker.done && walker.walkedCount < target) {
      if (Date.now() >= deadline) return { frames: [], complete: false, pending: true };
      walker.page(Math.min(target, walker.walkedCount + WALK_STEP), 0);
    }
    // Inline frames "not entered yet" (a step stopped at their call site) are not shown.
    const hidden = this.hidden.get(threadId) ?? 0;
    const page = walker.page(start + hidden, count);
    const frames = hidden ? page.map((f) => ({ ...f, index: f.index - hidden })) : page;
    const complete = walker.done && start + hidden + count >= walker.walkedCount;
    return { frames, complete, totalFrames: walker.done ? walker.walkedCount - hidden : undefined };
  }

  children(handle: number, start?: number, count?: number): Variable[] {
    return this.values.children(handle, start, count);
  }

  evaluate(threadId: number, frameIndex: number, expression: string): Variable {
    return this.values.evaluate(threadId, frameIndex, expression);
  }

  setChild(handle: number, name: string, value: string): string {
    return this.values.setChild(handle, name, value);
  }

  variables(threadId: number, frameIndex: number): Variable[] {
    return this.values.variables(threadId, frameIndex);
  }

  /** A frame, its thread, and the register context its variables are read with (its own, for a caller frame). */
  private frameAt(threadId: number, frameIndex: number): FrameAt {
    const thread = this.threadTable.get(threadId);
    if (!thread) throw new EngineError('noThread', `Thread ${threadId} does not exist (any more).`);
    const [frame] = this.stackFrames(threadId, frameIndex, 1).frames;
    if (!frame) throw new EngineError('noFrame', `Thread ${threadId} has no frame ${frameIndex}.`);
    const caller = frame.physicalIndex > 0;
    const context = caller ? this.walkers.get(threadId)?.contextOf(frame.physicalIndex) : this.regs.context(thread.handle);
    if (!context) throw new EngineError('noFrame', `The registers of frame ${frameIndex} could not be unwound.`);
    return { frame, thread: thread.handle, context, caller };
  }

  execute(_command: string): string {
    throw new EngineError('unsupported', 'The dbghelp engine has no command interpreter of its own; the adapter answers its WinDbg commands.');
  }

  readMemory(address: string, count: number): MemoryBlock {
    if (!this.hProcess || this.exited) throw new EngineError('notLaunched', 'There is no program to read memory from.');
    const at = BigInt(address);
    const size = Math.max(0, Math.min(count, MAX_MEMORY_REQUEST));
    const bytes = readMemory(this.hProcess, at, size);
    const shown = this.breakpoints ? this.breakpoints.unpatch(at, bytes) : bytes;
    return { address: hex(at), data: shown.toString('base64'), unreadable: size - bytes.length };
  }

  writeMemory(address: string, data: string): number {
    if (!this.hProcess || this.exited) throw new EngineError('notLaunched', 'There is no program to write memory to.');
    if (this.running) throw new EngineError('notStopped', 'The program is running; pause it to write memory.');
    const at = BigInt(address);
    const bytes = Buffer.from(data, 'base64');
    writeMemory(this.hProcess, at, bytes);
    this.breakpoints?.afterWrite(at, bytes);
    return bytes.length;
  }

  sourceLocations(addresses: string[]): SourceLocation[] {
    const symbols = this.symbols;
    if (!symbols) throw new EngineError('notLaunched', 'No program is loaded.');
    return addresses.map((address) => {
      const pc = BigInt(address);
      const contexts = symbols.inlineContextsAt(pc);
      const chain = contexts.map((ctx) => symbols.nameByInlineContext(pc, ctx)?.name ?? '?');
      const line = contexts.length ? symbols.lineByInlineContext(pc, contexts[0]!) : symbols.lineByOffset(pc);
      return { address: hex(pc), function: symbols.nameByOffset(pc)?.name, module: symbols.moduleAt(pc)?.name, file: line?.file, line: line?.line, inlineChain: chain };
    });
  }

  stepInTargets(threadId: number, frameIndex: number): StepInTargetInfo[] {
    return this.stepper.targetsAt(threadId, frameIndex);
  }

  step(threadId: number, kind: StepKind, targetId?: number): void {
    this.stepper.step(threadId, kind, targetId);
  }

  setExceptionFilters(filters: string[]): void {
    this.exceptionFilters = new Set(filters);
  }

  terminate(): void {
    if (!this.pid || this.exited) return;
    this.terminating = true;
    // The whole tree: the debuggee and whatever it started.
    if (this.job) k32.TerminateJobObject(this.job, 1);
    if (this.hProcess) k32.TerminateProcess(this.hProcess, 1);
    if (this.regs.steppingOver !== undefined) this.regs.finishStepOver(false);
    if (this.pending) {
      k32.ContinueDebugEvent(this.pending.pid, this.pending.tid, DBG_CONTINUE);
      this.pending = undefined;
    }
    this.running = true;
    const deadline = Date.now() + EXIT_TIMEOUT_MS;
    while (!this.exited && Date.now() < deadline) {
      // Before CREATE_PROCESS arrives we have no handle to terminate with.
      if (!this.hProcess) this.poll(50);
      else this.poll(100);
      if (this.hProcess && !this.exited) k32.TerminateProcess(this.hProcess, 1);
    }
    if (!this.exited) k32.DebugActiveProcessStop(this.pid);
    this.running = false;
  }

  dispose(): void {
    // A program we attached to was running before us: it runs on after us.
    if (this.attached) this.detach();
    else this.terminate();
    this.releaseJob();
    this.symbols?.dispose();
    closeQuietly(this.outputPipe);
    this.outputPipe = 0n;
  }

  /**
   * Closes the job. Children of a program that exited on its own are its
   * business and keep running; when we ended the program, its job's
   * kill-on-close limit takes any straggler with it.
   */
  private releaseJob(): void {
    if (!this.job) return;
    if (this.exited && !this.terminating) setJobKillOnClose(this.job, false);
    closeQuietly(this.job);
    this.job = 0n;
  }

  private handle(ev: DebugEvent): Decision {
    const go: Decision = { stop: false, status: DBG_CONTINUE };
    switch (ev.code) {
      case DebugEventCode.CREATE_PROCESS: {
        this.hProcess = ev.hProcess;
        this.threadTable.set(ev.tid, { handle: ev.hThread, name: 'Main Thread' });
        this.mainThreadId = ev.tid;
        this.symbols = new SymbolSession(ev.hProcess, this.encoding === 'wine');
        this.breakpoints = new SoftwareBreakpoints(ev.hProcess);
        const path = fileNameOfHandle(ev.hFile) || readRemoteString(ev.hProcess, this.pointerAt(ev.imageNamePtr), ev.unicode);
        this.announceModule(this.symbols.loadModule(ev.hFile, path, ev.imageBase));
        closeQuietly(ev.hFile);
        this.emit({ type: 'thread', reason: 'started', threadId: ev.tid });
        return go;
      }
      case DebugEventCode.CREATE_THREAD:
        this.threadTable.set(ev.tid, { handle: ev.hThread, name: `Thread ${ev.tid}` });
        this.table.armNewThread(ev.hThread);
        this.emit({ type: 'thread', reason: 'started', threadId: ev.tid });
        return go;
      case DebugEventCode.EXIT_THREAD:
        // A thread that ends during its step over a breakpoint never
        // single-steps: release the threads the step-over suspended.
        if (this.regs.steppingOver === ev.tid) this.regs.finishStepOver(false);
        this.threadTable.delete(ev.tid);
        this.walkers.delete(ev.tid);
        this.emit({ type: 'thread', reason: 'exited', threadId: ev.tid });
        return go;
      case DebugEventCode.LOAD_DLL: {
        const path = fileNameOfHandle(ev.hFile) || readRemoteString(this.hProcess, this.pointerAt(ev.imageNamePtr), ev.unicode);
        if (this.symbols) this.announceModule(this.symbols.loadModule(ev.hFile, path, ev.base));
        closeQuietly(ev.hFile);
        this.table.rebindUnverified();
        return go;
      }
      case DebugEventCode.UNLOAD_DLL: {
        const info = this.symbols?.unloadModule(ev.base);
        // Another module may load at the same base, with type ids of its own.
        this.values.forgetModule(ev.base);
        if (info) this.emit({ type: 'module', reason: 'removed', id: hex(info.base), name: info.name, path: info.path, base: hex(info.base), symbolStatus: info.symbolStatus });
        return go;
      }
      case DebugEventCode.OUTPUT_DEBUG_STRING: {
        const text = readRemoteString(this.hProcess, ev.dataPtr, ev.unicode, Math.max(ev.length, 1));
        this.emit({ type: 'output', category: 'console', text });
        return go;
      }
      case DebugEventCode.EXCEPTION:
        return this.handleException(ev);
      default:
        return go;
    }
  }

  private handleException(ev: Extract<DebugEvent, { code: 1 }>): Decision {
    const code = ev.exceptionCode >>> 0;
    if (this.regs.steppingOver === ev.tid && code !== ExceptionCode.SINGLE_STEP) {
      // The instruction under the breakpoint raised an exception instead
      // of completing: the step-over is over, re-arm and release the others.
      this.regs.finishStepOver(true);
    }
    if (code === ExceptionCode.BREAKPOINT || code === ExceptionCode.WX86_BREAKPOINT) {
      if (!this.loaderBreakpointSeen) {
        // The loader's breakpoint: the image and its static imports are
        // mapped, so breakpoints can bind. Stop here without telling the
        // user; configurationDone decides whether this is a visible entry stop.
        this.loaderBreakpointSeen = true;
        return { stop: true, status: DBG_CONTINUE };
      }
      const owners = this.breakpoints?.ownersAt(ev.exceptionAddress) ?? [];
      if (owners.length && this.regs.steppingOver !== undefined && this.regs.steppingOver !== ev.tid) {
        // Hit at the same moment as the thread now stepping over a
        // breakpoint (its event was queued first). This thread is suspended
        // until the step ends; put it back on the int3 so it hits it again,
        // re-armed, once it runs.
        this.regs.rewindTo(ev.tid, ev.exceptionAddress);
        return { stop: false, status: DBG_CONTINUE };
      }
      if (!owners.length && this.regs.isStaleBreakpoint(ev.exceptionAddress)) {
        // Hit before the breakpoint was removed, reported after: the
        // original instruction is back, so run it as if nothing happened.
        this.regs.rewindTo(ev.tid, ev.exceptionAddress);
        return { stop: false, status: DBG_CONTINUE };
      }
      if (owners.includes(STEP_OWNER)) {
        const handled = this.stepper.onReturnBreakpoint(ev.tid, ev.exceptionAddress, owners);
        if (handled) return handled;
      }
      if (owners.length) {
        this.regs.rewindTo(ev.tid, ev.exceptionAddress);
        const ids = owners.filter((o) => o !== STEP_OWNER);
        const hidden = hiddenAtBreakpoint(this.inlineFramesAt(ev.exceptionAddress), ev.exceptionAddress, this.table.askedBy(ids));
        if (hidden) this.hidden.set(ev.tid, hidden);
        return { stop: true, status: DBG_CONTINUE, report: () => this.emit({ type: 'stopped', reason: 'breakpoint', threadId: ev.tid, breakpointIds: ids }) };
      }
      if (this.pauseRequested) {
        // DebugBreakProcess runs the int3 on a thread of its own; the user
        // cares about their program's threads, so report the main thread.
        this.pauseRequested = false;
        const threadId = this.threadTable.has(this.mainThreadId) ? this.mainThreadId : ev.tid;
        return { stop: true, status: DBG_CONTINUE, report: () => this.emit({ type: 'stopped', reason: 'pause', threadId }) };
      }
    }
    if (code === ExceptionCode.SINGLE_STEP) {
      const watched = this.dataBreakpointHit(ev.tid);
      if (watched) return watched;
    }
    if (code === ExceptionCode.SINGLE_STEP && this.regs.steppingOver === ev.tid) {
      this.regs.finishStepOver(false);
      if (this.stepper.thread === ev.tid) return this.stepper.onStepEvent(ev.tid);
      return { stop: false, status: DBG_CONTINUE };
    }
    if (code === ExceptionCode.SINGLE_STEP && this.stepper.thread === ev.tid) return this.stepper.onStepEvent(ev.tid);
    const isInt3 = code === ExceptionCode.BREAKPOINT || code === ExceptionCode.WX86_BREAKPOINT;
    const userBreak = isInt3 || code === ExceptionCode.SINGLE_STEP;
    if (ev.firstChance && code !== ExceptionCode.SINGLE_STEP && !stopsOnFirstChance(code, this.exceptionFilters)) {
      // An int3 of the program's own that the user does not stop at is stepped over.
      if (isInt3) this.regs.setRipIfAt(ev.tid, ev.exceptionAddress, ev.exceptionAddress + 1n);
      return { stop: false, status: isInt3 ? DBG_CONTINUE : DBG_EXCEPTION_NOT_HANDLED };
    }
    if (isInt3) {
      // Show the stop at the int3 itself, as WinDbg does (the thread's RIP
      // may already be past it), and step over it on resume.
      this.regs.rewindTo(ev.tid, ev.exceptionAddress);
      this.regs.stoppedAtProgramBreak(ev.tid, ev.exceptionAddress);
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
      report: () => this.emit({ type: 'stopped', reason: 'exception', threadId: ev.tid, exception, description: exception.description }),
    };
  }

  private announceModule(info: { base: bigint; name: string; path: string; symbolStatus: string }): void {
    this.emit({ type: 'module', reason: 'new', id: hex(info.base), name: info.name, path: info.path, base: hex(info.base), symbolStatus: info.symbolStatus });
  }

  /** The physical frame `physicalIndex` of a thread's stack, walking only as far as it. */
  private firstFrameOf(threadId: number, physicalIndex: number): RawFrame | undefined {
    for (let at = 0; ; at += 16) {
      const page = this.stackFrames(threadId, at, 16);
      const hit = page.frames.find((f) => f.physicalIndex === physicalIndex && !f.inline);
      if (hit || page.complete || !page.frames.length) return hit;
    }
  }

  /** The inline frames at `pc`, innermost first, each with its copy's start and its line there (native/engines/stopPosition.ts). */
  private inlineFramesAt(pc: bigint): InlineFrameHere[] {
    const symbols = this.symbols!;
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
    const thread = this.threadTable.get(tid);
    const hits = thread ? this.table.dataHits(thread.handle) : [];
    if (!hits.length) return undefined;
    if (this.regs.steppingOver === tid) this.regs.finishStepOver(false);
    this.stepper.cancel();
    return {
      stop: true, status: DBG_CONTINUE,
      report: () => this.emit({ type: 'stopped', reason: 'data breakpoint', threadId: tid, breakpointIds: hits.map((h) => h.id), description: hits.map((h) => h.description).join('; ') }),
    };
  }

  forwardOutput(): void {
    this.pumpOutput();
  }

  private pumpOutput(): void {
    if (!this.outputPipe) return;
    const text = drainPipe(this.outputPipe);
    if (text === null) {
      closeQuietly(this.outputPipe);
      this.outputPipe = 0n;
    } else if (text) {
      this.emit({ type: 'output', category: 'stdout', text });
    }
  }

  private pointerAt(address: bigint): bigint {
    if (!address || !this.hProcess) return 0n;
    const buf = Buffer.alloc(8);
    const read = [0n];
    if (!k32.ReadProcessMemory(this.hProcess, address, buf, 8n, read)) return 0n;
    return buf.readBigUInt64LE(0);
  }
}

function fileNameOfHandle(file: Handle): string {
  if (!file) return '';
  const buf = Buffer.alloc(2048);
  const n = k32.GetFinalPathNameByHandleW(file, buf, 1024, 0);
  if (!n || n > 1024) return '';
  return buf.toString('utf16le', 0, n * 2).replace(/^\\\\\?\\/, '');
}

/** The name a thread gave itself (SetThreadDescription), or ''. */
function threadDescription(thread: Handle): string {
  const out = [0n];
  if (k32.GetThreadDescription(thread, out) < 0 || !out[0]) return '';
  try {
    return koffi.decode.string16(out[0]);
  } finally {
    k32.LocalFree(out[0]);
  }
}
