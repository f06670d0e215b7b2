/**
 * The dbgeng engine: Microsoft's debugger engine (the one WinDbg runs on),
 * driven through its COM interfaces. Stacks come from GetStackTraceEx with
 * inline frames on (`.inline 1`); a frame whose InlineFrameContext says
 * INLINE is named with GetNameByInlineContextWide, the others with
 * GetNameByOffsetWide; lines come from the frame's own inline context, so a
 * physical frame holding inlined code gets its call-site line.
 *
 * All calls run on the engine thread, as dbgeng requires of a client.
 */
import type {
  BoundBreakpoint, BreakpointLocation, Engine, EngineDescription, EngineThread, EventSink, LaunchParams, LaunchResult,
  MemoryBlock, RawFrame, SourceLocation, Variable, RegisterValue, StackPage, SymbolResolution,
} from '../engines/engine';
import { EngineError } from '../engines/engineError';
import { INLINE_FRAME_CONTEXT_IGNORE, isInlineContext } from '../engines/inlineContext';
import { checkProgram, isDirectory } from '../engines/programCheck';
import { DEFAULT_FILTERS, stopsOnFirstChance } from '../engines/exceptionFilters';
import { buildCommandLine, buildEnvironmentBlock } from '../win32/commandLine';
import { getWineVersion } from '../win32/platform';
import { eventCallbacks, outputCallbacks, type CallbackObject } from './callbacks';
import { ComError, ComPtr, readWideString } from './com';
import type { DbgengInterfaces } from './openDbgeng';
import { DEBUG_STATUS, HRESULT, Slots } from './slots';

const C = Slots.IDebugControl7;
const S = Slots.IDebugSymbols5;
const CL = Slots.IDebugClient5;
const SO = Slots.IDebugSystemObjects4;
const BP = Slots.IDebugBreakpoint2;

/** DEBUG_STACK_FRAME_EX: 136 bytes; InlineFrameContext at 128. */
const FRAME = { size: 136, InstructionOffset: 0, ReturnOffset: 8, FrameOffset: 16, StackOffset: 24, InlineFrameContext: 128 } as const;
const DEBUG_ONLY_THIS_PROCESS = 0x2;
const DEBUG_ENGOPT_INITIAL_BREAK = 0x20;
const DEBUG_BREAKPOINT_CODE = 0;
const DEBUG_ANY_ID = 0xffffffff;
const DEBUG_BREAKPOINT_ENABLED = 0x4;
const DEBUG_INTERRUPT_ACTIVE = 0;
const DEBUG_END_ACTIVE_TERMINATE = 1;
const DEBUG_OUTCTL_THIS_CLIENT = 0;
const LAUNCH_TIMEOUT_MS = 20_000;
const FIRST_FETCH = 64;
const NAME_CHARS = 256;

const hex = (v: bigint) => `0x${v.toString(16)}`;

interface Fetched {
  buf: Buffer;
  count: number;
  complete: boolean;
  resolved: Map<number, RawFrame>;
}

type PendingStop = Extract<Parameters<EventSink>[0], { type: 'stopped' }>;

export class DbgengEngine implements Engine {
  readonly kind = 'dbgeng' as const;
  running = false;

  private readonly events: CallbackObject;
  private readonly output: CallbackObject;
  private pid = 0;
  private exited = false;
  private launched = false;
  private pendingStop?: Omit<PendingStop, 'threadId'>;
  private interruptRequested = false;
  private readonly stacks = new Map<number, Fetched>();
  /** dbgeng breakpoint id -> our id, and our id -> the breakpoint. */
  private readonly bpIds = new Map<number, number>();
  private readonly sourceBps = new Map<string, { id: number; bp: ComPtr }[]>();
  private functionBps: { id: number; bp: ComPtr }[] = [];
  private instructionBps: { id: number; bp: ComPtr }[] = [];
  private nextBreakpointId = 1;
  private exceptionFilters: ReadonlySet<string> = new Set(DEFAULT_FILTERS);

