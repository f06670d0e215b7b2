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
import { describeModule, loadedModulePath } from '../win32/moduleInfo';

export interface EngineOptions {
  /** A dbgeng.dll to use instead of the system's (Debugging Tools for Windows, or a test double). */
  dbgengPath?: string;
}

/**
 * Microsoft's debugger platform, when the client started this process on it
 * (client/platformChoice.ts): the folder of its DLLs, and why it was chosen.
 */
function platformDir(): string | undefined {
  return process.env.DBGENG_PLATFORM_DIR || undefined;
}

/**
 * "on Microsoft's dbghelp 10.0... (path)" / "on Wine's builtin dbghelp
 * (path)": the dbghelp this process really loaded; the user's, by its path,
 * where dbghelpPath named one (on Windows it can be a second module beside
 * the one node.exe imported).
 */
function dbghelpInUse(): string {
  const named = process.env.DBGENG_DBGHELP_PATH;
  return describeModule('dbghelp.dll', named && loadedModulePath(named) ? loadedModulePath(named) : loadedModulePath('dbghelp.dll'), getWineVersion() !== null);
}

export function createEngine(kind: string, emit: EventSink, options: EngineOptions = {}): Engine {
  const platform = platformDir();
  const dbgengPath = options.dbgengPath ?? (platform ? `${platform}\\dbgeng.dll` : undefined);
  const why = process.env.DBGENG_PLATFORM_REASON ? `; ${process.env.DBGENG_PLATFORM_REASON}` : '';
  switch (kind) {
    case 'dbghelp':
      return new DbghelpEngine(emit, `dbghelp engine, as the launch configuration asks, on ${dbghelpInUse()}${why}`);
    case 'auto':
    case 'dbgeng': {
      const probe = openDbgeng(dbgengPath);
      if (probe.opened) {
        const wine = getWineVersion() !== null;
        return new DbgengEngine(emit, probe.opened, `dbgeng engine: ${describeModule('dbgeng.dll', probe.dll, wine && !!platform)}, on ${dbghelpInUse()}${why}`, wine && !!platform);
      }
      if (kind === 'dbgeng') {
        throw new EngineError('dbgengUnavailable',
          `The dbgeng engine cannot run: ${probe.missing}. Install the Debugging Tools for Windows and set "dbgengPath" to its x64 dbgeng.dll, or set "engine" to "dbghelp" (or "auto", which falls back to it).`);
      }
      const wine = getWineVersion();
      return new DbghelpEngine(emit, `dbghelp engine on ${dbghelpInUse()}: dbgeng is not usable (${probe.missing})${wine ? `; running under Wine ${wine}` : ''}${why}`);
    }
    default:
      throw new EngineError('unknownEngine', `Unknown engine "${kind}". Use "auto", "dbgeng" or "dbghelp".`);
  }
}
