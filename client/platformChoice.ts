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
  /** The dbghelp.dll the user named (dbghelpPath), to run on instead of the platform's. */
  dbghelp?: string;
}

/** What the adapter process needs to start on the chosen platform (client/windowsRuntime.ts). */
export function platformRuntime(choice: PlatformChoice): { platform?: InstalledPlatform; dbghelp?: string; env: Record<string, string> } {
  return { platform: choice.installed, dbghelp: choice.dbghelp, env: { DBGENG_PLATFORM_REASON: choice.reason } };
}

export interface InstalledPlatform {
  /** The folder holding the DLLs (and, off Windows, node.exe). */
  bin: string;
  /** What it is: the NuGet package's id, "Debugging Tools for Windows" or "WinDbg". */
  id: string;
  /** The package's or WinDbg's version; '' where the folder does not say (the Engine line names each DLL's own). */
  version: string;
}

/** The places a platform is looked for, and the machine they are looked for on. */
export interface PlatformLookup {
  os?: NodeJS.Platform;
  env?: Record<string, string | undefined>;
}

/**
 * The platform a session can run on, first found of:
 *   1. the NuGet package setup installed under `root` (.cache/ms-platform;
 *      scripts/lib/paths.mjs names the same folder; setup writes
 *      platform.json last, so a half-written copy is not taken);
 *   2. on Windows, the Debugging Tools for Windows of a Windows SDK or WDK
 *      (%ProgramFiles(x86)%\Windows Kits\10\Debuggers\x64, then the same
 *      under %ProgramFiles%);
 *   3. on Windows, WinDbg from the Store or winget, whose package folder
 *      (%ProgramFiles%\WindowsApps\Microsoft.WinDbg_<version>_x64__8wekyb3d8bbwe\amd64)
 *      holds the same DLLs; the newest version, where the folder may be listed.
 * A folder counts only with both dbgeng.dll and dbghelp.dll in it.
 */
export function installedPlatform(root: string, lookup: PlatformLookup = {}): InstalledPlatform | undefined {
  const os = lookup.os ?? process.platform;
  const env = lookup.env ?? process.env;
  const nuget = nugetPlatform(root);
  // (os and env are parameters so that the Windows lookup can be tested off Windows, on a folder tree laid out the same.)
  if (nuget || os !== 'win32') return nuget;
  for (const programFiles of [env['ProgramFiles(x86)'], env.ProgramFiles]) {
    if (!programFiles) continue;
    const bin = path.join(programFiles, 'Windows Kits', '10', 'Debuggers', 'x64');
    if (hasEngine(bin)) return { bin, id: 'Debugging Tools for Windows', version: '' };
  }
  if (env.ProgramFiles) {
    const apps = path.join(env.ProgramFiles, 'WindowsApps');
    let names: string[] = [];
    try {
      names = fs.readdirSync(apps);
    } catch {
      // Listing WindowsApps needs rights a user may not have: then WinDbg is not found this way.
    }
    const windbg = names
      .map((name) => ({ name, version: /^Microsoft\.WinDbg_([\d.]+)_x64__8wekyb3d8bbwe$/i.exec(name)?.[1] }))
      .filter((x): x is { name: string; version: string } => !!x.version)
      .sort((a, b) => compareVersions(b.version, a.version));
    for (const w of windbg) {
      const bin = path.join(apps, w.name, 'amd64');
      if (hasEngine(bin)) return { bin, id: 'WinDbg', version: w.version };
    }
  }
  return undefined;
}

function nugetPlatform(root: string): InstalledPlatform | undefined {
  const bin = path.join(root, '.cache', 'ms-platform', 'amd64');
  try {
    const m = JSON.parse(fs.readFileSync(path.join(bin, 'platform.json'), 'utf8')) as { id: string; version: string };
    return hasEngine(bin) ? { bin, version: m.version, id: m.id } : undefined;
  } catch {
    return undefined;
  }
}

const hasEngine = (bin: string) => fs.existsSync(path.join(bin, 'dbgeng.dll')) && fs.existsSync(path.join(bin, 'dbghelp.dll'));

function compareVersions(a: string, b: string): number {
  const x = a.split('.').map(Number);
  const y = b.split('.').map(Number);
  for (let i = 0; i < Math.max(x.length, y.length); i++) if ((x[i] ?? 0) !== (y[i] ?? 0)) return (x[i] ?? 0) - (y[i] ?? 0);
  return 0;
}

export interface SessionTarget {
  engine?: string;
  program?: string;
  dumpFile?: string;
  /** An attach: no program file to read. */
  processId?: number;
  /** The user named a dbgeng.dll: it is theirs to choose, on Wine's side. */
  dbgengPath?: string;
  /** The user named a dbghelp.dll: the engine runs on it, whichever platform the rest comes from. */
  dbghelpPath?: string;
}

export function choosePlatform(root: string, target: SessionTarget, installed = installedPlatform(root)): PlatformChoice {
  const choice = choosePlatformDlls(target, installed);
  if (!target.dbghelpPath) return choice;
  return { ...choice, dbghelp: target.dbghelpPath, reason: `${choice.reason}; dbghelp from dbghelpPath ${target.dbghelpPath}` };
}

function choosePlatformDlls(target: SessionTarget, installed: InstalledPlatform | undefined): PlatformChoice {
  const engine = target.engine ?? 'auto';
  if (target.dbgengPath) return { platform: 'wine', reason: `dbgengPath names ${target.dbgengPath}` };
  if (!installed) {
    return { platform: 'wine', reason: "Microsoft's debugger platform is not installed (run `npm run setup` with dotnet on PATH to fetch it); on Wine's DLLs" };
  }
  const ms = `Microsoft's debugger platform (${[installed.id, installed.version].filter(Boolean).join(' ')}${installed.id.startsWith('Microsoft.') ? '' : `, ${installed.bin}`})`;
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
