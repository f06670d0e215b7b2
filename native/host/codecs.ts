/**
 * How each engine request's result crosses the thread boundary: one entry
 * per method of the engine contract (EngineRequests), checked by the
 * compiler both ways (a method without an entry, or an entry without a
 * method, fails the type check). Most results are plain data that
 * postMessage clones; stack pages travel compactly (stackPageCodec.ts).
 * The worker encodes with this table, the client decodes with it, and the
 * worker's list of callable methods is its keys.
 */
import type { EngineMethod, EngineRequests } from '../engines/engine';
import { decodeStackPage, encodeStackPage, type EncodedStackPage } from './stackPageCodec';

/** A request's result as the engine returns it. */
export type ResultOf<K extends EngineMethod> = ReturnType<EngineRequests[K]>;

export interface ResultCodec<R> {
  encode(result: R): { message: unknown; transfer: ArrayBuffer[] };
  decode(message: unknown): R;
}

/** Structured-clonable data, sent as it is. */
const plain = <R>(): ResultCodec<R> => ({ encode: (result) => ({ message: result, transfer: [] }), decode: (message) => message as R });

export const RESULT_CODECS: { readonly [K in EngineMethod]: ResultCodec<ResultOf<K>> } = {
  describe: plain(),
  launch: plain(),
  attach: plain(),
  openDump: plain(),
  detach: plain(),
  setSourceBreakpoints: plain(),
  variables: plain(),
  children: plain(),
  evaluate: plain(),
  setChild: plain(),
  execute: plain(),
  setVariable: plain(),
  readMemory: plain(),
  writeMemory: plain(),
  disassemble: plain(),
  sourceLocations: plain(),
  setExceptionFilters: plain(),
  setInstructionBreakpoints: plain(),
  loadedSources: plain(),
  setFunctionBreakpoints: plain(),
  setDataBreakpoints: plain(),
  stepInTargets: plain(),
  step: plain(),
  resume: plain(),
  pause: plain(),
  threads: plain(),
  registers: plain(),
  resolveSymbol: plain(),
  stackFrames: { encode: encodeStackPage, decode: (message) => decodeStackPage(message as EncodedStackPage) },
  terminate: plain(),
  dispose: plain(),
};

/** The methods the worker answers: the table's keys. */
export const ENGINE_METHODS = Object.keys(RESULT_CODECS) as EngineMethod[];

export const isEngineMethod = (name: string): name is EngineMethod => Object.hasOwn(RESULT_CODECS, name);
