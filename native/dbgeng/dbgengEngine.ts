/**
 * The dbgeng engine: Microsoft's debugger engine (the one WinDbg runs on),
 * driven through its COM interfaces. This file is the session (launch,
 * attach or a dump; run, pause, the end) and the Engine contract's answers;
 * the work is in the modules beside it: stacks (stack.ts, GetStackTraceEx
 * with `.inline 1`, each frame named from its own inline context), steps
 * (stepping.ts), what dbgeng reports while the program runs
 * (debugEvents.ts), breakpoints, names and lines (symbolQueries.ts),
 * locals and expressions (frameValues.ts), registers, memory, disassembly,
 * threads and commands.
 *
 * All calls run on the engine thread, as dbgeng requires of a client.
 */
import type {
  BoundBreakpoint, BreakpointLocation, CommandScope, DisassembledInstruction, Engine, EngineDescription, EngineThread, EventSink, LaunchParams, LaunchResult,
  MemoryBlock, SourceLocation, Variable, RegisterValue, StackPage, StepInTargetInfo, StepKind, SymbolResolution,
} from '../engines/engine';
import { EngineError } from '../engines/engineError';
import { INLINE_FRAME_CONTEXT_IGNORE } from '../engines/inlineContext';
import { checkLaunch } from '../engines/programCheck';
import { getWineVersion } from '../win32/platform';
import { check, k32 } from '../win32/kernel32';
import { ProgramOutput } from '../win32/programOutput';
import { outputCallbacks, type CallbackObject } from './callbacks';
import { ComError, describeHResult } from './com';
import { DbgengCommands, refusedUnderWine } from './commands';
import { createProcess } from './createProcess';
import { Disassembler } from './disassembly';
import { FrameValues } from './frameValues';
import { readVirtual, writeVirtual } from './memory';
import { dumpReadOnly, lastEventStop, openDumpFile } from './dumpTarget';
import type { DbgengInterfaces } from './openDbgeng';
import { Registers } from './registers';
import { DEBUG_STATUS, HRESULT, Slots } from './slots';
import { SymbolQueries } from './symbolQueries';
import { DbgengBreakpoints } from './breakpoints';
import { DbgengStacks } from './stack';
import { DbgengThreads } from './threads';
import { DbgengStepper } from './stepping';
import { BREAK_INSTRUCTION, DbgengEvents } from './debugEvents';
import type { DataWatch } from '../engines/dataWatch';

const C = Slots.IDebugControl7;
const S = Slots.IDebugSymbols5;
const CL = Slots.IDebugClient5;
const SO = Slots.IDebugSystemObjects4;

const DEBUG_ENGOPT_INITIAL_BREAK = 0x20;
const DEBUG_ATTACH_DEFAULT = 0;
const DEBUG_INTERRUPT_ACTIVE = 0;
const DEBUG_END_ACTIVE_TERMINATE = 1;
/** Ends a session without touching its target: a dump's. */
const DEBUG_END_PASSIVE = 0;
const LAUNCH_TIMEOUT_MS = 20_000;
/** dbgeng loads line information only with this symbol option (WinDbg turns it on; a bare client has it off). */
const SYMOPT_LOAD_LINES = 0x10;

export class DbgengEngine implements Engine {
  readonly kind = 'dbgeng' as const;
  running = false;

