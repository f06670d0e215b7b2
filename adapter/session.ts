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
  disposeEngine(): Promise<void> {
    return this.runtime.disposeEngine();
  }

  /** Malformed and unimplemented requests are answered here, before any handler (see requests.ts). */
  protected override dispatchRequest(request: DebugProtocol.Request): void {
    const response: DebugProtocol.Response = new Response(request);
    if (typeof response.command !== 'string') response.command = String(response.command);
    try {
      const screening = screenRequest(request, (command) => command === 'initialize' || isRouted(command));
      if (screening.kind === 'error') this.sendErrorResponse(response, screening.error.toMessage());
      // The base class reads the client's conventions (lines, columns, paths) from initialize.
      else if (request.command === 'initialize') super.dispatchRequest(request);
      else void this.answer(request, response);
    } catch (e) {
      // Never unanswered: whatever went wrong, the client hears of it.
      if (!response.seq) this.sendErrorResponse(response, errors.internal((e as Error).message).toMessage());
    }
  }

  protected override initializeRequest(response: DebugProtocol.InitializeResponse): void {
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