  constructor(
    private readonly emit: EventSink,
    private readonly dbg: DbgengInterfaces,
    private readonly reason: string,
  ) {
    const report = (what: string) => (slot: number, e: unknown) =>
      this.emit({ type: 'output', category: 'console', text: `A ${what} callback (slot ${slot}) failed and returned E_FAIL to dbgeng: ${(e as Error).message}\n` });
    this.events = eventCallbacks({
      breakpoint: (bp) => this.onBreakpoint(bp),
      exception: (code, address, firstChance) => this.onException(code, address, firstChance),
      createThread: () => DEBUG_STATUS.NO_CHANGE,
      exitThread: () => DEBUG_STATUS.NO_CHANGE,
      createProcess: (mod, image, base) => this.onModule('new', mod, image, base),
      exitProcess: (code) => this.onExitProcess(code),
      loadModule: (mod, image, base) => this.onModule('new', mod, image, base),
      unloadModule: (name, base) => this.onModule('removed', name, name, base),
    }, report('event'));
    this.output = outputCallbacks((_mask, text) => {
      if (this.capture) this.capture.push(text);
      else this.emit({ type: 'output', category: 'console', text });
    }, report('output'));
    dbg.client.call(CL.SetEventCallbacksWide, 'SetEventCallbacksWide', 'void *callbacks', this.events.ptr);
    dbg.client.call(CL.SetOutputCallbacksWide, 'SetOutputCallbacksWide', 'void *callbacks', this.output.ptr);
  }

  describe(): EngineDescription {
    return { kind: 'dbgeng', inlineContextEncoding: 'windows', wineVersion: getWineVersion() };
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
    client.call(CL.CreateProcessAndAttach2Wide, 'CreateProcessAndAttach2Wide',
      'uint64_t server, const char16_t *commandLine, void *options, uint32_t optionsSize, const char16_t *initialDirectory, void *environment, uint32_t processId, uint32_t attachFlags',
      0n, buildCommandLine(params.program, params.args), options, 16, params.cwd ?? null, env, 0, 0);
    this.execute_('.inline 1');
    this.running = true;
    const deadline = Date.now() + LAUNCH_TIMEOUT_MS;
    while (this.running && !this.exited) {
      if (Date.now() > deadline) {
        this.terminate();
        throw new EngineError('launchTimeout', `"${params.program}" did not reach its initial breakpoint within ${LAUNCH_TIMEOUT_MS / 1000} s; it was ended.`);
      }
      this.poll(100, false);
    }
    if (this.exited) throw new EngineError('exitedDuringLaunch', `"${params.program}" exited before it could be debugged.`);
    this.pendingStop = undefined; // the initial break is not a user-visible stop
    const pidOut = [0];
    this.dbg.sysobj.call(SO.GetCurrentProcessSystemId, 'GetCurrentProcessSystemId', '_Out_ uint32_t *id', pidOut);
    this.pid = Number(pidOut[0]);
    return { processId: this.pid, engine: 'dbgeng', engineReason: this.reason };
  }

  resume(): void {
    if (this.running || this.exited) return;
    this.stacks.clear();
    this.dbg.control.call(C.SetExecutionStatus, 'SetExecutionStatus', 'uint32_t status', DEBUG_STATUS.GO);
    this.running = true;
  }

  pause(): void {
    if (!this.running || this.exited) return;
    this.interruptRequested = true;
    this.dbg.control.call(C.SetInterrupt, 'SetInterrupt', 'uint32_t flags', DEBUG_INTERRUPT_ACTIVE);
  }

