/**
 * The DAP session: registers handlers and delegates. Logic lives in the
 * modules it calls (stack/, launchConfig, events, rawInlineFrameContext);
 * every native call goes through the EngineClient to the engine thread.
 */
import fs from 'node:fs';
import {
  BreakpointEvent, DebugSession, InitializedEvent, OutputEvent, Response, StoppedEvent, TerminatedEvent, Thread,
} from '@vscode/debugadapter';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { EngineClient, EngineRequestError, EXCEPTION_FILTERS, type BoundBreakpoint, type DataWatch, type DumpStop, type EngineEvent, type ExceptionInfo, type Variable } from '../native/api';
import { infoFor, watchOf } from './dataBreakpoints';
import { exceptionInfo } from './exceptionInfo';
import { disassemble } from './disassembly';
import { memoryAddress, readMemory, writeMemory } from './memory';
import { errors, UserError } from './errors';
import { toDapEvent } from './events';
import { parseAttachConfig, parseLaunchConfig, type AttachArguments, type LaunchArguments, type LaunchConfig } from './launchConfig';
import { BreakpointIds } from './breakpointIds';
import { identityPaths, winePaths, type PathMapper } from './paths';
import { rawInlineFrameContext } from './rawInlineFrameContext';
import { RAW_INLINE_FRAME_CONTEXT_REQUEST } from '../stacktext/rawContextBody';
import { Cancellation } from './cancellation';
import { screenRequest } from './requests';
import { FrameStore } from './stack/frameStore';
import { VariableStore } from './variables';
import { BreakpointPolicies } from './breakpointPolicies';
import { runCommand, type ConsoleState } from './console/commands';
import { evaluateIn } from './evaluate';
import { SourceFileMap } from './sourceFileMap';
import { completions } from './console/completions';
import { stackTrace } from './stack/stackTrace';
import { recordedPathOf, SourceFiles, type SourceOf } from './stack/sources';

export interface SessionOptions {
  /** Where engine-host.js is (default: beside the running bundle). */
  hostScript?: string;
}

export class DbgengSession extends DebugSession {
  private engine?: EngineClient;
  private paths: PathMapper = identityPaths;
  /** Files the debug information names: with a path where they are on this machine (see stack/sources.ts). */
  private readonly sourceFiles = new SourceFiles((enginePath) => fs.existsSync(enginePath));
  /** The session's sourceFileMap: recorded files shown as their local copies, breakpoints' files given as recorded. */
  private sourceMap = new SourceFileMap();
  private readonly sourceOf: SourceOf = (engineFile) => {
    if (this.sourceMap.empty) return this.sourceFiles.source(engineFile, this.paths.toClient(engineFile));
    const local = this.sourceMap.toLocal(this.paths.toClient(engineFile));
    return this.sourceFiles.source(this.paths.toEngine(local), local);
  };
  private readonly frames = new FrameStore();
  private readonly variables = new VariableStore();
  private readonly policies = new BreakpointPolicies();
  private engineKind = '';
  private attached = false;
  private lastStoppedThread = 0;
  /** Inline frames in the Call Stack (the console's .inline 0 hides them, as WinDbg's does). */
  private inlineShown = true;
  private readonly modules = new Map<string, { name: string; path: string; base: string; symbolStatus: string }>();
  /** Every bound breakpoint by group, under the id the client knows. */
  private readonly boundBreakpoints = new Map<string, { id: number; where: string; verified: boolean; addresses: string[]; line?: number; message?: string }[]>();
  private editorFunctionBreakpoints: DebugProtocol.FunctionBreakpoint[] = [];
  private consoleFunctionBreakpoints: string[] = [];
  private stopOnEntry = false;
  private mainThreadId = 0;
  private terminated = false;
  /** The exception each thread stopped for, until the program resumes. */
  private readonly lastException = new Map<number, ExceptionInfo>();
  private readonly cancellation = new Cancellation();
  /** Why the engine thread died, once it has. */
  private engineFault?: string;
  /** A crash dump's stop, shown after configurationDone; set while the session is a dump. */
  private dumpStop?: DumpStop;
  /** What was launched, to launch it again at a restart. */
  private launchConfig?: LaunchConfig;
  /** Counts engines: events of an engine a restart replaced are not shown. */
  private engineGeneration = 0;
  private readonly breakpointIds = new BreakpointIds();
  /** The last breakpoint requests, bound again in the new process at a restart. */
  private readonly sourceBreakpointArgs = new Map<string, DebugProtocol.SetBreakpointsArguments>();
  private instructionBreakpointArgs?: DebugProtocol.SetInstructionBreakpointsArguments;
  private exceptionFilters?: string[];
  /** During a restart: each breakpoint group as the client knows it (ids and whether verified), in binding order. */
  private restoring?: Map<string, { id: number; verified: boolean }[]>;

