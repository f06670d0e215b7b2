/**
 * The DAP session: screens each request (requests.ts), routes it to its
 * feature's handler (features/routes.ts) and answers it; a handler's
 * failure becomes an error response that says what to do. What the
 * handlers work on, the debuggee and its current stop, is the Runtime
 * (runtime.ts); every native call goes through the EngineClient to the
 * engine thread.
 */
import { DebugSession, Response } from '@vscode/debugadapter';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { EngineRequestError } from '../native/api';
import { CAPABILITIES } from './capabilities';
import { errors, UserError } from './errors';
import { isRouted, ROUTES } from './features/routes';
import { screenRequest } from './requests';
import { Runtime, type SessionOptions } from './runtime';

export type { SessionOptions } from './runtime';

export class DbgengSession extends DebugSession {
  private readonly runtime: Runtime;

  constructor(options: SessionOptions = {}) {
    super();
    this.setDebuggerLinesStartAt1(true);
    this.setDebuggerColumnsStartAt1(true);
    this.runtime = new Runtime((e) => this.sendEvent(e), options);
  }

  /** Ends the debuggee and the engine thread (the client went away); safe to call twice. */
  disposeEngine(): Promise<boolean> {
    return this.runtime.disposeEngine();
  }

  /** Malformed and unimplemented requests are answered here, before any handler (see requests.ts). */
  protected override dispatchRequest(request: DebugProtocol.Request): void {
    const response: DebugProtocol.Response = new Response(request);
    if (typeof response.command !== 'string') response.command = String(response.command);
    try {
      const screening = screenRequest(request, (command) => command === 'initialize' || isRouted(command));
      if (screening.kind === 'error') this.sendErrorResponse(response, screening.error.toMessage());
      else if (request.command === 'initialize') this.initialize(request.arguments as DebugProtocol.InitializeRequestArguments | undefined, response);
      else void this.answer(request, response);
    } catch (e) {
      // Never unanswered: whatever went wrong, the client hears of it.
      if (!response.seq) this.sendErrorResponse(response, errors.internal((e as Error).message).toMessage());
    }
  }

  /**
   * initialize: the client's conventions, with the specification's defaults
   * (native paths, lines and columns from 1) where it names none; the base
   * class refused an initialize without pathFormat, which the specification
   * makes optional. This adapter speaks native paths and 1-based lines and
   * columns, and says so to a client that asks for anything else.
   */
  private initialize(args: DebugProtocol.InitializeRequestArguments | undefined, response: DebugProtocol.Response): void {
    const refused = args?.pathFormat !== undefined && args.pathFormat !== 'path' ? errors.unsupportedConvention(`"pathFormat": "${args.pathFormat}"`, '"path" (native paths), or leave it out')
      : args?.linesStartAt1 === false ? errors.unsupportedConvention('"linesStartAt1": false', 'true, or leave it out')
        : args?.columnsStartAt1 === false ? errors.unsupportedConvention('"columnsStartAt1": false', 'true, or leave it out') : undefined;
    if (refused) return this.sendErrorResponse(response, refused.toMessage());
    response.body = CAPABILITIES;
    this.sendResponse(response);
  }

  /** Runs the request's handler; any failure becomes an error response that says what to do. */
  private async answer(request: DebugProtocol.Request, response: DebugProtocol.Response): Promise<void> {
    try {
      const handler = Object.hasOwn(ROUTES, request.command) ? ROUTES[request.command] : undefined;
      if (!handler) throw errors.unknownRequest(request.command);
      const body = await handler(this.runtime, request.arguments, request.seq);
      if (body !== undefined) response.body = body;
      this.sendResponse(response);
    } catch (e) {
      const err = e instanceof UserError ? e : e instanceof EngineRequestError ? errors.fromEngine(e) : errors.internal((e as Error).message);
      this.sendErrorResponse(response, err.toMessage());
    }
  }
}
