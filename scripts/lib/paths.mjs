// The one place that names the project's paths and pinned versions, so the
// setup script, the fixture build, the test runner and the tests agree on
// where things live. Everything is derived from this file's location, never
// from process.cwd(): npm runs lifecycle scripts from the repo root, but tests
// and people run scripts from anywhere.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Windows build of Node.js that runs the Windows half under Wine. Pinned: a
 *  new version is a deliberate change (setup re-fetches when this differs from
 *  .cache/node-win/package.json). */
export const NODE_WIN_VERSION = '22.22.2';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Everything downloaded or generated outside node_modules (git-ignored). */
export const cacheDir = path.join(repoRoot, '.cache');
/** npm pack tarballs; kept so a fresh node_modules (npm ci) re-extracts
 *  without going to the registry again. */
export const downloadDir = path.join(cacheDir, 'dl');
export const nodeWinDir = path.join(cacheDir, 'node-win');
export const nodeWinExe = path.join(nodeWinDir, 'bin', 'node.exe');
/** A private Wine prefix, so nothing depends on (or damages) ~/.wine. */
export const winePrefix = path.join(cacheDir, 'wine');

export const fixturesSrc = path.join(repoRoot, 'test', 'fixtures', 'src');
export const fixturesBuildRoot = path.join(repoRoot, 'test', 'fixtures', 'build');
/** One output folder per toolchain: gcc's DWARF and clang's DWARF differ in
 *  what Wine's dbghelp can do with them (see the notes on locals). */
export const fixturesBuild = {
  gcc: path.join(fixturesBuildRoot, 'gcc'),
  clang: path.join(fixturesBuildRoot, 'clang'),
};

export const testResults = path.join(repoRoot, 'test-results');

export const koffiDir = path.join(repoRoot, 'node_modules', 'koffi');
/** koffi's Windows native package; npm only installs the host platform's. */
export const koffiWinDir = path.join(repoRoot, 'node_modules', '@koromix', 'koffi-win32-x64');

/** The installed koffi version: the Windows package must match it exactly,
 *  since one node_modules serves both Linux Node and Windows Node. */
export function koffiVersion() {
  return JSON.parse(fs.readFileSync(path.join(koffiDir, 'package.json'), 'utf8')).version;
}

/** True where Windows programs need Wine (everywhere but Windows itself). */
export const needsWine = process.platform !== 'win32';

/**
 * Environment for anything run under Wine (wine, wineboot, wineserver, and
 * Windows node.exe): the private prefix, Wine's debug chatter off (it goes to
 * stderr and would drown real output), and Node's Windows-version check off
 * (Node refuses the Windows version Wine reports). `extra` wins over all.
 */
export function wineEnv(extra = {}) {
  return {
    ...process.env,
    WINEPREFIX: winePrefix,
    WINEDEBUG: '-all',
    NODE_SKIP_PLATFORM_CHECK: '1',
    ...extra,
  };
}

/**
 * How to start a Windows program from here: through `wine` on Linux, directly
 * on Windows. Returns [file, args] for child_process.spawn/execFile; pass
 * wineEnv() as its env. Remember that Windows node.exe under Wine cannot use
 * Unix pipes for stdio (redirect to files or ignore); plain mingw programs can.
 */
export function windowsCommand(exe, args = []) {
  return needsWine ? ['wine', [exe, ...args]] : [exe, args];
}