  constructor(private readonly options: SessionOptions = {}) {
    super();
    this.setDebuggerLinesStartAt1(true);
    this.setDebuggerColumnsStartAt1(true);
  }

  /** Malformed and unimplemented requests are answered here, before any handler (see requests.ts). */
  protected override dispatchRequest(request: DebugProtocol.Request): void {
    const response: DebugProtocol.Response = new Response(request);
    if (typeof response.command !== 'string') response.command = String(response.command);
    try {
      const screening = screenRequest(request, (method) => (this as unknown as Record<string, unknown>)[method] !== (DebugSession.prototype as unknown as Record<string, unknown>)[method]);
      if (screening.kind === 'dispatch') {
        super.dispatchRequest(request);
      } else {
        this.sendErrorResponse(response, screening.error.toMessage());
      }
    } catch (e) {
      // Never unanswered: whatever went wrong, the client hears of it.
      if (!response.seq) this.sendErrorResponse(response, errors.internal((e as Error).message).toMessage());
    }
  }

  protected override initializeRequest(response: DebugProtocol.InitializeResponse): void {
    response.body = {
      supportsConfigurationDoneRequest: true,
      supportsDelayedStackTraceLoading: true,
      supportsTerminateRequest: true,
      supportsRestartRequest: true,
      supportsFunctionBreakpoints: true,
      supportsConditionalBreakpoints: true,
      supportsEvaluateForHovers: true,
      supportsSetVariable: true,
      supportsInstructionBreakpoints: true,
      supportsModulesRequest: true,
      supportsLoadedSourcesRequest: true,
      supportsHitConditionalBreakpoints: true,
      supportsLogPoints: true,
      supportsExceptionInfoRequest: true,
      supportsReadMemoryRequest: true,
      supportsSteppingGranularity: true,
      supportsWriteMemoryRequest: true,
      supportsDisassembleRequest: true,
      supportsValueFormattingOptions: true,
      supportsCompletionsRequest: true,
      supportsStepInTargetsRequest: true,
      supportsDataBreakpoints: true,
      exceptionBreakpointFilters: EXCEPTION_FILTERS.map((f) => ({ filter: f.filter, label: f.label, description: f.description, default: f.default })),
      supportTerminateDebuggee: true,
      supportSuspendDebuggee: false,
    };
    this.sendResponse(response);
  }

  /** A failed launch or attach releases its engine thread, so the session can try again. */
  private async orRelease<T>(started: Promise<T>): Promise<T> {
    try {
      return await started;
    } catch (e) {
      await this.disposeEngine();
      throw e;
    }
  }

  /** Starts the engine thread for this session. */
  private async startEngine(kind: string, dbgengPath: string | undefined): Promise<EngineClient> {
    if (this.engine) throw errors.badAttribute('launch', 'sent once per session');
    const engine = new EngineClient(kind, this.options.hostScript, {
      // Only a Linux path (under Wine) starts with "/"; it maps to Z:.
      dbgengPath: dbgengPath ? winePaths.toEngine(dbgengPath) : undefined,
    });
    this.engine = engine;
    const generation = this.engineGeneration;
    engine.on('event', (e: EngineEvent) => {
      if (generation === this.engineGeneration) this.onEngineEvent(e);
    });
    engine.on('fault', (e: Error) => {
      if (generation === this.engineGeneration) this.onEngineFault(e);
    });
    const description = await engine.describe();
    this.engineKind = description.kind;
    this.paths = description.wineVersion ? winePaths : identityPaths;
    return engine;
  }

  protected override async attachRequest(response: DebugProtocol.AttachResponse, args: DebugProtocol.AttachRequestArguments): Promise<void> {
    await this.run(response, async () => {
      const config = parseAttachConfig(args as AttachArguments);
      this.sourceMap = new SourceFileMap(config.sourceFileMap);
      const engine = await this.startEngine(config.engine, config.dbgengPath);
      const result = await this.orRelease(engine.attach(config.processId));
      this.attached = true;
      this.stopOnEntry = config.stopOnEntry;
      this.mainThreadId = (await engine.threads())[0]?.id ?? 0;
      this.sendEvent(new OutputEvent(`Engine: ${result.engineReason}. Attached to process ${result.processId}.\n`, 'console'));
      this.sendEvent(new InitializedEvent());
    });
  }

  protected override async launchRequest(response: DebugProtocol.LaunchResponse, args: LaunchArguments): Promise<void> {
    await this.run(response, async () => {
      await this.launchProgram(parseLaunchConfig(args), 'Process');
      this.sendEvent(new InitializedEvent());
    });
  }

