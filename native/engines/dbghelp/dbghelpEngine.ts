/**
 * The dbghelp engine: the Win32 debugging API drives the process, dbghelp
 * names frames and walks stacks. It serves where dbgeng is missing or too
 * old, and under Wine.
 *
 * Everything here runs on the engine thread, synchronously. A debug event
 * either is handled and continued at once (module loads, thread starts), or
 * becomes a stop: it stays pending, unanswered, until resume().
 */
import type {
  BoundBreakpoint, BreakpointLocation, Engine, EngineDescription, EngineThread, EventSink, LaunchParams, LaunchResult, RegisterValue, StackPage, SymbolResolution,
} from '../engine';
import { createDebuggee, drainPipe } from '../../win32/createDebuggee';
import {
  DBG_CONTINUE, DBG_EXCEPTION_NOT_HANDLED, DebugEventCode, ExceptionCode, decodeDebugEvent, describeException, type DebugEvent,
} from '../../win32/debugEvents';
import { alignedBuffer, check, k32, readRemoteString, type Handle } from '../../win32/kernel32';
import { Layouts } from '../../win32/layouts';
import { getWineVersion } from '../../win32/platform';
import { SoftwareBreakpoints } from './softwareBreakpoints';
import { StackWalker } from './stackWalker';
import { SymbolSession, closeQuietly } from './symbols';
import { EngineError } from '../engineError';
import { checkProgram, isDirectory } from '../programCheck';
import { isInlineContext } from '../inlineContext';

const C = Layouts.CONTEXT;
const CONTEXT_FULL = 0x10000b;
const TRAP_FLAG = 0x100;
const ERROR_SEM_TIMEOUT = 121;
const LAUNCH_TIMEOUT_MS = 20_000;
const EXIT_TIMEOUT_MS = 10_000;
/** How far a breakpoint on a line without code may move down to the next line that has code. */
const MAX_LINE_MOVE = 50;

/** First-chance exceptions that stop, as WinDbg's defaults do (sxe). */
const STOP_FIRST_CHANCE = new Set<number>([
  ExceptionCode.ACCESS_VIOLATION, ExceptionCode.ILLEGAL_INSTRUCTION, ExceptionCode.INT_DIVIDE_BY_ZERO, ExceptionCode.STACK_OVERFLOW,
]);

type Decision = { stop: false; status: number } | { stop: true; status: number; report?: () => void };

interface ThreadRecord { handle: Handle; name: string }
interface SourceBreakpoints { path: string; breakpoints: BoundBreakpoint[] }

const hex = (v: bigint) => `0x${v.toString(16)}`;

const REGISTERS = ['Rax', 'Rbx', 'Rcx', 'Rdx', 'Rsi', 'Rdi', 'Rbp', 'Rsp', 'R8', 'R9', 'R10', 'R11', 'R12', 'R13', 'R14', 'R15', 'Rip'] as const;

export class DbghelpEngine implements Engine {
  readonly kind = 'dbghelp' as const;
  running = false;

  private pid = 0;
  private hProcess: Handle = 0n;
  private mainThreadId = 0;
  private outputPipe: Handle = 0n;
  private readonly threadTable = new Map<number, ThreadRecord>();
  private symbols?: SymbolSession;
  private breakpoints?: SoftwareBreakpoints;
  private readonly sources = new Map<string, SourceBreakpoints>();
  private functionBreakpoints: { name: string; bp: BoundBreakpoint }[] = [];
  private nextBreakpointId = 1;
  private pending?: { pid: number; tid: number; status: number };
  private stepOver?: { tid: number; address: bigint; suspended: Handle[] };
  /** A stop at an int3 the program itself contains: resuming must skip it. */
  private programBreak?: { tid: number; address: bigint };
  private readonly walkers = new Map<number, StackWalker>();
  private readonly eventBuf = Buffer.alloc(Layouts.DEBUG_EVENT.size);
  private loaderBreakpointSeen = false;
  private pauseRequested = false;
  private exited = false;
  private readonly encoding = getWineVersion() ? 'wine' as const : 'windows' as const;

  /** `reason`: why this engine serves the session, for the user. */
  constructor(private readonly emit: EventSink, private readonly reason = 'dbghelp engine') {}

