/**
 * The DAP session: registers handlers and delegates. Logic lives in the
 * modules it calls (stack/, launchConfig, events, rawInlineFrameContext);
 * every native call goes through the EngineClient to the engine thread.
 */
import {
  DebugSession, InitializedEvent, OutputEvent, StoppedEvent, TerminatedEvent, Thread,
} from '@vscode/debugadapter';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { EngineClient, EngineRequestError, type EngineEvent } from '../native/api';
import { errors, UserError } from './errors';
import { toDapEvent } from './events';
import { parseLaunchConfig, type LaunchArguments } from './launchConfig';
import { identityPaths, winePaths, type PathMapper } from './paths';
import { rawInlineFrameContext } from './rawInlineFrameContext';
import { FrameStore } from './stack/frameStore';
import { stackTrace } from './stack/stackTrace';

export interface SessionOptions {
  /** Where engine-host.js is (default: beside the running bundle). */
  hostScript?: string;
}

export class DbgengSession extends DebugSession {
  private engine?: EngineClient;
  private paths: PathMapper = identityPaths;
  private readonly frames = new FrameStore();
  private stopOnEntry = false;
  private mainThreadId = 0;
  private terminated = false;

  constructor(private readonly options: SessionOptions = {}) {
    super();
    this.setDebuggerLinesStartAt1(true);
    this.setDebuggerColumnsStartAt1(true);
  }

  protected override initializeRequest(response: DebugProtocol.InitializeResponse): void {
    response.body = {
      supportsConfigurationDoneRequest: true,
      supportsDelayedStackTraceLoading: true,
      supportsTerminateRequest: true,
      supportsFunctionBreakpoints: true,
      supportTerminateDebuggee: true,
    };
    this.sendResponse(response);
  }

  protected override async launchRequest(response: DebugProtocol.LaunchResponse, args: LaunchArguments): Promise<void> {
    await this.run(response, async () => {
      const config = parseLaunchConfig(args);
      if (this.engine) throw errors.badAttribute('launch', 'sent once per session');
      const engine = new EngineClient(config.engine, this.options.hostScript, {
        // Only a Linux path (under Wine) starts with "/"; it maps to Z:.
        dbgengPath: config.dbgengPath ? winePaths.toEngine(config.dbgengPath) : undefined,
      });
      this.engine = engine;
      engine.on('event', (e: EngineEvent) => this.onEngineEvent(e));
      engine.on('fault', (e: Error) => this.onEngineFault(e));
      const description = await engine.describe();
      this.paths = description.wineVersion ? winePaths : identityPaths;
      const result = await engine.launch({
        program: this.paths.toEngine(config.program),
        args: config.args,
        cwd: config.cwd ? this.paths.toEngine(config.cwd) : undefined,
        env: config.env,
      });
      this.stopOnEntry = config.stopOnEntry;
      this.mainThreadId = (await engine.threads())[0]?.id ?? 0;
      this.sendEvent(new OutputEvent(`Engine: ${result.engineReason}. Process ${result.processId}.\n`, 'console'));
      this.sendEvent(new InitializedEvent());
    });
  }

  protected override async setBreakPointsRequest(response: DebugProtocol.SetBreakpointsResponse, args: DebugProtocol.SetBreakpointsArguments): Promise<void> {
    await this.run(response, async () => {
      const sourcePath = args.source.path;
      const lines = (args.breakpoints ?? args.lines?.map((line) => ({ line })) ?? []).map((b) => ({ line: b.line }));
      if (!sourcePath) {
        response.body = { breakpoints: lines.map(() => ({ verified: false, message: 'Breakpoints need a source file with a path.' })) };
        return;
      }
      const bound = await this.requireEngine().setSourceBreakpoints(this.paths.toEngine(sourcePath), lines);
      response.body = {
        breakpoints: bound.map((b) => ({ id: b.id, verified: b.verified, line: b.line, message: b.message, source: args.source, instructionReference: b.addresses[0] })),
      };
    });
  }

  protected override async setFunctionBreakPointsRequest(response: DebugProtocol.SetFunctionBreakpointsResponse, args: DebugProtocol.SetFunctionBreakpointsArguments): Promise<void> {
    await this.run(response, async () => {
      const bound = await this.requireEngine().setFunctionBreakpoints(args.breakpoints.map((b) => b.name));
      response.body = { breakpoints: bound.map((b) => ({ id: b.id, verified: b.verified, line: b.line || undefined, message: b.message, instructionReference: b.addresses[0] })) };
    });
  }

  protected override async configurationDoneRequest(response: DebugProtocol.ConfigurationDoneResponse): Promise<void> {
    await this.run(response, async () => {
      if (this.stopOnEntry) this.sendEvent(new StoppedEvent('entry', this.mainThreadId));
      else await this.resume();
    });
  }

  protected override async threadsRequest(response: DebugProtocol.ThreadsResponse): Promise<void> {
    await this.run(response, async () => {
      const threads = this.engine ? await this.engine.threads() : [];
      response.body = { threads: threads.map((t) => new Thread(t.id, t.name)) };
    });
  }

  protected override async stackTraceRequest(response: DebugProtocol.StackTraceResponse, args: DebugProtocol.StackTraceArguments): Promise<void> {
    await this.run(response, async () => {
      response.body = await stackTrace(this.requireEngine(), this.frames, this.paths, args);
    });
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

  protected override async disconnectRequest(response: DebugProtocol.DisconnectResponse): Promise<void> {
    await this.run(response, () => this.disposeEngine());
  }

  protected override async customRequest(command: string, response: DebugProtocol.Response, args: unknown): Promise<void> {
    await this.run(response, async () => {
      if (command === 'rawInlineFrameContext') {
        response.body = await rawInlineFrameContext(this.requireEngine(), this.paths, args);
        return;
      }
      throw errors.unknownRequest(command);
    });
  }

  /** Ends the debuggee and the engine thread; safe to call twice. */
  async disposeEngine(): Promise<void> {
    const engine = this.engine;
    if (!engine) return;
    this.engine = undefined;
    await engine.dispose();
  }

  private async resume(): Promise<void> {
    this.frames.clear();
    await this.requireEngine().resume();
  }

  private onEngineEvent(e: EngineEvent): void {
    if (e.type === 'stopped') this.frames.clear();
    for (const event of toDapEvent(e, this.paths)) this.sendEvent(event);
    if (e.type === 'exited') this.sendTerminated();
  }

  private onEngineFault(e: Error): void {
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
    if (!this.engine) throw errors.notLaunched();
    return this.engine;
  }

  /** Runs a handler; any failure becomes an error response that says what to do. */
  private async run(response: DebugProtocol.Response, body: () => Promise<unknown>): Promise<void> {
    try {
      await body();
      this.sendResponse(response);
    } catch (e) {
      const err = e instanceof UserError ? e
        : e instanceof EngineRequestError ? (e.code === 'engineDead' ? errors.engineDied(e.message) : errors.engine(e.message))
          : errors.engine(`Internal error: ${(e as Error).message}`);
      this.sendErrorResponse(response, err.toMessage());
    }
  }
}
