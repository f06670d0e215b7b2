/**
 * Chooses and builds the engine for a session.
 */
import type { Engine, EventSink } from './engine';
import { EngineError } from './engineError';
import { DbghelpEngine } from './dbghelp/dbghelpEngine';

export function createEngine(kind: string, emit: EventSink): Engine {
  switch (kind) {
    case 'dbghelp':
    case 'auto':
      return new DbghelpEngine(emit);
    case 'dbgeng':
      throw new EngineError('dbgengUnavailable', 'The dbgeng engine is not available in this build. Use "engine": "dbghelp" or "auto".');
    default:
      throw new EngineError('unknownEngine', `Unknown engine "${kind}". Use "auto", "dbgeng" or "dbghelp".`);
  }
}
