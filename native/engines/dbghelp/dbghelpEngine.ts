/**
 * The dbghelp engine: the Win32 debugging API drives the process, dbghelp
 * names frames and walks stacks. It serves where dbgeng is missing or too
 * old, and under Wine.
 *
 * Everything here runs on the engine thread, synchronously. A debug event
 * either is handled and continued at once (module loads, thread starts), or
 * becomes a stop: it stays pending, unanswered, until resume(). This file
 * is the debuggee's life (launch or attach, its events, the end); the
 * modules beside it hold the rest: what an exception event means
 * (exceptionEvents.ts), stacks (stacks.ts, stackWalker.ts), steps
 * (stepper.ts), breakpoints (breakpointTable.ts), values (frameValues.ts),
 * the threads' registers (threadControl.ts) and the symbols (symbols.ts).
 */
import type {
  BoundBreakpoint, BreakpointLocation, DisassembledInstruction, Engine, EngineDescription, EngineThread, EventSink, LaunchParams, LaunchResult, MemoryBlock, RegisterValue, SourceLocation, StackPage, StepInTargetInfo, SymbolResolution, Variable,
} from '../engine';
import { createDebuggee, setJobKillOnClose, type DebuggeeStart } from '../../win32/createDebuggee';
import { ERROR_INTERNAL_ERROR, LostStartError } from '../../win32/lostStarts';
import { DBG_CONTINUE, DebugEventCode, decodeDebugEvent, type DebugEvent } from '../../win32/debugEvents';
import { check, k32, readRemoteString, systemMessage, type Handle } from '../../win32/kernel32';
import { Layouts } from '../../win32/layouts';
import { getWineVersion } from '../../win32/platform';
import { dbghelpIsWines } from '../../win32/moduleInfo';
import { imagePath, threadDescription } from '../../win32/eventNames';
import { SoftwareBreakpoints } from './softwareBreakpoints';
import { FrameValues } from './frameValues';
import { DbghelpStacks } from './stacks';
import { ExceptionEvents } from './exceptionEvents';
import type { StepKind } from '../engine';
import type { Decision } from './decision';
import { Stepper } from './stepper';
import { ThreadControl } from './threadControl';
import { BreakpointTable } from './breakpointTable';
import type { DataWatch } from '../dataWatch';
import { SymbolSession, closeQuietly } from './symbols';
import { ProgramOutput } from '../../win32/programOutput';
import { readShown, writeShown } from './memory';
import { EngineError } from '../engineError';
import { checkLaunch } from '../programCheck';
import { isInlineContext } from '../inlineContext';
import { hex } from '../hex';

const ERROR_SEM_TIMEOUT = 121;
const LAUNCH_TIMEOUT_MS = 20_000;
const EXIT_TIMEOUT_MS = 10_000;

interface ThreadRecord { handle: Handle; name: string }

export class DbghelpEngine implements Engine {
  readonly kind = 'dbghelp' as const;
  running = false;

  private pid = 0;
  private hProcess: Handle = 0n;
  private mainThreadId = 0;
  /** What the program writes to stdout and stderr. */
  private readonly output = new ProgramOutput((event) => this.emit(event));
  /** The job holding the debuggee and its children (0 without one). */
  private job: Handle = 0n;
  /** True once we end the debuggee ourselves (its children go with it). */
  private terminating = false;
  private readonly threadTable = new Map<number, ThreadRecord>();
  /** Wine's dbghelp encodes inline contexts its own way (and has quirks the walker works around); Microsoft's, under Wine too, does not. */
  private readonly encoding = dbghelpIsWines() ? 'wine' as const : 'windows' as const;
  private symbols?: SymbolSession;
  private breakpoints?: SoftwareBreakpoints;
  /** Every breakpoint the user set (source, function, instruction, data), bound where the symbols say. */
  private readonly table = new BreakpointTable({
    process: () => this.hProcess, symbols: () => this.symbols, breakpoints: () => this.breakpoints, emit: (event) => this.emit(event),
  });
  private pending?: { pid: number; tid: number; status: number };
  /** The threads' registers, and the step over an int3 of ours a resuming thread needs. */
  private readonly regs = new ThreadControl({
    process: () => this.hProcess, thread: (tid) => this.threadTable.get(tid), threads: () => this.threadTable, breakpoints: () => this.breakpoints,
  });
  /** The stop's call stacks, and the inline frames it has not entered yet. */
  private readonly stacks: DbghelpStacks = new DbghelpStacks({
    process: () => this.hProcess,
    symbols: () => this.symbols!,
    encoding: this.encoding,
    running: () => this.running,
    thread: (threadId) => this.threadTable.get(threadId),
    context: (thread) => this.regs.context(thread),
  });
  private readonly eventBuf = Buffer.alloc(Layouts.DEBUG_EVENT.size);
  private attached = false;
  /** Stepping, Step Into Target included: the steps' events are decided there. */
  private readonly stepper = new Stepper({
    process: () => this.hProcess,
    symbols: () => this.symbols!,
    breakpoints: () => this.breakpoints,
    hidden: this.stacks.hidden,
    thread: (threadId) => this.threadTable.get(threadId),
    stopped: () => !this.running && !!this.pending,
    stackFrames: (threadId, start, count) => this.stackFrames(threadId, start, count),
    firstFrameOf: (threadId, physicalIndex) => this.stacks.firstFrameOf(threadId, physicalIndex),
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
    frameAt: (threadId, frameIndex) => this.stacks.frameAt(threadId, frameIndex),
    threadContext: (thread) => this.regs.context(thread),
    setThreadContext: (thread, ctx) => this.regs.setContext(thread, ctx),
    registersChanged: (threadId) => this.stacks.forgetThread(threadId),
  });
  /** What the exception events mean: breakpoints, steps, the pause's break-in, the program's own exceptions. */
  private readonly exceptions = new ExceptionEvents({
    regs: this.regs,
    stepper: this.stepper,
    table: this.table,
    stacks: this.stacks,
    breakpoints: () => this.breakpoints,
    symbols: () => this.symbols!,
    thread: (threadId) => this.threadTable.get(threadId),
    mainThreadId: () => this.mainThreadId,
    emit: (event) => this.emit(event),
  });
  private exited = false;

