/**
 * Where the Windows half runs. On Windows: this Node. Elsewhere: the
 * Windows Node.js that setup puts in .cache/node-win, run by Wine in the
 * project's private prefix. Each can be overridden for installs that keep
 * them elsewhere. Wine's own messages are off; DBGENG_INLINE_WINEDEBUG sets
 * WINEDEBUG for the adapter (for example "err+all,+seh"), into its log file.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { InstalledPlatform } from './platformChoice';

export interface WindowsRuntime {
  /** The command that starts Windows node.exe, and its leading arguments. */
  command: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  /** True when paths must be translated (Linux editor, Windows adapter). */
  wine: boolean;
}

export interface RuntimeOptions {
  /** Package root (holds dist/ and .cache/). */
  root: string;
  wineCommand?: string;
  windowsNode?: string;
  winePrefix?: string;
  /** Extra environment for the adapter process. */
  env?: Record<string, string>;
  /** Run on Microsoft's debugger platform (platformChoice.ts), not Wine's DLLs. */
  platform?: InstalledPlatform;
  /** A dbghelp.dll the user named (dbghelpPath), to run on instead of the platform's or Wine's. */
  dbghelp?: string;
}

/**
 * Native before builtin for the platform's DLLs, so the copies beside the
 * platform's node.exe load (Wine otherwise loads its builtin dbgeng.dll and
 * dbghelp.dll whatever file is asked for). Native only: a missing DLL then
 * fails loudly instead of quietly running Wine's.
 */
export const PLATFORM_DLL_OVERRIDES = 'dbghelp,dbgcore,dbgmodel,dbgeng,msdia140=n';

export class RuntimeMissingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RuntimeMissingError';
  }
}

export function windowsRuntime(opts: RuntimeOptions): WindowsRuntime {
  if (opts.dbghelp && !fs.existsSync(opts.dbghelp)) {
    throw new Error(`dbghelpPath names ${opts.dbghelp}, which does not exist. Name a dbghelp.dll (for example the Debugging Tools for Windows' x64\\dbghelp.dll), or leave dbghelpPath out.`);
  }
  if (process.platform === 'win32') {
    // In the extension host process.execPath is VS Code itself; it runs
    // plain Node with ELECTRON_RUN_AS_NODE, in a process of its own.
    // The engine loads the platform's DLLs by absolute path, dbghelp first
    // (DBGENG_DBGHELP_PATH's where the user named one).
    const platformEnv = {
      ...(opts.platform ? { DBGENG_PLATFORM_DIR: opts.platform.bin } : {}),
      ...(opts.dbghelp ? { DBGENG_DBGHELP_PATH: path.resolve(opts.dbghelp) } : {}),
    };
    return { command: process.execPath, args: [], env: { ...process.env, ...opts.env, ...platformEnv, ELECTRON_RUN_AS_NODE: '1' }, wine: false };
  }
  const windowsNode = opts.windowsNode ?? process.env.DBGENG_INLINE_WINDOWS_NODE ?? path.join(opts.root, '.cache', 'node-win', 'bin', 'node.exe');
  let nodeExe = opts.platform ? path.join(opts.platform.bin, 'node.exe') : windowsNode;
  const prefix = opts.winePrefix ?? process.env.DBGENG_INLINE_WINEPREFIX ?? path.join(opts.root, '.cache', 'wine');
  const wine = opts.wineCommand ?? process.env.DBGENG_INLINE_WINE ?? 'wine';
  if (!fs.existsSync(nodeExe)) {
    throw new RuntimeMissingError(`The Windows Node.js is missing (${nodeExe}). Run "npm run setup" in ${opts.root} to install it.`);
  }
  if (!onPath(wine)) {
    throw new RuntimeMissingError(`Wine is not installed ("${wine}" not found). Run "npm run setup" as root, or: sudo apt-get install -y wine wine64`);
  }
  let dllDir = opts.platform?.bin;
  if (opts.dbghelp) {
    dllDir = stageDbghelp(opts.root, nodeExe, opts.dbghelp, opts.platform);
    nodeExe = path.join(dllDir, 'node.exe');
  }
  const overrides = opts.platform ? PLATFORM_DLL_OVERRIDES : opts.dbghelp ? 'dbghelp=n' : undefined;
  return {
    command: wine,
    args: [nodeExe],
    env: {
      ...process.env, ...opts.env, WINEPREFIX: prefix, WINEDEBUG: process.env.DBGENG_INLINE_WINEDEBUG ?? '-all', NODE_SKIP_PLATFORM_CHECK: '1',
      ...(overrides ? { WINEDLLOVERRIDES: overrides } : {}),
      ...(opts.platform && dllDir ? { DBGENG_PLATFORM_DIR: toWine(dllDir) } : {}),
      ...(opts.dbghelp && dllDir ? { DBGENG_DBGHELP_PATH: toWine(path.join(dllDir, 'dbghelp.dll')) } : {}),
    },
    wine: true,
  };
}

const toWine = (p: string) => `Z:${p.replace(/\//g, '\\')}`;

/**
 * Under Wine the process's dbghelp is decided when node.exe starts: node.exe
 * imports dbghelp.dll, Wine looks for it first in node.exe's own folder, and
 * every later load of that name gets the same module. So a dbghelp the user
 * names is put beside a link of node.exe in a folder of its own
 * (.cache/staged/<hash of its path, size and time>), with the platform's other
 * DLLs linked beside them when a platform is in use. Links where the file
 * system allows, copies where not; made once, reused after.
 */
function stageDbghelp(root: string, nodeExe: string, dbghelp: string, platform: InstalledPlatform | undefined): string {
  const st = fs.statSync(dbghelp);
  const key = crypto.createHash('sha256').update(`${path.resolve(dbghelp)}\0${st.size}\0${st.mtimeMs}\0${platform?.bin ?? ''}`).digest('hex').slice(0, 16);
  const dir = path.join(root, '.cache', 'staged', key);
  if (fs.existsSync(path.join(dir, 'ready'))) return dir;
  fs.mkdirSync(dir, { recursive: true });
  const place = (from: string, name: string) => {
    const to = path.join(dir, name);
    fs.rmSync(to, { force: true });
    try {
      fs.linkSync(from, to);
    } catch {
      fs.copyFileSync(from, to);
    }
  };
  if (platform) {
    for (const name of fs.readdirSync(platform.bin)) {
      if (name.toLowerCase().endsWith('.dll') && name.toLowerCase() !== 'dbghelp.dll') place(path.join(platform.bin, name), name);
    }
  }
  place(nodeExe, 'node.exe');
  place(dbghelp, 'dbghelp.dll');
  fs.writeFileSync(path.join(dir, 'ready'), `${path.resolve(dbghelp)}\n`);
  return dir;
}

function onPath(cmd: string): boolean {
  if (cmd.includes('/')) return fs.existsSync(cmd);
  return (process.env.PATH ?? '').split(path.delimiter).some((dir) => dir && fs.existsSync(path.join(dir, cmd)));
}
