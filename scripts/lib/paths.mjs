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
  pdb: path.join(fixturesBuildRoot, 'pdb'),
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

/**
 * Microsoft's debugger platform (dbgeng, dbghelp, dbgcore, dbgmodel), from
 * the NuGet package Microsoft.Debugging.Platform.DbgEng. Its licence is the
 * Windows SDK's: the user's own setup fetches it into .cache/, and no copy
 * is ever committed or packed into the .vsix. Pinned: version and the
 * package's SHA-512 change together, on purpose.
 */
export const PLATFORM = {
  id: 'Microsoft.Debugging.Platform.DbgEng',
  version: '20260109.1235.0',
  /** SHA-512 of the .nupkg, base64 (NuGet's own .nupkg.sha512 form). */
  sha512: '3IBgRyA+N34m6kM3luaLxbzzZPG4FMJRqYcBoiJ9DV8M8knqz5S5Xr86jTZdKtJHbIN9LduQ9YPAqDE4NPd9hQ==',
  licence: 'Microsoft Windows SDK licence',
  licenceUrl: 'https://aka.ms/WinSDKLicenseURL',
  /** The DLLs the engines load, from the package's content/amd64. */
  dlls: ['dbghelp.dll', 'dbgcore.dll', 'dbgmodel.dll', 'dbgeng.dll', 'msdia140.dll'],
};
export const platformRoot = path.join(cacheDir, 'ms-platform');
/** NuGet's global packages folder for the restore (NUGET_PACKAGES). */
export const platformNugetDir = path.join(platformRoot, 'nuget');
/** The restored package, as NuGet lays it out (content/, build/native/inc/ ...). */
export const platformPackageDir = path.join(platformNugetDir, PLATFORM.id.toLowerCase(), PLATFORM.version);
export const platformHeadersDir = path.join(platformPackageDir, 'build', 'native', 'inc');
/**
 * The folder the engine host runs from on the Microsoft platform: the x64
 * DLLs and a (hard-linked) Windows node.exe side by side. node.exe itself
 * imports dbghelp.dll, and a process can hold only one dbghelp that dbgeng
 * will use: from this folder, the program's own, Microsoft's is the one
 * loaded first, for node and dbgeng alike.
 */
export const platformBinDir = path.join(platformRoot, 'amd64');
/** Written last by a complete install: the version and what was checked. */
export const platformManifest = path.join(platformBinDir, 'platform.json');
