/**
 * The debuggee as the session sees it: the engine thread and its lifecycle
 * (launch, attach, dump, restart, resume, the end), the current Stop, the
 * breakpoint book, modules, paths, and the engine's events turned into DAP
 * events. The request handlers (features/) work on this; session.ts only
 * routes requests to them. No DAP request plumbing here.
 */
import fs from 'node:fs';
import { BreakpointEvent, InitializedEvent, OutputEvent, StoppedEvent, TerminatedEvent } from '@vscode/debugadapter';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { EngineClient, type DumpStop, type EngineEvent, type StepKind } from '../native/api';
import { BreakpointBook } from './breakpoints/book';
import { Cancellation } from './cancellation';
import { errors } from './errors';
import { toDapEvent } from './events';
import { parseAttachConfig, parseLaunchConfig, type AttachArguments, type LaunchArguments, type LaunchConfig } from './launchConfig';
import { identityPaths, winePaths, type PathMapper } from './paths';
import { SourceFileMap } from './sourceFileMap';
import { SourceFiles, type SourceOf } from './stack/sources';
import { Stop } from './stop';
import { SymbolNotes } from './symbolNotes';

export interface SessionOptions {
  /** Where engine-host.js is (default: beside the running bundle). */
  hostScript?: string;
}

export interface ModuleInfo { name: string; path: string; base: string; symbolStatus: string }

export class Runtime {
  engineKind = '';
  paths: PathMapper = identityPaths;
  /** The session's sourceFileMap: recorded files shown as their local copies, breakpoints' files given as recorded. */
  sourceMap = new SourceFileMap();
  /** What belongs to the current stop; replaced whole at every stop and resume. */
  stop = Stop.none();
  readonly book = new BreakpointBook(this);
  readonly modules = new Map<string, ModuleInfo>();
  /** Inline frames in the Call Stack (the console's .inline 0 hides them, as WinDbg's does). */
  inlineShown = true;
  attached = false;
  readonly cancellation = new Cancellation();
  /** A crash dump's stop, shown after configurationDone; set while the session is a dump. */
  dumpStop?: DumpStop;

  private current?: EngineClient;
  /**
   * The engine's program is there (launched, attached or opened). Until it
   * is, requests that need it are refused: an engine is not asked about a
   * program it has not started (Microsoft's dbgeng under Wine ends the
   * adapter's process on a symbol command with no session).
   */
  private ready = false;
  /** Files the debug information names: with a path where they are on this machine (see stack/sources.ts). */
  private readonly sourceFiles = new SourceFiles((enginePath) => fs.existsSync(enginePath));
  private stopOnEntry = false;
  /** Modules whose symbols are missing or do not match, said once each. */
  private readonly symbolNotes = new SymbolNotes((text) => this.send(new OutputEvent(text, 'important')));
  private mainThreadId = 0;
  private terminated = false;
  /** Why the engine thread died, once it has. */
  private engineFault?: string;
  /** What was launched, to launch it again at a restart. */
  private launchConfig?: LaunchConfig;
  /** Counts engines: events of an engine a restart replaced are not shown. */
  private engineGeneration = 0;

  constructor(private readonly send: (e: DebugProtocol.Event) => void, private readonly options: SessionOptions = {}) {}

  /** A frame's source: with a path where the file is on this machine, mapped by sourceFileMap. */
  readonly sourceOf: SourceOf = (engineFile) => {
    if (this.sourceMap.empty) return this.sourceFiles.source(engineFile, this.paths.toClient(engineFile));
    const local = this.sourceMap.toLocal(this.paths.toClient(engineFile));
    return this.sourceFiles.source(this.paths.toEngine(local), local);
  };

  engine(): EngineClient {
    if (!this.current && this.engineFault) throw errors.engineDied(this.engineFault);
    if (!this.current) throw errors.notLaunched();
    if (!this.ready) throw errors.stillStarting();
    return this.current;
  }

