/**
 * Messages between the adapter (main thread) and the engine thread.
 * Requests carry an id; each gets exactly one response. Events flow one way,
 * from the engine, in the order the engine produced them.
 */
import type { EngineEvent, EngineMethod, EngineRequests } from '../engines/engine';
import type { EngineErrorCode } from '../engines/errorCodes';

/** A request: the method's name and its parameters, as the contract types them. */
export type RequestMessage<K extends EngineMethod = EngineMethod> = { kind: 'request'; id: number; method: K; params: Parameters<EngineRequests[K]> };

/** A parked engine thread taken for a new session: it makes a new engine (the previous one was disposed). */
export type RenewMessage = { kind: 'renew'; engine: string; dbgengPath?: string };

export interface ErrorPayload {
  /** The EngineError's code (errorCodes.ts), or 'fault' for anything unexpected. */
  code: EngineErrorCode;
  message: string;
}

/** `result`: the request's result as its codec (codecs.ts) encoded it. */
export type HostMessage =
  | { kind: 'response'; id: number; result?: unknown; error?: ErrorPayload }
  | { kind: 'event'; event: EngineEvent };