  /** Starts an engine thread and the program under it, stopped at the loader breakpoint (or opens the crash dump). */
  private async launchProgram(config: LaunchConfig, what: string): Promise<void> {
    this.sourceMap = new SourceFileMap(config.sourceFileMap);
    const engine = await this.startEngine(config.engine, config.dbgengPath);
    if (config.dumpFile !== undefined) {
      const result = await this.orRelease(engine.openDump(this.paths.toEngine(config.dumpFile)));
      this.launchConfig = config;
      this.stopOnEntry = false;
      this.dumpStop = result.dumpStop ?? { reason: 'entry', threadId: (await engine.threads())[0]?.id ?? 0 };
      this.mainThreadId = this.dumpStop.threadId;
      this.sendEvent(new OutputEvent(`Engine: ${result.engineReason}. Opened dump ${config.dumpFile}\n`, 'console'));
      return;
    }
    const result = await this.orRelease(engine.launch({
      program: this.paths.toEngine(config.program),
      args: config.args,
      cwd: config.cwd ? this.paths.toEngine(config.cwd) : undefined,
      env: config.env,
    }));
    this.launchConfig = config;
    this.stopOnEntry = config.stopOnEntry;
    this.mainThreadId = (await engine.threads())[0]?.id ?? 0;
    this.sendEvent(new OutputEvent(`Engine: ${result.engineReason}. ${what} ${result.processId}.\n`, 'console'));
  }

  /**
   * restart: ends the program and launches it again in the same session
   * (with the new configuration when the client sends one), binds the
   * breakpoints again under the ids the client knows, and goes on as after
   * configurationDone. An attached process is not ours to start again.
   */
  protected override async restartRequest(response: DebugProtocol.RestartResponse, args: DebugProtocol.RestartArguments): Promise<void> {
    await this.run(response, async () => {
      if (this.attached) throw errors.cannotRestartAttached();
      if (!this.launchConfig) throw errors.notLaunched();
      const config = args?.arguments ? parseLaunchConfig(args.arguments as LaunchArguments) : this.launchConfig;
      this.engineGeneration++;
      await this.disposeEngine();
      this.frames.clear();
      this.variables.clear();
      this.lastException.clear();
      this.modules.clear();
      this.dumpStop = undefined;
      this.restoring = new Map([...this.boundBreakpoints].map(([key, list]) => [key, list.map(({ id, verified }) => ({ id, verified }))]));
      this.breakpointIds.newEngine();
      try {
        await this.launchProgram(config, 'Restarted: process');
        await this.bindBreakpointsAgain();
      } finally {
        this.restoring = undefined;
      }
      await this.showStartingStop();
    });
  }

  /** After a restart: the last breakpoint requests, in the new process; the client hears of any that bind differently. */
  private async bindBreakpointsAgain(): Promise<void> {
    const engine = this.requireEngine();
    if (this.exceptionFilters) await engine.setExceptionFilters(this.exceptionFilters);
    for (const args of this.sourceBreakpointArgs.values()) await this.bindSourceBreakpoints(args);
    await this.sendFunctionBreakpoints();
    if (this.instructionBreakpointArgs) await this.bindInstructionBreakpoints(this.instructionBreakpointArgs);
    for (const [key, list] of this.boundBreakpoints) {
      const before = this.restoring?.get(key);
      for (const b of list) {
        if (before?.find((old) => old.id === b.id)?.verified !== b.verified) this.sendEvent(new BreakpointEvent('changed', { id: b.id, verified: b.verified }));
      }
    }
  }

  /** The ids the client knows for a group's breakpoints as bound (at a restart, the ones it knew before). */
  private clientIds(key: string, bound: BoundBreakpoint[]): number[] {
    const known = this.restoring?.get(key);
    return bound.map((b, i) => {
      const old = known?.[i];
      if (old !== undefined) this.breakpointIds.restore(b.id, old.id);
      return this.breakpointIds.toClient(b.id);
    });
  }

  protected override async setBreakPointsRequest(response: DebugProtocol.SetBreakpointsResponse, args: DebugProtocol.SetBreakpointsArguments): Promise<void> {
    await this.run(response, async () => {
      const sourcePath = args.source.path;
      if (!sourcePath) {
        const count = args.breakpoints?.length ?? args.lines?.length ?? 0;
        response.body = { breakpoints: Array.from({ length: count }, () => ({ verified: false, message: 'Breakpoints need a source file with a path.' })) };
        return;
      }
      this.sourceBreakpointArgs.set(sourcePath, args);
      response.body = { breakpoints: await this.bindSourceBreakpoints(args) };
    });
  }