  /** What dbgeng has said since the program last ran: the pending stop, the exit code, the modules. */
  private readonly events: DbgengEvents;
  private readonly output: CallbackObject;
  /** What the launched program writes (an attached program's output is its own). */
  private readonly programOutput = new ProgramOutput((e) => this.emit(e));
  private pid = 0;
  private exited = false;
  private launched = false;
  /** dbgeng has a program (started, attached or a dump opened) that has not ended. */
  private readonly inSession = () => this.launched && !this.exited;
  /** The crash dump this session opened: a target that never runs. */
  private dump?: string;
  /** The stop's call stacks, and the inline frames it has not entered yet. */
  private readonly stacks: DbgengStacks;
  private readonly stepper: DbgengStepper;
  private readonly commands: DbgengCommands;
  private readonly values: FrameValues;
  /** Names, lines, a line's and a function's copies, recorded files. */
  private readonly names: SymbolQueries;
  /** The user's breakpoints of every kind, under our ids. */
  private readonly bps: DbgengBreakpoints;
  private readonly regs: Registers;
  private readonly disassembler: Disassembler;
  private readonly thread: DbgengThreads;

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
    this.thread = new DbgengThreads(dbg.sysobj);
    const report = (what: string) => (slot: number, e: unknown) =>
      this.emit({ type: 'output', category: 'console', text: `A ${what} callback (slot ${slot}) failed and returned E_FAIL to dbgeng: ${(e as Error).message}\n` });
    this.commands = new DbgengCommands(dbg.control, emit, () => this.events.exitCode !== undefined, this.inSession);
    this.output = outputCallbacks((_mask, text) => this.commands.onOutput(text), report('output'));
    this.names = new SymbolQueries(dbg.symbols, () => this.events.modules.keys(), () => {
      // Outside a session there are no modules to load (and dbgeng may not be asked: commands.ts).
      if (this.inSession()) this.commands.quietly(() => this.commands.run('ld *'));
    });
    this.bps = new DbgengBreakpoints({ control: dbg.control, dataSpaces: dbg.dataSpaces, names: this.names, dump: () => this.dump !== undefined, emit: (e) => this.emit(e) });
    this.values = new FrameValues(dbg.symbols, (threadId) => this.thread.select(threadId),
      wineHostsMicrosoftDbgeng ? { isGlobal: (name) => this.names.offsetOfName(name).length > 0 } : undefined);
    this.regs = new Registers(dbg.registers);
    this.disassembler = new Disassembler(dbg.control);
    this.stacks = new DbgengStacks(dbg.control, this.names, (threadId) => this.thread.select(threadId));
    this.stepper = new DbgengStepper({
      control: dbg.control, dataSpaces: dbg.dataSpaces, names: this.names, stacks: this.stacks, regs: this.regs, bps: this.bps, emit,
      run: (status) => this.run(status), engineThreadId: (threadId) => this.thread.engineId(threadId),
    });
    this.events = new DbgengEvents({
      symbols: dbg.symbols, names: this.names, bps: this.bps, stepper: this.stepper, emit, wineHostsMicrosoftDbgeng,
      currentThreadSystemId: () => this.thread.current(), launched: () => this.launched,
    }, report('event'));
    dbg.symbols.call(S.AddSymbolOptions, 'AddSymbolOptions', 'uint32_t options', SYMOPT_LOAD_LINES);
    dbg.client.call(CL.SetEventCallbacksWide, 'SetEventCallbacksWide', 'void *callbacks', this.events.callbacks.ptr);
    dbg.client.call(CL.SetOutputCallbacksWide, 'SetOutputCallbacksWide', 'void *callbacks', this.output.ptr);
  }

  describe(): EngineDescription {
    return { kind: 'dbgeng', inlineContextEncoding: 'windows', wineVersion: getWineVersion(), capabilities: { disassembler: true } };
  }

  launch(params: LaunchParams): LaunchResult {
    if (this.launched) throw new EngineError('alreadyLaunched', 'This session already has a debuggee.');
    checkLaunch(params);
    this.launched = true;
    this.dbg.control.call(C.AddEngineOptions, 'AddEngineOptions', 'uint32_t options', DEBUG_ENGOPT_INITIAL_BREAK);
    this.programOutput.attach(createProcess(this.dbg.client, params, (start) => this.commands.quietly(start)));
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
    const hr = this.commands.quietly(() => this.dbg.client.invoke(CL.AttachProcess, 'AttachProcess', 'uint64_t server, uint32_t processId, uint32_t attachFlags', 0n, pid, DEBUG_ATTACH_DEFAULT));
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
    this.commands.quietly(() => openDumpFile(this.dbg.client, path));
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
    const ex = this.events.stoppedAtException;
    this.run(ex === undefined ? DEBUG_STATUS.GO : ex === BREAK_INSTRUCTION ? DEBUG_STATUS.GO_HANDLED : DEBUG_STATUS.GO_NOT_HANDLED);
  }

  stepInTargets(threadId: number, frameIndex: number): StepInTargetInfo[] {
    this.requireStopped('list the calls of its line');
    return frameIndex === 0 ? this.stepper.listTargets(threadId) : [];
  }

  step(threadId: number, kind: StepKind, targetId?: number): void {
    if (this.dump) throw dumpReadOnly('step');
    this.requireStopped('step');
    this.thread.select(threadId);
    this.stepper.step(threadId, kind, targetId);
  }

  pause(): void {
    if (this.dump) throw dumpReadOnly('pause');
    if (!this.running || this.exited) return;
    this.events.interruptRequested = true;
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
    this.programOutput.pump();
    if (hr === HRESULT.S_FALSE) return false;
    if (hr < 0) {
      // E_UNEXPECTED: no debuggee any more (Microsoft's dbgeng answers so
      // after the exit-process event it has already reported).
      this.finishExit(this.events.exitCode ?? 0);
      return true;
    }
    const status = [0];
    this.dbg.control.call(C.GetExecutionStatus, 'GetExecutionStatus', '_Out_ uint32_t *status', status);
    if (Number(status[0]) === DEBUG_STATUS.NO_DEBUGGEE) {
      this.finishExit(this.events.exitCode ?? 0);
      return true;
    }
    if (Number(status[0]) !== DEBUG_STATUS.BREAK) return true; // still running (an event we let pass)
    this.running = false;
    this.stacks.refetch();
    if (this.stepper.goesOn(this.events.pendingStop !== undefined || this.events.interruptRequested)) return true;
    const { pending, interrupted } = this.events.take();
    const stop = pending ?? (interrupted
      ? { type: 'stopped' as const, reason: 'pause' as const }
      : this.stepper.active ? { type: 'stopped' as const, reason: 'step' as const } : undefined);
    const ended = this.stepper.end();
    this.commands.stopped();
    if (report && stop) {
      const threadId = this.thread.current();
      this.stepper.hideFramesNotEntered(threadId, stop, ended);
      this.emit({ ...stop, threadId });
    }
    return true;
  }

  threads(): EngineThread[] {
    return this.exited || !this.launched ? [] : this.thread.list();
  }

  /** The frame's registers: the thread's own for the innermost function's frames, what dbgeng unwound for a caller's. */
  registers(threadId: number, frameIndex = 0): RegisterValue[] {
    this.requireStopped('read registers');
    if (frameIndex === 0 && !this.stacks.hidden(threadId)) {
      this.thread.select(threadId);
      return this.regs.read();
    }
    const [frame] = this.stackFrames(threadId, frameIndex, 1).frames;
    if (!frame) throw new EngineError('noFrame', `Frame ${frameIndex} is not on the stack of thread ${threadId}.`);
    if (frame.physicalIndex === 0) {
      this.thread.select(threadId);
      return this.regs.read();
    }
    this.values.scopeTo(threadId, this.stacks.engineIndex(threadId, frameIndex));
    return this.regs.read(true);
  }

  stackFrames(threadId: number, start: number, count: number): StackPage {
    if (this.running) throw new EngineError('notStopped', 'The program is running; pause it to see its call stack.');
    return this.stacks.page(threadId, start, count);
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
    if (scope === 'locals') return this.values.setLocal(threadId, this.stacks.engineIndex(threadId, frameIndex), name, value);
    const [frame] = this.stackFrames(threadId, frameIndex, 1).frames;
    if (!frame || frame.physicalIndex !== 0) throw new EngineError('unsupported', 'Registers can be set in the frames of the innermost function only.');
    this.thread.select(threadId);
    const shown = this.regs.write(name, value);
    // rip or rsp may have moved the stack, and every value read in it.
    this.values.forget();
    this.stacks.refetch();
    return shown;
  }

  loadedSources(): string[] {
    return [];
  }

  /** Runs a dbgeng command; what it prints (through the output callbacks) is the answer. */
  execute(command: string, scope?: CommandScope): string {
    const refused = this.wineHostsMicrosoftDbgeng ? refusedUnderWine(command, this.names) : undefined;
    if (refused) return refused;
    // The console's frame (.frame N, or the one selected) is dbgeng's scope for the command: `dv` lists its locals.
    if (scope && !this.running) this.values.scopeTo(scope.threadId, this.stacks.engineIndex(scope.threadId, scope.frameIndex));
    return this.commands.answer(command);
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
    return this.values.evaluate(threadId, this.stacks.engineIndex(threadId, frameIndex), expression);
  }

  setChild(handle: number, name: string, value: string): string {
    if (this.dump) throw dumpReadOnly('change a value');
    this.requireStopped('change a value');
    return this.values.setChild(handle, name, value);
  }

  variables(threadId: number, frameIndex: number): Variable[] {
    this.requireStopped('see its variables');
    return this.values.variables(threadId, this.stacks.engineIndex(threadId, frameIndex));
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
    this.events.exceptionFilters = new Set(filters);
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
    this.finishExit(this.events.exitCode ?? 1);
  }

  /** The program's output while it is stopped: what programs it started write to the output they inherited. */
  forwardOutput(): void {
    this.programOutput.pump();
  }

  dispose(): void {
    this.terminate();
    this.programOutput.close();
    this.dbg.client.invoke(CL.SetEventCallbacksWide, 'SetEventCallbacksWide', 'void *callbacks', null);
    this.dbg.client.invoke(CL.SetOutputCallbacksWide, 'SetOutputCallbacksWide', 'void *callbacks', null);
    this.dbg.release();
    this.events.callbacks.dispose();
    this.output.dispose();
  }

  /** A dump's session ends passively: there is no process to end or let go. */
  private endDumpSession(): void {
    this.values.forget();
    this.stacks.forget();
    this.dbg.client.invoke(CL.EndSession, 'EndSession', 'uint32_t flags', DEBUG_END_PASSIVE);
    this.running = false;
  }

  private finishExit(code: number): void {
    if (this.exited) return;
    this.programOutput.pump();
    this.programOutput.close();
    this.stepper.abandon();
    this.exited = true;
    this.running = false;
    this.emit({ type: 'exited', exitCode: code });
  }

  /** Runs the debug session to its first break (not shown to the user: it is the loader's, or the attach break-in). */
  private waitForFirstBreak(timedOut: () => EngineError): void {
    this.commands.quietly(() => {
      this.commands.run('.inline 1');
      this.running = true;
      const deadline = Date.now() + LAUNCH_TIMEOUT_MS;
      while (this.running && !this.exited) {
        if (Date.now() > deadline) throw timedOut();
        this.poll(100, false);
      }
    });
    if (this.exited) return;
    this.events.take();
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

  private requireStopped(what: string): void {
    if (this.exited || !this.launched) throw new EngineError('notLaunched', `There is no program to ${what}.`);
    if (this.running) throw new EngineError('notStopped', `The program is running; pause it to ${what}.`);
  }

  /** Lets the debuggee go (run or step): what was read while it was stopped is forgotten first. */
  private run(status: number): void {
    this.events.ran();
    this.stacks.forget();
    this.stepper.forget();
    this.values.forget();
    this.dbg.control.call(C.SetExecutionStatus, 'SetExecutionStatus', 'uint32_t status', status);
    this.running = true;
  }
}