  /** The engine, once its program is there (threads are none without). */
  get maybeEngine(): EngineClient | undefined {
    return this.ready ? this.current : undefined;
  }

  async attach(args: AttachArguments): Promise<void> {
    const config = parseAttachConfig(args);
    this.sourceMap = new SourceFileMap(config.sourceFileMap);
    const engine = await this.startEngine(config.engine, config.dbgengPath);
    const result = await this.orRelease(engine.attach(config.processId));
    this.ready = true;
    this.attached = true;
    this.stopOnEntry = config.stopOnEntry;
    this.mainThreadId = (await engine.threads())[0]?.id ?? 0;
    this.send(new OutputEvent(`Engine: ${result.engineReason}. Attached to process ${result.processId}.\n`, 'console'));
    this.send(new InitializedEvent());
  }

  async launch(args: LaunchArguments): Promise<void> {
    await this.launchProgram(parseLaunchConfig(args), 'Process');
    this.send(new InitializedEvent());
  }

  /**
   * Ends the program and launches it again in the same session (with the
   * new configuration when the client sends one), binds the breakpoints
   * again under the ids the client knows, and goes on as after
   * configurationDone. An attached process is not ours to start again.
   */
  async restart(args: DebugProtocol.RestartArguments | undefined): Promise<void> {
    if (this.attached) throw errors.cannotRestartAttached();
    if (!this.launchConfig) throw errors.notLaunched();
    const config = args?.arguments ? parseLaunchConfig(args.arguments as LaunchArguments) : this.launchConfig;
    this.engineGeneration++;
    await this.disposeEngine();
    this.stop = this.stop.running();
    this.modules.clear();
    this.dumpStop = undefined;
    await this.launchProgram(config, 'Restarted: process');
    await this.book.bindAgain((b) => this.send(new BreakpointEvent('changed', b)));
    await this.showStartingStop();
  }

  /** Once configured: a dump shows where it stopped; a program stops at its entry when asked, else runs. */
  async showStartingStop(): Promise<void> {
    if (this.dumpStop) this.show({ type: 'stopped', ...this.dumpStop });
    else if (this.stopOnEntry) this.send(new StoppedEvent('entry', this.mainThreadId));
    else await this.resume();
  }

  async resume(): Promise<void> {
    if (this.dumpStop) throw errors.dumpReadOnly('continue');
    this.stop = this.stop.running();
    this.cancellation.moveOn();
    await this.engine().resume();
  }

  async step(threadId: number, kind: StepKind, targetId?: number): Promise<void> {
    // Refused before what was read is forgotten: the dump's stop stays on show.
    if (this.dumpStop) throw errors.dumpReadOnly('step');
    this.stop = this.stop.running();
    await this.engine().step(threadId, kind, targetId);
  }

  /** disconnect: a program we attached to runs on unless the user asks to end it; a launched one ends unless asked to run on. */
  async disconnect(terminateDebuggee: boolean | undefined): Promise<void> {
    const terminate = terminateDebuggee ?? !this.attached;
    if (!terminate && this.current) await this.current.detach().catch(() => undefined);
    else if (terminate && this.attached && this.current) await this.current.terminate().catch(() => undefined);
    await this.disposeEngine();
  }

  /** Ends the debuggee and the engine thread; safe to call twice. False when the thread is stuck for good (see adapter/exit.ts). */
  async disposeEngine(): Promise<boolean> {
    this.cancellation.moveOn();
    const engine = this.current;
    if (!engine) return true;
    this.current = undefined;
    this.ready = false;
    return engine.dispose();
  }

