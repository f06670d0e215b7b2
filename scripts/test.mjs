// `npm test`: make sure the machine is set up (the setup's fast path), build,
// then run every test/**/*.test.ts with Node's test runner (through tsx, so
// TypeScript runs as is).
//
//   npm test                      all tests
//   npm test -- test/native       only tests under these path prefixes
//   npm test -- test/native/layouts.test.ts --test-name-pattern=CONTEXT
//                                 (arguments starting with - go to node --test)
//
// Tests run one file at a time (--test-concurrency=1): many of them drive
// Wine, one debuggee at a time, and share one Wine prefix and server.
//
// Node 20's --test takes no globs, so the files are listed here. The spec
// reporter goes to the terminal for people; a TAP copy goes to
// test-results/tap.txt, and its closing counts give the last line,
// "N passed, N failed", for people and CI logs alike.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { repoRoot, testResults } from './lib/paths.mjs';

const testRoot = path.join(repoRoot, 'test');
// Folders that hold no tests of ours (fixtures' build output, data).
const skipDirs = new Set(['node_modules', 'build']);

function findTests(dir, out = []) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!skipDirs.has(entry.name) && !entry.name.startsWith('.')) findTests(full, out);
    } else if (entry.name.endsWith('.test.ts')) {
      out.push(full);
    }
  }
  return out;
}

/** Repo-relative, forward slashes, no trailing slash: the form prefixes are compared in. */
function normalize(p) {
  return path.relative(repoRoot, path.resolve(repoRoot, p)).split(path.sep).join('/').replace(/\/+$/, '');
}

function run(cmd, args) {
  const r = spawnSync(cmd, args, { cwd: repoRoot, stdio: 'inherit' });
  if (r.error) throw r.error;
  return r.status ?? 1;
}

const args = process.argv.slice(2);
const nodeTestArgs = args.filter((a) => a.startsWith('-'));
const prefixes = args.filter((a) => !a.startsWith('-')).map(normalize);

let files = findTests(testRoot).map(normalize).sort();
if (prefixes.length > 0) {
  const unmatched = prefixes.filter((p) => !files.some((f) => f === p || f.startsWith(`${p}/`)));
  if (unmatched.length > 0) {
    console.error(`no test files under: ${unmatched.join(', ')}`);
    process.exit(1);
  }
  files = files.filter((f) => prefixes.some((p) => f === p || f.startsWith(`${p}/`)));
}
if (files.length === 0) {
  console.error('no test files found (test/**/*.test.ts)');
  process.exit(1);
}

// Setup first: on a machine where it is all present this takes well under a
// second; where something is missing it fails with the reason, instead of
// dozens of tests failing with puzzling Wine errors.
let status = run(process.execPath, [path.join(repoRoot, 'scripts', 'setup.mjs')]);
if (status !== 0) process.exit(status);
// Tests in a real VS Code (test/extension, test/ui) need code-server and
// Chromium: installed on first use (about 4 minutes), a quick check after.
if (files.some((f) => f.startsWith('test/extension/') || f.startsWith('test/ui/'))) {
  status = run(process.execPath, [path.join(repoRoot, 'scripts', 'setup-vscode.mjs')]);
  if (status !== 0) process.exit(status);
}
status = run(process.execPath, [path.join(repoRoot, 'scripts', 'build.mjs')]);
if (status !== 0) {
  console.error('build failed; not running tests');
  process.exit(status);
}

fs.mkdirSync(testResults, { recursive: true });
const tapFile = path.join(testResults, 'tap.txt');
fs.rmSync(tapFile, { force: true }); // never report a previous run's counts

status = run(process.execPath, [
  '--import', 'tsx',
  '--test',
  '--test-concurrency=1',
  // A test that hangs (a debuggee event that never comes) fails after ten
  // minutes instead of holding the whole run; a --test-timeout given wins.
  ...(nodeTestArgs.some((a) => a.startsWith('--test-timeout')) ? [] : ['--test-timeout=600000']),
  '--test-reporter=spec', '--test-reporter-destination=stdout',
  '--test-reporter=tap', `--test-reporter-destination=${tapFile}`,
  ...nodeTestArgs,
  ...files,
]);

// The TAP stream ends with the run's totals ("# pass 12", "# fail 1", ...),
// at the start of a line; subtests' lines are indented, so these are the
// top-level totals.
const counts = {};
if (fs.existsSync(tapFile)) {
  for (const m of fs.readFileSync(tapFile, 'utf8').matchAll(/^# (pass|fail|cancelled) (\d+)$/gm)) {
    counts[m[1]] = Number(m[2]);
  }
}
if (counts.pass === undefined || counts.fail === undefined) {
  console.error(`no totals in ${path.relative(repoRoot, tapFile)}: the test run did not finish normally (exit ${status})`);
  if (status === 0) status = 1;
}
// A cancelled test (a timeout, or a failed before() hook) did not pass:
// count it as failed, and say so.
const cancelled = counts.cancelled ?? 0;
if (cancelled > 0) console.log(`(${cancelled} cancelled, counted as failed)`);
console.log(`${counts.pass ?? 0} passed, ${(counts.fail ?? 0) + cancelled} failed`);
process.exit(status);