  private async bindSourceBreakpoints(args: DebugProtocol.SetBreakpointsArguments): Promise<DebugProtocol.Breakpoint[]> {
    const sourcePath = args.source.path!;
    const lines = (args.breakpoints ?? args.lines?.map((line) => ({ line })) ?? []).map((b) => ({ line: b.line }));
    const enginePath = this.paths.toEngine(this.sourceMap.toRecorded(sourcePath));
    const bound = (await this.requireEngine().setSourceBreakpoints(enginePath, lines))
      // The engine's messages name the file as it was given the file (under Wine, Z:\...): say it as the user did.
      .map((b) => (b.message ? { ...b, message: inClientTerms(b.message, enginePath, sourcePath) } : b));
    const specs = args.breakpoints ?? lines;
    this.policies.replace(`source:${sourcePath.toLowerCase()}`, bound.map((b, i) => ({ id: b.id, spec: specs[i] ?? { line: b.line } })));
    const key = `source:${sourcePath}`;
    const ids = this.clientIds(key, bound);
    this.boundBreakpoints.set(key, bound.map((b, i) => ({ id: ids[i]!, where: `${sourcePath}:${b.line}`, verified: b.verified, addresses: b.addresses })));
    return bound.map((b, i) => ({ id: ids[i], verified: b.verified, line: b.line, message: b.message, source: args.source, instructionReference: b.addresses[0] }));
  }

  protected override async setFunctionBreakPointsRequest(response: DebugProtocol.SetFunctionBreakpointsResponse, args: DebugProtocol.SetFunctionBreakpointsArguments): Promise<void> {
    await this.run(response, async () => {
      this.editorFunctionBreakpoints = args.breakpoints;
      await this.sendFunctionBreakpoints();
      const shown = this.boundBreakpoints.get('functions') ?? [];
      response.body = { breakpoints: shown.map((b) => ({ id: b.id, verified: b.verified, line: b.line || undefined, message: b.message, instructionReference: b.addresses[0] })) };
    });
  }

  /** Whether a variable (or, with a frame and no reference, an expression) can be watched for changes. */
  protected override async dataBreakpointInfoRequest(response: DebugProtocol.DataBreakpointInfoResponse, args: DebugProtocol.DataBreakpointInfoArguments): Promise<void> {
    await this.run(response, async () => {
      const engine = this.requireEngine();
      let value: Variable | undefined;
      if (args.variablesReference !== undefined) value = await this.variables.find(engine, args.variablesReference, args.name);
      else {
        const ref = args.frameId !== undefined ? this.frames.get(args.frameId) : undefined;
        if (!ref) throw errors.unknownFrame(args.frameId ?? 0);
        value = await engine.evaluate(ref.threadId, ref.frame.index, args.name).catch(() => undefined);
      }
      response.body = infoFor(args.name, value);
    });
  }

  protected override async setDataBreakpointsRequest(response: DebugProtocol.SetDataBreakpointsResponse, args: DebugProtocol.SetDataBreakpointsArguments): Promise<void> {
    await this.run(response, async () => {
      const asked = args.breakpoints.map(watchOf);
      const bound = await this.requireEngine().setDataBreakpoints(asked.filter((w): w is DataWatch => typeof w !== 'string'));
      const ids = this.clientIds('data', bound);
      this.boundBreakpoints.set('data', bound.map((b, i) => ({ id: ids[i]!, where: `data ${b.addresses[0] ?? '(none)'}`, verified: b.verified, addresses: b.addresses, message: b.message })));
      let next = 0;
      response.body = {
        breakpoints: asked.map((w) => {
          if (typeof w === 'string') return { verified: false, message: w };
          const i = next++;
          return { id: ids[i], verified: bound[i]!.verified, message: bound[i]!.message };
        }),
      };
    });
  }

  protected override async setExceptionBreakPointsRequest(response: DebugProtocol.SetExceptionBreakpointsResponse, args: DebugProtocol.SetExceptionBreakpointsArguments): Promise<void> {
    await this.run(response, async () => {
      this.exceptionFilters = args.filters ?? [];
      await this.requireEngine().setExceptionFilters(this.exceptionFilters);
    });
  }

  protected override async exceptionInfoRequest(response: DebugProtocol.ExceptionInfoResponse, args: DebugProtocol.ExceptionInfoArguments): Promise<void> {
    await this.run(response, async () => {
      const stop = this.lastException.get(args.threadId);
      if (!stop) throw errors.noException(args.threadId);
      response.body = exceptionInfo(stop);
    });
  }

  protected override async nextRequest(response: DebugProtocol.NextResponse, args: DebugProtocol.NextArguments): Promise<void> {
    await this.step(response, args.threadId, args.granularity === 'instruction' ? 'instruction' : 'over');
  }