  launch(params: LaunchParams): LaunchResult {
    if (this.pid) throw new EngineError('alreadyLaunched', 'This session already has a debuggee.');
    checkProgram(params.program);
    if (params.cwd && !isDirectory(params.cwd)) {
      throw new EngineError('badCwd', `The working directory "${params.cwd}" does not exist. Set "cwd" to an existing folder, or leave it out.`);
    }
    const started = createDebuggee(params.program, params.args, params.cwd, params.env);
    this.pid = started.processId;
    this.mainThreadId = started.threadId;
    this.outputPipe = started.outputPipe;
    // If the adapter dies, the system kills the debuggee rather than leave it orphaned.
    k32.DebugSetProcessKillOnExit(1);
    this.running = true;
    const deadline = Date.now() + LAUNCH_TIMEOUT_MS;
    while (!this.loaderBreakpointSeen && !this.exited) {
      if (Date.now() > deadline) {
        this.terminate();
        throw new EngineError('launchTimeout', `"${params.program}" did not reach its first instruction within ${LAUNCH_TIMEOUT_MS / 1000} s; it was ended.`);
      }
      this.poll(100);
    }
    if (this.exited) throw new EngineError('exitedDuringLaunch', `"${params.program}" exited before it could be debugged.`);
    return { processId: this.pid, engine: 'dbghelp', engineReason: this.reason };
  }

  describe(): EngineDescription {
    return { kind: 'dbghelp', inlineContextEncoding: this.encoding, wineVersion: getWineVersion() };
  }

  resume(): void {
    if (!this.pending || this.exited) return;
    this.walkers.clear();
    const { pid, tid, status } = this.pending;
    this.skipProgramBreak();
    this.beginStepOverIfAtBreakpoint(tid);
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
    const decision = this.handle(ev);
    if (ev.code === DebugEventCode.EXIT_PROCESS) {
      k32.ContinueDebugEvent(ev.pid, ev.tid, DBG_CONTINUE);
      this.exited = true;
      this.running = false;
      this.pumpOutput();
      this.emit({ type: 'exited', exitCode: ev.exitCode });
      return true;
    }
    if (!decision.stop) {
      check('ContinueDebugEvent', k32.ContinueDebugEvent(ev.pid, ev.tid, decision.status));
      return true;
    }
    this.pending = { pid: ev.pid, tid: ev.tid, status: decision.status };
    this.running = false;
    decision.report?.();
    return true;
  }

  threads(): EngineThread[] {
    return [...this.threadTable.entries()].map(([id, t]) => ({ id, name: t.name }));
  }