  /** `reason`: why this engine serves the session, for the user. */
  constructor(private readonly emit: EventSink, private readonly reason = 'dbghelp engine') {}

  launch(params: LaunchParams): LaunchResult {
    if (this.pid) throw new EngineError('alreadyLaunched', 'This session already has a debuggee.');
    checkLaunch(params);
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
    this.output.attach(started.outputPipe);
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
    while (!this.exceptions.loaderBreakpointSeen && !this.exited) {
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
    this.stacks.forget();
    this.values.forget();
    const { pid, tid, status } = this.pending;
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
    this.exceptions.pauseRequested = true;
    check('DebugBreakProcess', k32.DebugBreakProcess(this.hProcess));
  }

  poll(ms: number): boolean {
    this.output.pump();
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
      this.output.pump();
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
    this.output.pump();
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
    return this.symbols?.programSourceFiles() ?? [];
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
    return this.stacks.page(threadId, start, count);
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

  execute(_command: string): string {
    throw new EngineError('unsupported', 'The dbghelp engine has no command interpreter of its own; the adapter answers its WinDbg commands.');
  }

  readMemory(address: string, count: number): MemoryBlock {
    if (!this.hProcess || this.exited) throw new EngineError('notLaunched', 'There is no program to read memory from.');
    return readShown(this.hProcess, this.breakpoints, address, count);
  }

  writeMemory(address: string, data: string): number {
    if (!this.hProcess || this.exited) throw new EngineError('notLaunched', 'There is no program to write memory to.');
    if (this.running) throw new EngineError('notStopped', 'The program is running; pause it to write memory.');
    return writeShown(this.hProcess, this.breakpoints, address, data);
  }

  sourceLocations(addresses: string[]): SourceLocation[] {
    const symbols = this.symbols;
    if (!symbols) throw new EngineError('notLaunched', 'No program is loaded.');
    return addresses.map((address) => ({ address: hex(BigInt(address)), ...symbols.sourceLocation(BigInt(address)) }));
  }

  stepInTargets(threadId: number, frameIndex: number): StepInTargetInfo[] {
    return this.stepper.targetsAt(threadId, frameIndex);
  }

  step(threadId: number, kind: StepKind, targetId?: number): void {
    this.stepper.step(threadId, kind, targetId);
  }

  setExceptionFilters(filters: string[]): void {
    this.exceptions.exceptionFilters = new Set(filters);
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
    this.output.close();
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
        const path = imagePath(ev.hProcess, ev.hFile, ev.imageNamePtr, ev.unicode);
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
        this.stacks.forgetThread(ev.tid);
        this.emit({ type: 'thread', reason: 'exited', threadId: ev.tid });
        return go;
      case DebugEventCode.LOAD_DLL: {
        const path = imagePath(this.hProcess, ev.hFile, ev.imageNamePtr, ev.unicode);
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
        return this.exceptions.decide(ev);
      default:
        return go;
    }
  }

  private announceModule(info: { base: bigint; name: string; path: string; symbolStatus: string }): void {
    this.emit({ type: 'module', reason: 'new', id: hex(info.base), name: info.name, path: info.path, base: hex(info.base), symbolStatus: info.symbolStatus });
  }

  forwardOutput(): void {
    this.output.pump();
  }
}