  protected override async stepInRequest(response: DebugProtocol.StepInResponse, args: DebugProtocol.StepInArguments): Promise<void> {
    await this.step(response, args.threadId, args.granularity === 'instruction' ? 'instruction' : 'in', args.targetId);
  }

  /** The calls the frame's line makes, inlined ones included, for "Step Into Target" (only the top frame steps). */
  protected override async stepInTargetsRequest(response: DebugProtocol.StepInTargetsResponse, args: DebugProtocol.StepInTargetsArguments): Promise<void> {
    await this.run(response, async () => {
      const ref = this.frames.get(args.frameId);
      if (!ref) throw errors.unknownFrame(args.frameId);
      const targets = await this.requireEngine().stepInTargets(ref.threadId, ref.frame.index);
      response.body = { targets: targets.map((t) => ({ id: t.id, label: t.inline ? `${t.label} (Inline)` : t.label })) };
    });
  }

  protected override async stepOutRequest(response: DebugProtocol.StepOutResponse, args: DebugProtocol.StepOutArguments): Promise<void> {
    await this.step(response, args.threadId, 'out');
  }

  private async step(response: DebugProtocol.Response, threadId: number, kind: 'in' | 'over' | 'out' | 'instruction', targetId?: number): Promise<void> {
    await this.run(response, async () => {
      // Refused before what was read is forgotten: the dump's stop stays on show.
      if (this.dumpStop) throw errors.dumpReadOnly('step');
      this.frames.clear();
      this.variables.clear();
      await this.requireEngine().step(threadId, kind, targetId);
    });
  }

  protected override async setInstructionBreakpointsRequest(response: DebugProtocol.SetInstructionBreakpointsResponse, args: DebugProtocol.SetInstructionBreakpointsArguments): Promise<void> {
    await this.run(response, async () => {
      this.instructionBreakpointArgs = args;
      response.body = { breakpoints: await this.bindInstructionBreakpoints(args) };
    });
  }

  private async bindInstructionBreakpoints(args: DebugProtocol.SetInstructionBreakpointsArguments): Promise<DebugProtocol.Breakpoint[]> {
    const addresses = args.breakpoints.map((b) => memoryAddress(b.instructionReference, b.offset));
    const bound = await this.requireEngine().setInstructionBreakpoints(addresses);
    this.policies.replace('instructions', bound.map((b, i) => ({ id: b.id, spec: { line: 0, condition: args.breakpoints[i]!.condition, hitCondition: args.breakpoints[i]!.hitCondition } })));
    const ids = this.clientIds('instructions', bound);
    this.boundBreakpoints.set('instructions', bound.map((b, i) => ({ id: ids[i]!, where: `instruction ${addresses[i]}`, verified: b.verified, addresses: b.addresses })));
    return bound.map((b, i) => ({ id: ids[i], verified: b.verified, message: b.message, instructionReference: b.addresses[0] }));
  }

  /** `modules` (the base class passes it on as a custom request). */
  private modulesBody(args: DebugProtocol.ModulesArguments): DebugProtocol.ModulesResponse['body'] {
    {
      const all = [...this.modules.entries()].map(([id, m]) => ({ id, name: m.name, path: this.paths.toClient(m.path), symbolStatus: m.symbolStatus, addressRange: m.base }));
      const start = args.startModule ?? 0;
      return { modules: args.moduleCount ? all.slice(start, start + args.moduleCount) : all.slice(start), totalModules: all.length };
    }
  }

  protected override async loadedSourcesRequest(response: DebugProtocol.LoadedSourcesResponse): Promise<void> {
    await this.run(response, async () => {
      const files = await this.requireEngine().loadedSources();
      response.body = { sources: files.map(this.sourceOf) };
    });
  }

  /**
   * The adapter serves no source text: every file it names is on disk. A
   * client asks only for one the stack named without a path, because it is
   * not on this machine: say so, and where the debug information puts it.
   */
  protected override async sourceRequest(response: DebugProtocol.SourceResponse, args: DebugProtocol.SourceArguments): Promise<void> {
    await this.run(response, async () => {
      throw errors.sourceNotHere(args.source?.name ?? `reference ${args.sourceReference}`, recordedPathOf(args.source));
    });
  }

