/**
 * Messages between the adapter (main thread) and the engine thread.
 * Requests carry an id; each gets exactly one response. Events flow one way,
 * from the engine, in the order the engine produced them.
 */
import type { EngineEvent } from '../engines/engine';

export interface RequestMessage { kind: 'request'; id: number; method: string; params: unknown[] }

export interface ErrorPayload {
  /** Stable code of an EngineError, or 'fault' for anything unexpected. */
  code: string;
  message: string;
}

export type HostMessage =
  | { kind: 'response'; id: number; result?: unknown; error?: ErrorPayload }
  | { kind: 'event'; event: EngineEvent };

/** The engine methods callable from the adapter (see engines/engine.ts). */
export const ENGINE_METHODS = [
  'launch', 'attach', 'openDump', 'detach', 'setVariable', 'execute', 'setInstructionBreakpoints', 'loadedSources', 'variables', 'children', 'evaluate', 'setChild', 'readMemory', 'writeMemory', 'disassemble', 'sourceLocations', 'setSourceBreakpoints', 'setFunctionBreakpoints', 'setDataBreakpoints', 'setExceptionFilters', 'resume', 'stepInTargets', 'step', 'pause', 'threads', 'registers', 'resolveSymbol', 'stackFrames', 'terminate', 'dispose', 'describe',
] as const;
export type EngineMethod = (typeof ENGINE_METHODS)[number];