  /** Starts an engine thread and the program under it, stopped at the loader breakpoint (or opens the crash dump). */
  private async launchProgram(config: LaunchConfig, what: string): Promise<void> {
    this.sourceMap = new SourceFileMap(config.sourceFileMap);
    const engine = await this.startEngine(config.engine, config.dbgengPath);
    if (config.dumpFile !== undefined) {
      const result = await this.orRelease(engine.openDump(this.paths.toEngine(config.dumpFile)));
      this.ready = true;
      this.launchConfig = config;
      this.stopOnEntry = false;
      this.dumpStop = result.dumpStop ?? { reason: 'entry', threadId: (await engine.threads())[0]?.id ?? 0 };
      this.mainThreadId = this.dumpStop.threadId;
      this.send(new OutputEvent(`Engine: ${result.engineReason}. Opened dump ${config.dumpFile}\n`, 'console'));
      return;
    }
    const result = await this.orRelease(engine.launch({
      program: this.paths.toEngine(config.program),
      args: config.args,
      cwd: config.cwd ? this.paths.toEngine(config.cwd) : undefined,
      env: config.env,
    }));
    this.ready = true;
    this.launchConfig = config;
    this.stopOnEntry = config.stopOnEntry;
    this.mainThreadId = (await engine.threads())[0]?.id ?? 0;
    this.send(new OutputEvent(`Engine: ${result.engineReason}. ${what} ${result.processId}.\n`, 'console'));
  }

  /** Starts the engine thread for this session. */
  private async startEngine(kind: string, dbgengPath: string | undefined): Promise<EngineClient> {
    if (this.current) throw errors.badAttribute('launch', 'sent once per session');
    const engine = new EngineClient(kind, this.options.hostScript, {
      // Only a Linux path (under Wine) starts with "/"; it maps to Z:.
      dbgengPath: dbgengPath ? winePaths.toEngine(dbgengPath) : undefined,
    });
    this.current = engine;
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

  /** A failed launch or attach releases its engine thread, so the session can try again. */
  private async orRelease<T>(started: Promise<T>): Promise<T> {
    try {
      return await started;
    } catch (e) {
      await this.disposeEngine();
      throw e;
    }
  }

  private onEngineEvent(e: EngineEvent): void {
    if (e.type === 'stopped' && e.reason === 'breakpoint' && e.breakpointIds && this.book.policies.governs(e.breakpointIds)) {
      void this.onGovernedStop(e, e.breakpointIds);
      return;
    }
    this.show(e);
  }

  /** A hit of a breakpoint with a condition, hit count or log message: show it, or log and go on. */
  private async onGovernedStop(e: EngineEvent & { type: 'stopped' }, ids: number[]): Promise<void> {
    const engine = this.current;
    if (!engine) return;
    try {
      const decision = await this.book.policies.decide(engine, e.threadId, ids);
      for (const text of decision.output) this.send(new OutputEvent(text, 'console'));
      if (decision.stop) this.show(e);
      else await engine.resume();
    } catch (err) {
      this.send(new OutputEvent(`Breakpoint could not be evaluated: ${(err as Error).message}\n`, 'stderr'));
      this.show(e);
    }
  }

  /** An engine event the client hears of: a stop is a new Stop. */
  private show(event: EngineEvent): void {
    const e = event.type === 'module' ? this.symbolNotes.note(event, this.paths) : event;
    if (e.type === 'module') {
      if (e.reason === 'new') this.modules.set(e.id, { name: e.name, path: e.path, base: e.base, symbolStatus: e.symbolStatus });
      else this.modules.delete(e.id);
    }
    if (e.type === 'stopped' || e.type === 'exited') this.cancellation.moveOn();
    if (e.type === 'stopped') this.stop = this.stop.stopped(e.threadId, e.exception);
    for (const event of toDapEvent(this.book.inClientIds(e), this.paths)) this.send(event);
    if (e.type === 'exited') this.sendTerminated();
  }

  private onEngineFault(e: Error): void {
    this.engineFault = e.message;
    this.cancellation.moveOn();
    this.send(new OutputEvent(errors.engineDied(e.message).message + '\n', 'stderr'));
    this.current = undefined;
    this.ready = false;
    this.sendTerminated();
  }

  private sendTerminated(): void {
    if (this.terminated) return;
    this.terminated = true;
    this.send(new TerminatedEvent());
  }
}