  protected override async evaluateRequest(response: DebugProtocol.EvaluateResponse, args: DebugProtocol.EvaluateArguments): Promise<void> {
    await this.run(response, async () => {
      const engine = this.requireEngine();
      const ref = args.frameId !== undefined ? this.frames.get(args.frameId) : undefined;
      if (args.frameId !== undefined && !ref) throw errors.unknownFrame(args.frameId);
      const threadId = ref?.threadId ?? this.lastStoppedThread;
      if (args.context === 'repl') {
        if (this.engineKind === 'dbgeng') {
          response.body = { result: await engine.execute(args.expression), variablesReference: 0 };
          return;
        }
        if (!threadId) throw errors.noStoppedThread();
        const text = await runCommand(args.expression, this.consoleState(threadId, ref?.frame.index ?? 0));
        if (text !== undefined) {
          response.body = { result: text, variablesReference: 0 };
          return;
        }
      }
      if (!threadId) throw errors.noStoppedThread();
      response.body = await evaluateIn(engine, this.variables, threadId, ref?.frame.index ?? 0, args.expression, args.format);
    });
  }

  /** What the Debug Console's WinDbg commands work on. */
  private consoleState(threadId: number, frameIndex: number): ConsoleState {
    const inline = { get: () => this.inlineShown, set: (on: boolean) => (this.inlineShown = on) };
    return {
      engine: this.requireEngine(),
      paths: this.paths,
      sourceOf: this.sourceOf,
      threadId,
      frameIndex,
      get inlineShown() { return inline.get(); },
      set inlineShown(on: boolean) { inline.set(on); },
      modules: [...this.modules.values()],
      breakpoints: [...this.boundBreakpoints.values()].flat(),
      addFunctionBreakpoint: async (name) => {
        this.consoleFunctionBreakpoints.push(name);
        const bound = await this.sendFunctionBreakpoints();
        const mine = bound[bound.length - 1]!;
        return mine.verified ? `Breakpoint ${mine.id} at ${mine.addresses.join(', ')}` : `Breakpoint ${mine.id} is not bound: ${mine.message}`;
      },
      clearConsoleBreakpoints: async (which) => {
        const before = this.consoleFunctionBreakpoints.length;
        if (which === '*') this.consoleFunctionBreakpoints = [];
        else {
          const entry = (this.boundBreakpoints.get('console') ?? []).find((b) => String(b.id) === which);
          if (!entry) return `No breakpoint ${which} was set from the console (see bl).`;
          this.consoleFunctionBreakpoints = this.consoleFunctionBreakpoints.filter((n) => `bp ${n}` !== entry.where);
        }
        await this.sendFunctionBreakpoints();
        return `Cleared ${before - this.consoleFunctionBreakpoints.length} breakpoint(s).`;
      },
    };
  }

  /** The editor's function breakpoints and the console's, together (the engine keeps one list). */
  private async sendFunctionBreakpoints(): Promise<BoundBreakpoint[]> {
    const names = [...this.editorFunctionBreakpoints.map((b) => b.name), ...this.consoleFunctionBreakpoints];
    const bound = await this.requireEngine().setFunctionBreakpoints(names);
    const editor = bound.slice(0, this.editorFunctionBreakpoints.length);
    const fromConsole = bound.slice(editor.length);
    this.policies.replace('functions', editor.map((b, i) => ({ id: b.id, spec: this.editorFunctionBreakpoints[i]! })));
    const editorIds = this.clientIds('functions', editor);
    const consoleIds = this.clientIds('console', fromConsole);
    this.boundBreakpoints.set('functions', editor.map((b, i) => ({ id: editorIds[i]!, where: `function ${names[i]}`, verified: b.verified, addresses: b.addresses, line: b.line, message: b.message })));
    this.boundBreakpoints.set('console', fromConsole.map((b, i) => ({ id: consoleIds[i]!, where: `bp ${this.consoleFunctionBreakpoints[i]}`, verified: b.verified, addresses: b.addresses })));
    return bound.map((b, i) => ({ ...b, id: i < editor.length ? editorIds[i]! : consoleIds[i - editor.length]! }));
  }

  protected override async completionsRequest(response: DebugProtocol.CompletionsResponse, args: DebugProtocol.CompletionsArguments): Promise<void> {
    await this.run(response, async () => {
      const engine = this.requireEngine();
      const ref = args.frameId !== undefined ? this.frames.get(args.frameId) : undefined;
      const threadId = ref?.threadId ?? this.lastStoppedThread;
      const frameIndex = ref?.frame.index ?? 0;
      // Names only while stopped; the commands always.
      const stopped = threadId !== undefined && threadId !== 0;
      const names = stopped ? (await engine.variables(threadId, frameIndex).catch(() => [])).map((v) => v.name) : [];
      const registers = stopped ? (await engine.registers(threadId, frameIndex).catch(() => [])).map((r) => r.name) : [];
      response.body = { targets: completions(args.text, args.column, { engineKind: this.engineKind, names, registers }) };
    });
  }