  poll(ms: number, report = true): boolean {
    const hr = this.dbg.control.invoke(C.WaitForEvent, 'WaitForEvent', 'uint32_t flags, uint32_t timeout', 0, ms);
    if (hr === HRESULT.S_FALSE) return false;
    if (hr < 0) {
      // E_UNEXPECTED: no debuggee any more.
      this.finishExit(0);
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
    const stop = this.pendingStop ?? (this.interruptRequested ? { type: 'stopped' as const, reason: 'pause' as const } : undefined);
    this.pendingStop = undefined;
    this.interruptRequested = false;
    if (report && stop) this.emit({ ...stop, threadId: this.currentThreadSystemId() });
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

  registers(_threadId: number): RegisterValue[] {
    throw new EngineError('unsupported', 'The dbgeng engine does not read registers yet; use "engine": "dbghelp" to see them.');
  }

  stackFrames(threadId: number, start: number, count: number): StackPage {
    if (this.running) throw new EngineError('notStopped', 'The program is running; pause it to see its call stack.');
    let fetched = this.stacks.get(threadId);
    while (!fetched || (!fetched.complete && fetched.count < start + count)) {
      fetched = this.fetch(threadId, Math.max(FIRST_FETCH, (fetched?.count ?? 0) * 2, start + count));
      this.stacks.set(threadId, fetched);
    }
    const frames: RawFrame[] = [];
    for (let i = start; i < Math.min(fetched.count, start + count); i++) frames.push(this.frameAt(fetched, i));
    return { frames, complete: fetched.complete && start + count >= fetched.count, totalFrames: fetched.complete ? fetched.count : undefined };
  }

  resolveSymbol(address: string, inlineFrameContext: number): SymbolResolution {
    const r = this.resolve(BigInt(address), inlineFrameContext >>> 0);
    return { function: r.function, displacement: r.displacement, module: r.module, file: r.file, line: r.line, resolvedBy: r.resolvedBy };
  }

  setSourceBreakpoints(path: string, locations: BreakpointLocation[]): BoundBreakpoint[] {
    for (const old of this.sourceBps.get(path.toLowerCase()) ?? []) this.removeBreakpoint(old.bp);
    const bound: BoundBreakpoint[] = [];
    const kept: { id: number; bp: ComPtr }[] = [];
    for (const loc of locations) {
      const id = this.nextBreakpointId++;
      const offset = [0n];
      const hr = this.dbg.symbols.invoke(S.GetOffsetByLineWide, 'GetOffsetByLineWide', 'uint32_t line, const char16_t *file, _Out_ uint64_t *offset', loc.line, path, offset);
      if (hr < 0) {
        bound.push({ id, verified: false, line: loc.line, addresses: [], message: `No code for line ${loc.line} of ${path} in the loaded modules.` });
        continue;
      }
      const address = BigInt(offset[0] as bigint);
      kept.push({ id, bp: this.addBreakpoint(id, address) });
      bound.push({ id, verified: true, line: loc.line, addresses: [hex(address)] });
    }
    this.sourceBps.set(path.toLowerCase(), kept);
    return bound;
  }

  attach(_pid: number): LaunchResult {
    throw new EngineError('unsupported', 'The dbgeng engine does not attach yet; use "engine": "dbghelp".');
  }

  detach(): void {
    if (!this.launched || this.exited) return;
    this.dbg.client.invoke(CL.DetachProcesses, 'DetachProcesses', '');
    this.exited = true;
    this.running = false;
  }

  setVariable(): string {
    throw new EngineError('unsupported', 'The dbgeng engine does not set variables yet; use "engine": "dbghelp".');
  }

  setInstructionBreakpoints(addresses: string[]): BoundBreakpoint[] {
    for (const old of this.instructionBps) this.removeBreakpoint(old.bp);
    this.instructionBps = [];
    return addresses.map((a) => {
      const id = this.nextBreakpointId++;
      const address = BigInt(a);
      this.instructionBps.push({ id, bp: this.addBreakpoint(id, address) });
      return { id, verified: true, line: 0, addresses: [hex(address)] };
    });
  }

  loadedSources(): string[] {
    return [];
  }

  /** Runs a dbgeng command; what it prints (through the output callbacks) is the answer. */
  execute(command: string): string {
    const captured: string[] = [];
    this.capture = captured;
    try {
      this.execute_(command);
    } finally {
      this.capture = undefined;
    }
    return captured.join('');
  }

  children(_handle: number, _start?: number, _count?: number): Variable[] {
    throw new EngineError('unsupported', 'The dbgeng engine does not expand values yet.');
  }

  evaluate(_threadId: number, _frameIndex: number, _expression: string): Variable {
    throw new EngineError('unsupported', 'The dbgeng engine does not evaluate typed expressions yet.');
  }

  setChild(_handle: number, _name: string, _value: string): string {
    throw new EngineError('unsupported', 'The dbgeng engine does not set members yet.');
  }

  variables(_threadId: number, _frameIndex: number): Variable[] {
    throw new EngineError('unsupported', 'The dbgeng engine does not read variables yet; use "engine": "dbghelp".');
  }

  step(_threadId: number, _kind: string): void {
    throw new EngineError('unsupported', 'The dbgeng engine does not step yet; use "engine": "dbghelp".');
  }

  readMemory(_address: string, _count: number): MemoryBlock {
    throw new EngineError('unsupported', 'The dbgeng engine does not read memory yet; use "engine": "dbghelp".');
  }

  writeMemory(_address: string, _data: string): number {
    throw new EngineError('unsupported', 'The dbgeng engine does not write memory yet; use "engine": "dbghelp".');
  }

  sourceLocations(addresses: string[]): SourceLocation[] {
    return addresses.map((address) => {
      const r = this.resolve(BigInt(address), INLINE_FRAME_CONTEXT_IGNORE);
      return { address, function: r.function, module: r.module, file: r.file, line: r.line, inlineChain: [] };
    });
  }

  setExceptionFilters(filters: string[]): void {
    this.exceptionFilters = new Set(filters);
  }

  setFunctionBreakpoints(names: string[]): BoundBreakpoint[] {
    for (const old of this.functionBps) this.removeBreakpoint(old.bp);
    this.functionBps = [];
    return names.map((name) => {
      const id = this.nextBreakpointId++;
      const offset = [0n];
      const hr = this.dbg.symbols.invoke(S.GetOffsetByNameWide, 'GetOffsetByNameWide', 'const char16_t *symbol, _Out_ uint64_t *offset', name, offset);
      if (hr < 0) return { id, verified: false, line: 0, addresses: [], message: `No function "${name}" in the loaded modules.` };
      const address = BigInt(offset[0] as bigint);
      this.functionBps.push({ id, bp: this.addBreakpoint(id, address) });
      return { id, verified: true, line: 0, addresses: [hex(address)] };
    });
  }

  terminate(): void {
    if (!this.launched || this.exited) return;
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

  private exitCode?: number;
  /** While a command runs for the console, its output is collected here. */
  private capture?: string[];

  private finishExit(code: number): void {
    if (this.exited) return;
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

  private fetch(threadId: number, want: number): Fetched {
    const engineId = [0];
    const hr = this.dbg.sysobj.invoke(SO.GetThreadIdBySystemId, 'GetThreadIdBySystemId', 'uint32_t sysId, _Out_ uint32_t *id', threadId, engineId);
    if (hr < 0) throw new EngineError('noThread', `Thread ${threadId} does not exist (any more).`);
    this.dbg.sysobj.call(SO.SetCurrentThreadId, 'SetCurrentThreadId', 'uint32_t id', Number(engineId[0]));
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
    const r = this.resolve(pc, context);
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
      file: r.file,
      line: r.line,
      resolvedBy: r.resolvedBy,
    };
    f.resolved.set(index, frame);
    return frame;
  }

  private resolve(pc: bigint, context: number) {
    const inline = isInlineContext(context, 'windows');
    const disp = [0n];
    const read = (method: string, slot: number, signature: string, ...lead: unknown[]) =>
      readWideString(`IDebugSymbols5::${method}`, NAME_CHARS, (buf, chars, needed) =>
        this.dbg.symbols.invoke(slot, method, signature, ...lead, buf, chars, needed, disp));
    let qualified: string | undefined;
    try {
      qualified = inline
        ? read('GetNameByInlineContextWide', S.GetNameByInlineContextWide, 'uint64_t offset, uint32_t context, void *buf, uint32_t size, _Out_ uint32_t *needed, _Out_ uint64_t *displacement', pc, context)
        : read('GetNameByOffsetWide', S.GetNameByOffsetWide, 'uint64_t offset, void *buf, uint32_t size, _Out_ uint32_t *needed, _Out_ uint64_t *displacement', pc);
    } catch (e) {
      if (!(e instanceof ComError)) throw e;
    }
    const displacement = qualified === undefined ? undefined : Number(disp[0]);
    const line = [0];
    let file: string | undefined;
    try {
      // The frame's own context gives its own line; by offset alone a line
      // inside inlined code would be the inlinee's.
      file = context !== INLINE_FRAME_CONTEXT_IGNORE
        ? readWideString('IDebugSymbols5::GetLineByInlineContextWide', NAME_CHARS, (buf, chars, needed) =>
          this.dbg.symbols.invoke(S.GetLineByInlineContextWide, 'GetLineByInlineContextWide',
            'uint64_t offset, uint32_t context, _Out_ uint32_t *line, void *buf, uint32_t size, _Out_ uint32_t *needed, _Out_ uint64_t *displacement', pc, context, line, buf, chars, needed, disp))
        : readWideString('IDebugSymbols5::GetLineByOffsetWide', NAME_CHARS, (buf, chars, needed) =>
          this.dbg.symbols.invoke(S.GetLineByOffsetWide, 'GetLineByOffsetWide',
            'uint64_t offset, _Out_ uint32_t *line, void *buf, uint32_t size, _Out_ uint32_t *needed, _Out_ uint64_t *displacement', pc, line, buf, chars, needed, disp));
    } catch (e) {
      if (!(e instanceof ComError)) throw e;
    }
    const bang = qualified?.indexOf('!') ?? -1;
    return {
      inline,
      module: qualified && bang > 0 ? qualified.slice(0, bang) : undefined,
      function: qualified === undefined ? undefined : qualified.slice(bang + 1),
      displacement,
      file,
      line: file ? Number(line[0]) : undefined,
      resolvedBy: qualified === undefined ? 'none' as const : inline ? 'inlineContext' as const : 'offset' as const,
    };
  }

  private addBreakpoint(id: number, address: bigint): ComPtr {
    const out = [0n];
    this.dbg.control.call(C.AddBreakpoint2, 'AddBreakpoint2', 'uint32_t type, uint32_t desiredId, _Out_ void **bp', DEBUG_BREAKPOINT_CODE, DEBUG_ANY_ID, out);
    const bp = new ComPtr(BigInt(out[0] as bigint), 'IDebugBreakpoint2', true);
    bp.call(BP.SetOffset, 'SetOffset', 'uint64_t offset', address);
    bp.call(BP.AddFlags, 'AddFlags', 'uint32_t flags', DEBUG_BREAKPOINT_ENABLED);
    const engineId = [0];
    bp.call(BP.GetId, 'GetId', '_Out_ uint32_t *id', engineId);
    this.bpIds.set(Number(engineId[0]), id);
    return bp;
  }

  private removeBreakpoint(bp: ComPtr): void {
    const engineId = [0];
    if (bp.invoke(BP.GetId, 'GetId', '_Out_ uint32_t *id', engineId) >= 0) this.bpIds.delete(Number(engineId[0]));
    this.dbg.control.invoke(C.RemoveBreakpoint2, 'RemoveBreakpoint2', 'void *bp', bp.ptr);
  }

  private onBreakpoint(bpPtr: bigint): number {
    const engineId = [0];
    new ComPtr(bpPtr, 'IDebugBreakpoint2', true).call(BP.GetId, 'GetId', '_Out_ uint32_t *id', engineId);
    const id = this.bpIds.get(Number(engineId[0]));
    this.pendingStop = { type: 'stopped', reason: 'breakpoint', breakpointIds: id === undefined ? [] : [id] };
    return DEBUG_STATUS.BREAK;
  }

  private onException(code: number, address: bigint, firstChance: boolean): number {
    if (firstChance && !stopsOnFirstChance(code, this.exceptionFilters)) return DEBUG_STATUS.NO_CHANGE;
    const description = `${code >>> 0 === 0x80000003 ? 'Break instruction exception' : `Exception 0x${(code >>> 0).toString(16).padStart(8, '0')}`} (${firstChance ? 'first' : 'second'} chance)`;
    this.pendingStop = {
      type: 'stopped',
      reason: 'exception',
      description,
      exception: { code: code >>> 0, address: hex(address), firstChance, description },
    };
    return DEBUG_STATUS.BREAK;
  }

  private onExitProcess(code: number): number {
    this.exitCode = code;
    return DEBUG_STATUS.NO_CHANGE;
  }

  private onModule(reason: 'new' | 'removed', name: string, path: string, base: bigint): number {
    this.emit({ type: 'module', reason, id: hex(base), name, path, base: hex(base), symbolStatus: 'deferred' });
    return DEBUG_STATUS.NO_CHANGE;
  }
}