  registers(threadId: number): RegisterValue[] {
    const thread = this.threadTable.get(threadId);
    if (!thread) throw new EngineError('noThread', `Thread ${threadId} does not exist (any more).`);
    if (this.running) throw new EngineError('notStopped', 'The program is running; pause it to read registers.');
    const ctx = this.threadContext(thread.handle);
    return REGISTERS.map((name) => ({ name: name.toLowerCase(), value: hex(ctx.readBigUInt64LE(C[name])) }))
      .concat([{ name: 'efl', value: `0x${ctx.readUInt32LE(C.EFlags).toString(16)}` }]);
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
      walker = new StackWalker(this.hProcess, thread.handle, this.threadContext(thread.handle), this.symbols!, this.encoding,
        this.encoding === 'wine' ? 'synthesized' : 'native');
      this.walkers.set(threadId, walker);
    }
    const frames = walker.page(start, count);
    const complete = walker.done && start + count >= walker.walkedCount;
    return { frames, complete, totalFrames: walker.done ? walker.walkedCount : undefined };
  }

  setSourceBreakpoints(path: string, locations: BreakpointLocation[]): BoundBreakpoint[] {
    const key = path.toLowerCase();
    for (const old of this.sources.get(key)?.breakpoints ?? []) this.breakpoints?.removeOwner(old.id);
    const bound = locations.map((loc) => this.bindSourceBreakpoint(path, loc.line, this.nextBreakpointId++));
    this.sources.set(key, { path, breakpoints: bound });
    return bound;
  }

  setFunctionBreakpoints(names: string[]): BoundBreakpoint[] {
    for (const old of this.functionBreakpoints) this.breakpoints?.removeOwner(old.bp.id);
    this.functionBreakpoints = names.map((name) => ({ name, bp: this.bindFunctionBreakpoint(name, this.nextBreakpointId++) }));
    return this.functionBreakpoints.map((f) => f.bp);
  }

  terminate(): void {
    if (!this.pid || this.exited) return;
    if (this.hProcess) k32.TerminateProcess(this.hProcess, 1);
    if (this.stepOver) this.finishStepOver();
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
    this.terminate();
    this.symbols?.dispose();
    closeQuietly(this.outputPipe);
    this.outputPipe = 0n;
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
        this.emit({ type: 'thread', reason: 'started', threadId: ev.tid });
        return go;
      case DebugEventCode.EXIT_THREAD:
        this.threadTable.delete(ev.tid);
        this.emit({ type: 'thread', reason: 'exited', threadId: ev.tid });
        return go;
      case DebugEventCode.LOAD_DLL: {
        const path = fileNameOfHandle(ev.hFile) || readRemoteString(this.hProcess, this.pointerAt(ev.imageNamePtr), ev.unicode);
        if (this.symbols) this.announceModule(this.symbols.loadModule(ev.hFile, path, ev.base));
        closeQuietly(ev.hFile);
        this.rebindUnverified();
        return go;
      }
      case DebugEventCode.UNLOAD_DLL: {
        const info = this.symbols?.unloadModule(ev.base);
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
    if (code === ExceptionCode.BREAKPOINT || code === ExceptionCode.WX86_BREAKPOINT) {
      if (!this.loaderBreakpointSeen) {
        // The loader's breakpoint: the image and its static imports are
        // mapped, so breakpoints can bind. Stop here without telling the
        // user; configurationDone decides whether this is a visible entry stop.
        this.loaderBreakpointSeen = true;
        return { stop: true, status: DBG_CONTINUE };
      }
      const owners = this.breakpoints?.ownersAt(ev.exceptionAddress) ?? [];
      if (owners.length) {
        this.rewindTo(ev.tid, ev.exceptionAddress);
        return { stop: true, status: DBG_CONTINUE, report: () => this.emit({ type: 'stopped', reason: 'breakpoint', threadId: ev.tid, breakpointIds: owners }) };
      }
      if (this.pauseRequested) {
        // DebugBreakProcess runs the int3 on a thread of its own; the user
        // cares about their program's threads, so report the main thread.
        this.pauseRequested = false;
        const threadId = this.threadTable.has(this.mainThreadId) ? this.mainThreadId : ev.tid;
        return { stop: true, status: DBG_CONTINUE, report: () => this.emit({ type: 'stopped', reason: 'pause', threadId }) };
      }
    }
    if (code === ExceptionCode.SINGLE_STEP && this.stepOver && this.stepOver.tid === ev.tid) {
      this.finishStepOver();
      return { stop: false, status: DBG_CONTINUE };
    }
    const userBreak = code === ExceptionCode.BREAKPOINT || code === ExceptionCode.WX86_BREAKPOINT || code === ExceptionCode.SINGLE_STEP;
    if (code === ExceptionCode.BREAKPOINT || code === ExceptionCode.WX86_BREAKPOINT) {
      // Show the stop at the int3 itself, as WinDbg does (the thread's RIP
      // may already be past it), and step over it on resume.
      this.rewindTo(ev.tid, ev.exceptionAddress);
      this.programBreak = { tid: ev.tid, address: ev.exceptionAddress };
    }
    if (ev.firstChance && !userBreak && !STOP_FIRST_CHANCE.has(code)) {
      return { stop: false, status: DBG_EXCEPTION_NOT_HANDLED };
    }
    const exception = {
      code,
      address: hex(ev.exceptionAddress),
      firstChance: ev.firstChance,
      description: describeException(code) + (ev.firstChance ? ' (first chance)' : ' (second chance)'),
    };
    return {
      stop: true,
      status: userBreak ? DBG_CONTINUE : DBG_EXCEPTION_NOT_HANDLED,
      report: () => this.emit({ type: 'stopped', reason: 'exception', threadId: ev.tid, exception, description: exception.description }),
    };
  }

  private bindSourceBreakpoint(path: string, line: number, id: number): BoundBreakpoint {
    const symbols = this.symbols;
    if (!symbols || !this.breakpoints) return { id, verified: false, line, addresses: [], message: 'The program has not started yet.' };
    let bindLine = line;
    let addresses = symbols.addressesOfLine(path, line);
    if (!addresses.length) {
      const lines = [...symbols.linesWithCode(path)].filter((l) => l > line && l <= line + MAX_LINE_MOVE).sort((a, b) => a - b);
      for (const l of lines) {
        addresses = symbols.addressesOfLine(path, l);
        if (addresses.length) {
          bindLine = l;
          break;
        }
      }
    }
    if (!addresses.length) {
      return { id, verified: false, line, addresses: [], message: `No code for line ${line} of ${path} in the loaded modules (yet). The breakpoint binds when a module with that line loads.` };
    }
    const armed = addresses.filter((a) => this.breakpoints!.add(a, id));
    if (!armed.length) return { id, verified: false, line, addresses: [], message: `Could not write a breakpoint at ${addresses.map(hex).join(', ')}.` };
    return { id, verified: true, line: bindLine, addresses: armed.map(hex) };
  }

  private bindFunctionBreakpoint(name: string, id: number): BoundBreakpoint {
    const address = this.symbols?.addressOfFunction(name);
    if (address === undefined || !this.breakpoints) {
      return { id, verified: false, line: 0, addresses: [], message: `No function "${name}" in the loaded modules (yet); the breakpoint binds when a module that has it loads. Functions that exist only inlined are not supported as function breakpoints yet.` };
    }
    if (!this.breakpoints.add(address, id)) return { id, verified: false, line: 0, addresses: [], message: `Could not write a breakpoint at ${hex(address)}.` };
    return { id, verified: true, line: this.symbols!.lineByOffset(address)?.line ?? 0, addresses: [hex(address)] };
  }

  private rebindUnverified(): void {
    for (const f of this.functionBreakpoints) {
      if (f.bp.verified) continue;
      f.bp = this.bindFunctionBreakpoint(f.name, f.bp.id);
      if (f.bp.verified) this.emit({ type: 'breakpoint', reason: 'changed', breakpoint: f.bp });
    }
    for (const source of this.sources.values()) {
      source.breakpoints = source.breakpoints.map((bp) => {
        if (bp.verified) return bp;
        const again = this.bindSourceBreakpoint(source.path, bp.line, bp.id);
        if (again.verified) this.emit({ type: 'breakpoint', reason: 'changed', breakpoint: again });
        return again;
      });
    }
  }

  private announceModule(info: { base: bigint; name: string; path: string; symbolStatus: string }): void {
    this.emit({ type: 'module', reason: 'new', id: hex(info.base), name: info.name, path: info.path, base: hex(info.base), symbolStatus: info.symbolStatus });
  }

  private threadContext(thread: Handle): Buffer {
    const ctx = alignedBuffer(C.size, C.align);
    ctx.writeUInt32LE(CONTEXT_FULL, C.ContextFlags);
    check('GetThreadContext', k32.GetThreadContext(thread, ctx));
    return ctx;
  }

  private setThreadContext(thread: Handle, ctx: Buffer): void {
    check('SetThreadContext', k32.SetThreadContext(thread, ctx));
  }

  /** After our int3 the thread's RIP is one past it; put it back on the instruction. */
  private rewindTo(tid: number, address: bigint): void {
    const thread = this.threadTable.get(tid);
    if (!thread) return;
    const ctx = this.threadContext(thread.handle);
    ctx.writeBigUInt64LE(address, C.Rip);
    this.setThreadContext(thread.handle, ctx);
  }

  /**
   * A thread resuming from one of our breakpoints must execute the real
   * instruction first: restore it, single-step this thread alone (others
   * suspended so they cannot run through the gap), then re-arm.
   */
  private beginStepOverIfAtBreakpoint(tid: number): void {
    const thread = this.threadTable.get(tid);
    if (!thread || !this.breakpoints) return;
    const ctx = this.threadContext(thread.handle);
    const rip = ctx.readBigUInt64LE(C.Rip);
    if (!this.breakpoints.has(rip)) return;
    this.breakpoints.disarm(rip);
    ctx.writeUInt32LE(ctx.readUInt32LE(C.EFlags) | TRAP_FLAG, C.EFlags);
    this.setThreadContext(thread.handle, ctx);
    const suspended: Handle[] = [];
    for (const [id, t] of this.threadTable) {
      if (id !== tid && k32.SuspendThread(t.handle) !== 0xffffffff) suspended.push(t.handle);
    }
    this.stepOver = { tid, address: rip, suspended };
  }

  private skipProgramBreak(): void {
    const brk = this.programBreak;
    this.programBreak = undefined;
    const thread = brk && this.threadTable.get(brk.tid);
    if (!brk || !thread) return;
    const ctx = this.threadContext(thread.handle);
    if (ctx.readBigUInt64LE(C.Rip) !== brk.address) return; // moved by the user meanwhile
    ctx.writeBigUInt64LE(brk.address + 1n, C.Rip);
    this.setThreadContext(thread.handle, ctx);
  }

  private finishStepOver(): void {
    const step = this.stepOver!;
    this.stepOver = undefined;
    this.breakpoints?.arm(step.address);
    for (const h of step.suspended) k32.ResumeThread(h);
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