  protected override async scopesRequest(response: DebugProtocol.ScopesResponse, args: DebugProtocol.ScopesArguments): Promise<void> {
    await this.run(response, async () => {
      const ref = this.frames.get(args.frameId);
      if (!ref) throw errors.unknownFrame(args.frameId);
      response.body = { scopes: this.variables.scopes(ref) };
    });
  }

  protected override async variablesRequest(response: DebugProtocol.VariablesResponse, args: DebugProtocol.VariablesArguments): Promise<void> {
    await this.run(response, async () => {
      response.body = { variables: await this.variables.variables(this.requireEngine(), args.variablesReference, args.start, args.count, args.format) };
    });
  }

  protected override async setVariableRequest(response: DebugProtocol.SetVariableResponse, args: DebugProtocol.SetVariableArguments): Promise<void> {
    await this.run(response, async () => {
      response.body = { value: await this.variables.setVariable(this.requireEngine(), args.variablesReference, args.name, args.value) };
    });
  }

  protected override async readMemoryRequest(response: DebugProtocol.ReadMemoryResponse, args: DebugProtocol.ReadMemoryArguments): Promise<void> {
    await this.run(response, async () => {
      response.body = await readMemory(this.requireEngine(), args);
    });
  }

  protected override async writeMemoryRequest(response: DebugProtocol.WriteMemoryResponse, args: DebugProtocol.WriteMemoryArguments): Promise<void> {
    await this.run(response, async () => {
      response.body = await writeMemory(this.requireEngine(), args);
    });
  }

  protected override async disassembleRequest(response: DebugProtocol.DisassembleResponse, args: DebugProtocol.DisassembleArguments): Promise<void> {
    await this.run(response, async () => {
      response.body = await disassemble(this.requireEngine(), this.sourceOf, args);
    });
  }

  protected override async configurationDoneRequest(response: DebugProtocol.ConfigurationDoneResponse): Promise<void> {
    await this.run(response, () => this.showStartingStop());
  }

  /** Once configured: a dump shows where it stopped; a program stops at its entry when asked, else runs. */
  private async showStartingStop(): Promise<void> {
    if (this.dumpStop) this.showEngineEvent({ type: 'stopped', ...this.dumpStop });
    else if (this.stopOnEntry) this.sendEvent(new StoppedEvent('entry', this.mainThreadId));
    else await this.resume();
  }

  protected override async threadsRequest(response: DebugProtocol.ThreadsResponse): Promise<void> {
    await this.run(response, async () => {
      const threads = this.engine ? await this.engine.threads() : [];
      response.body = { threads: threads.map((t) => new Thread(t.id, t.name)) };
    });
  }

  protected override async stackTraceRequest(response: DebugProtocol.StackTraceResponse, args: DebugProtocol.StackTraceArguments): Promise<void> {
    const signal = this.cancellation.begin(response.request_seq);
    await this.run(response, async () => {
      response.body = await stackTrace(this.requireEngine(), this.frames, this.sourceOf, args, signal, this.inlineShown);
    });
    this.cancellation.end(response.request_seq);
  }

  protected override cancelRequest(response: DebugProtocol.CancelResponse, args: DebugProtocol.CancelArguments): void {
    if (args.requestId !== undefined) this.cancellation.cancel(args.requestId);
    this.sendResponse(response);
  }

  protected override async continueRequest(response: DebugProtocol.ContinueResponse): Promise<void> {
    await this.run(response, async () => {
      await this.resume();
      response.body = { allThreadsContinued: true };
    });
  }

  protected override async pauseRequest(response: DebugProtocol.PauseResponse): Promise<void> {
    await this.run(response, () => this.requireEngine().pause());
  }

  protected override async terminateRequest(response: DebugProtocol.TerminateResponse): Promise<void> {
    await this.run(response, () => this.requireEngine().terminate());
  }

  protected override async disconnectRequest(response: DebugProtocol.DisconnectResponse, args: DebugProtocol.DisconnectArguments): Promise<void> {
    await this.run(response, async () => {
      // A program we attached to runs on unless the user asks to end it; a
      // launched one ends unless the user asks to let it run.
      const terminate = args?.terminateDebuggee ?? !this.attached;
      if (!terminate && this.engine) await this.engine.detach().catch(() => undefined);
      else if (terminate && this.attached && this.engine) await this.engine.terminate().catch(() => undefined);
      await this.disposeEngine();
    });
  }

