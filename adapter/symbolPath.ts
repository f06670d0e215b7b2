/**
 * The symbol path the engines are given: the user's (_NT_SYMBOL_PATH and
 * _NT_ALT_SYMBOL_PATH, which dbgeng and dbghelp read from the process's
 * environment) without the plain folders that do not exist. They can hold
 * nothing, and under Wine Microsoft's dbghelp blocks on one for good
 * (measured: the launch never reached its first instruction; the search
 * waits in a DeviceIoControl to Wine's mountmgr). The path as asked is
 * kept, for the message that names the missing folders
 * (adapter/symbolNotes.ts). Called once, before any engine thread starts.
 */
import { symbolFolders } from '../client/symbolCheck';

const VARIABLES = ['_NT_SYMBOL_PATH', '_NT_ALT_SYMBOL_PATH'] as const;

/** The symbol path as the user asked for it (both variables, joined). */
export function askedSymbolPath(env: NodeJS.ProcessEnv = process.env): string {
  return env.DBGENG_INLINE_ASKED_SYMBOL_PATH ?? VARIABLES.map((v) => env[v]).filter(Boolean).join(';');
}

/** Takes the folders that do not exist out of the engines' symbol path. */
export function pruneSymbolPath(env: NodeJS.ProcessEnv = process.env): void {
  env.DBGENG_INLINE_ASKED_SYMBOL_PATH = askedSymbolPath(env);
  for (const v of VARIABLES) {
    const value = env[v];
    if (!value) continue;
    const { missing } = symbolFolders(value);
    if (missing.length) env[v] = value.split(';').filter((e) => !missing.includes(e.trim())).join(';');
  }
}
