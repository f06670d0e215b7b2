/**
 * Which debugger platform a session's adapter runs on, decided before the
 * adapter starts, because it decides how the process starts:
 *
 *   microsoft  Microsoft's dbgeng, dbghelp, dbgcore and dbgmodel, from the
 *              NuGet package setup fetched (.cache/ms-platform/amd64).
 *              Off Windows the adapter is that folder's node.exe under Wine,
 *              with native DLLs chosen over Wine's builtin ones: node.exe
 *              imports dbghelp.dll itself, so the first dbghelp in the
 *              process must already be Microsoft's for dbgeng to work.
 *   wine       Wine's own DLLs (dbgeng is stubs there, so the dbghelp engine
 *              runs, on Wine's dbghelp, which also reads DWARF).
 *
 * The rule: Microsoft's platform reads PDB, not DWARF. A program whose
 * debug directory names a PDB, a crash dump, or an explicit `engine:
 * dbgeng` run on it when it is installed; a DWARF program, or an attach
 * under `auto` or `dbghelp`, runs on Wine's.
 */
import fs from 'node:fs';
import path from 'node:path';
import { NotAProgramError, readDebugInfo } from './debugInfo';

export type PlatformName = 'microsoft' | 'wine';

export interface PlatformChoice {
  platform: PlatformName;
  /** One line for the user: which platform, and why. */
  reason: string;
  /** Set when `platform` is microsoft. */
  installed?: InstalledPlatform;
}

/** What the adapter process needs to start on the chosen platform (client/windowsRuntime.ts). */
export function platformRuntime(choice: PlatformChoice): { platform?: InstalledPlatform; env: Record<string, string> } {
  return { platform: choice.installed, env: { DBGENG_PLATFORM_REASON: choice.reason } };
}

export interface InstalledPlatform {
  /** The folder holding the DLLs (and, off Windows, node.exe). */
  bin: string;
  version: string;
  id: string;
}

/**
 * The platform setup installed under `root`, if complete (scripts/lib/paths.mjs
 * names the same folder; setup writes platform.json last).
 */
export function installedPlatform(root: string): InstalledPlatform | undefined {
  const bin = path.join(root, '.cache', 'ms-platform', 'amd64');
  try {
    const m = JSON.parse(fs.readFileSync(path.join(bin, 'platform.json'), 'utf8')) as { id: string; version: string };
    if (!fs.existsSync(path.join(bin, 'dbgeng.dll')) || !fs.existsSync(path.join(bin, 'dbghelp.dll'))) return undefined;
    return { bin, version: m.version, id: m.id };
  } catch {
    return undefined;
  }
}

export interface SessionTarget {
  engine?: string;
  program?: string;
  dumpFile?: string;
  /** An attach: no program file to read. */
  processId?: number;
  /** The user named a dbgeng.dll: it is theirs to choose, on Wine's side. */
  dbgengPath?: string;
}

export function choosePlatform(root: string, target: SessionTarget, installed = installedPlatform(root)): PlatformChoice {
  const engine = target.engine ?? 'auto';
  if (target.dbgengPath) return { platform: 'wine', reason: `dbgengPath names ${target.dbgengPath}` };
  if (!installed) {
    return { platform: 'wine', reason: "Microsoft's debugger platform is not installed (run `npm run setup` with dotnet on PATH to fetch it); on Wine's DLLs" };
  }
  const ms = `Microsoft's debugger platform (${installed.id} ${installed.version})`;
  const microsoft = (why: string): PlatformChoice => ({ platform: 'microsoft', reason: `${ms}: ${why}`, installed });
  if (engine === 'dbgeng') return microsoft('the configuration asks for dbgeng');
  if (target.dumpFile) return microsoft('crash dumps are read by dbgeng');
  // An attach names a process, not a file: what debug information it carries
  // is not known before the adapter starts. Wine's dbghelp reads both kinds.
  if (!target.program) return { platform: 'wine', reason: 'attaching to a process whose debug information is not known in advance (set "engine": "dbgeng" for Microsoft\'s dbgeng)' };
  let info;
  try {
    info = readDebugInfo(target.program);
  } catch (e) {
    // The adapter's own launch checks say what is wrong with the file.
    const why = e instanceof NotAProgramError ? e.message : (e as Error).message;
    return { platform: 'wine', reason: `the program's debug information cannot be read (${why})` };
  }
  if (info.pdb) return microsoft(`the program's debug directory names the PDB ${info.pdb}`);
  if (info.dwarf) return { platform: 'wine', reason: "the program carries DWARF, which only Wine's dbghelp reads" };
  return microsoft('the program names no debug information');
}