  protected override async customRequest(command: string, response: DebugProtocol.Response, args: unknown): Promise<void> {
    await this.run(response, async () => {
      if (command === RAW_INLINE_FRAME_CONTEXT_REQUEST) {
        const signal = this.cancellation.begin(response.request_seq);
        try {
          response.body = await rawInlineFrameContext(this.requireEngine(), this.paths, args, signal);
        } finally {
          this.cancellation.end(response.request_seq);
        }
        return;
      }
      if (command === 'modules') {
        response.body = this.modulesBody((args ?? {}) as DebugProtocol.ModulesArguments);
        return;
      }
      throw errors.unknownRequest(command);
    });
  }

  /** Ends the debuggee and the engine thread; safe to call twice. */
  async disposeEngine(): Promise<void> {
    this.cancellation.moveOn();
    const engine = this.engine;
    if (!engine) return;
    this.engine = undefined;
    await engine.dispose();
  }

  private async resume(): Promise<void> {
    if (this.dumpStop) throw errors.dumpReadOnly('continue');
    this.frames.clear();
    this.variables.clear();
    this.cancellation.moveOn();
    await this.requireEngine().resume();
  }

  private onEngineEvent(e: EngineEvent): void {
    if (e.type === 'stopped' && e.reason === 'breakpoint' && e.breakpointIds && this.policies.governs(e.breakpointIds)) {
      void this.onGovernedStop(e, e.breakpointIds);
      return;
    }
    this.showEngineEvent(e);
  }

  /** A hit of a breakpoint with a condition, hit count or log message: show it, or log and go on. */
  private async onGovernedStop(e: EngineEvent, ids: number[]): Promise<void> {
    const engine = this.engine;
    if (!engine || e.type !== 'stopped') return;
    try {
      const decision = await this.policies.decide(engine, e.threadId, ids);
      for (const text of decision.output) this.sendEvent(new OutputEvent(text, 'console'));
      if (decision.stop) this.showEngineEvent(e);
      else await engine.resume();
    } catch (err) {
      this.sendEvent(new OutputEvent(`Breakpoint could not be evaluated: ${(err as Error).message}\n`, 'stderr'));
      this.showEngineEvent(e);
    }
  }

  private showEngineEvent(e: EngineEvent): void {
    if (e.type === 'stopped') this.lastStoppedThread = e.threadId;
    if (e.type === 'module') {
      if (e.reason === 'new') this.modules.set(e.id, { name: e.name, path: e.path, base: e.base, symbolStatus: e.symbolStatus });
      else this.modules.delete(e.id);
    }
    if (e.type === 'stopped' || e.type === 'exited') this.cancellation.moveOn();
    if (e.type === 'stopped') {
      this.frames.clear();
      this.variables.clear();
      this.lastException.clear();
      if (e.exception) this.lastException.set(e.threadId, e.exception);
    }
    for (const event of toDapEvent(this.withClientIds(e), this.paths)) this.sendEvent(event);
    if (e.type === 'exited') this.sendTerminated();
  }

  /** The event with breakpoint ids as the client knows them. */
  private withClientIds(e: EngineEvent): EngineEvent {
    if (e.type === 'stopped' && e.breakpointIds) return { ...e, breakpointIds: e.breakpointIds.map((id) => this.breakpointIds.toClient(id)) };
    if (e.type === 'breakpoint') return { ...e, breakpoint: { ...e.breakpoint, id: this.breakpointIds.toClient(e.breakpoint.id) } };
    return e;
  }

  private onEngineFault(e: Error): void {
    this.engineFault = e.message;
    this.cancellation.moveOn();
    this.sendEvent(new OutputEvent(errors.engineDied(e.message).message + '\n', 'stderr'));
    this.engine = undefined;
    this.sendTerminated();
  }

  private sendTerminated(): void {
    if (this.terminated) return;
    this.terminated = true;
    this.sendEvent(new TerminatedEvent());
  }

  private requireEngine(): EngineClient {
    if (!this.engine && this.engineFault) throw errors.engineDied(this.engineFault);
    if (!this.engine) throw errors.notLaunched();
    return this.engine;
  }

  /** Runs a handler; any failure becomes an error response that says what to do. */
  private async run(response: DebugProtocol.Response, body: () => Promise<unknown>): Promise<void> {
    try {
      await body();
      this.sendResponse(response);
    } catch (e) {
      const err = e instanceof UserError ? e : e instanceof EngineRequestError ? errors.fromEngine(e) : errors.internal((e as Error).message);
      this.sendErrorResponse(response, err.toMessage());
    }
  }
}

/** `text` with the engine's spelling of a file, and of its folder, replaced by the client's. */
function inClientTerms(text: string, enginePath: string, clientPath: string): string {
  if (enginePath === clientPath) return text;
  const dir = (p: string) => p.replace(/[\\/][^\\/]*$/, '');
  return text.split(enginePath).join(clientPath).split(`"${dir(enginePath)}"`).join(`"${dir(clientPath)}"`);
}

