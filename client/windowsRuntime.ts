/**
 * Where the Windows half runs. On Windows: this Node. Elsewhere: the
 * Windows Node.js that setup puts in .cache/node-win, run by Wine in the
 * project's private prefix. Each can be overridden for installs that keep
 * them elsewhere.
 */
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
  if (process.platform === 'win32') {
    // In the extension host process.execPath is VS Code itself; it runs
    // plain Node with ELECTRON_RUN_AS_NODE, in a process of its own.
    // The engine loads the platform's DLLs by absolute path, dbghelp first.
    const platformEnv = opts.platform ? { DBGENG_PLATFORM_DIR: opts.platform.bin } : {};
    return { command: process.execPath, args: [], env: { ...process.env, ...opts.env, ...platformEnv, ELECTRON_RUN_AS_NODE: '1' }, wine: false };
  }
  const nodeExe = opts.platform
    ? path.join(opts.platform.bin, 'node.exe')
    : opts.windowsNode ?? process.env.DBGENG_INLINE_WINDOWS_NODE ?? path.join(opts.root, '.cache', 'node-win', 'bin', 'node.exe');
  const prefix = opts.winePrefix ?? process.env.DBGENG_INLINE_WINEPREFIX ?? path.join(opts.root, '.cache', 'wine');
  const wine = opts.wineCommand ?? process.env.DBGENG_INLINE_WINE ?? 'wine';
  if (!fs.existsSync(nodeExe)) {
    throw new RuntimeMissingError(`The Windows Node.js is missing (${nodeExe}). Run "npm run setup" in ${opts.root} to install it.`);
  }
  if (!onPath(wine)) {
    throw new RuntimeMissingError(`Wine is not installed ("${wine}" not found). Run "npm run setup" as root, or: sudo apt-get install -y wine wine64`);
  }
  return {
    command: wine,
    args: [nodeExe],
    env: {
      ...process.env, ...opts.env, WINEPREFIX: prefix, WINEDEBUG: '-all', NODE_SKIP_PLATFORM_CHECK: '1',
      ...(opts.platform ? { WINEDLLOVERRIDES: PLATFORM_DLL_OVERRIDES, DBGENG_PLATFORM_DIR: `Z:${opts.platform.bin.replace(/\//g, '\\')}` } : {}),
    },
    wine: true,
  };
}

function onPath(cmd: string): boolean {
  if (cmd.includes('/')) return fs.existsSync(cmd);
  return (process.env.PATH ?? '').split(path.delimiter).some((dir) => dir && fs.existsSync(path.join(dir, cmd)));
}
