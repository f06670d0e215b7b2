/**
 * Chooses and builds the engine for a session.
 *   auto     dbgeng when DebugCreate works and IDebugControl5 and
 *            IDebugSymbols5 are there; otherwise the dbghelp engine.
 *   dbgeng   dbgeng or a clear error saying what is missing.
 *   dbghelp  the Win32 debugging API with dbghelp.
 * The reason for the choice travels with the engine, to be shown to the user.
 */
import type { Engine, EventSink } from './engine';
import { EngineError } from './engineError';
import { DbghelpEngine } from './dbghelp/dbghelpEngine';
import { DbgengEngine } from '../dbgeng/dbgengEngine';
import { openDbgeng } from '../dbgeng/openDbgeng';
import { getWineVersion } from '../win32/platform';

export interface EngineOptions {
  /** A dbgeng.dll to use instead of the system's (Debugging Tools for Windows, or a test double). */
  dbgengPath?: string;
}

export function createEngine(kind: string, emit: EventSink, options: EngineOptions = {}): Engine {
  switch (kind) {
    case 'dbghelp':
      return new DbghelpEngine(emit, 'dbghelp engine, as the launch configuration asks');
    case 'auto':
    case 'dbgeng': {
      const probe = openDbgeng(options.dbgengPath);
      if (probe.opened) return new DbgengEngine(emit, probe.opened, `dbgeng engine (${probe.dll})`);
      if (kind === 'dbgeng') {
        throw new EngineError('dbgengUnavailable',
          `The dbgeng engine cannot run: ${probe.missing}. Install the Debugging Tools for Windows and set "dbgengPath" to its x64 dbgeng.dll, or set "engine" to "dbghelp" (or "auto", which falls back to it).`);
      }
      const wine = getWineVersion();
      return new DbghelpEngine(emit, `dbghelp engine: dbgeng is not usable (${probe.missing})${wine ? `; running under Wine ${wine}` : ''}`);
    }
    default:
      throw new EngineError('unknownEngine', `Unknown engine "${kind}". Use "auto", "dbgeng" or "dbghelp".`);
  }
}
