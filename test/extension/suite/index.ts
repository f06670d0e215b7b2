/**
 * Entry of the extension tests inside a real extension host, the way
 * @vscode/test-electron runs them: VS Code loads this module (given as
 * extensionTestsPath) and awaits run(). The same bundle runs under
 * test-electron (scripts/test-electron.mjs, where VS Code can be downloaded)
 * and under code-server (test/extension/extensionHost.test.ts, here).
 *
 * Results also go to test-results/extension-tests.json, because console
 * output from the extension host is not reliable under code-server.
 */
import fs from 'node:fs';
import path from 'node:path';
import Mocha from 'mocha';
import { defineTests } from './extension.tests';

export const repoRoot = path.resolve(__dirname, '..', '..');
const reportFile = process.env.DBGENG_EXTENSION_TEST_REPORT ?? path.join(repoRoot, 'test-results', 'extension-tests.json');

interface Result { title: string; state: 'passed' | 'failed' | 'pending'; durationMs?: number; error?: string }

export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', timeout: 120_000, color: false, reporter: 'spec', grep: process.env.DBGENG_EXTENSION_TEST_GREP || undefined });
  // Make describe/it global for the bundled test definitions, as mocha does
  // for each file it loads itself.
  mocha.suite.emit('pre-require', globalThis, 'extension.tests', mocha);
  defineTests();
  const results: Result[] = [];
  const write = (done: boolean) => {
    fs.mkdirSync(path.dirname(reportFile), { recursive: true });
    fs.writeFileSync(reportFile, JSON.stringify({ done, results }, null, 2));
  };
  write(false);
  return new Promise((resolve, reject) => {
    const runner = mocha.run((failures) => {
      write(true);
      if (failures > 0) reject(new Error(`${failures} extension test(s) failed.`));
      else resolve();
    });
    runner.on('pass', (t) => { results.push({ title: t.fullTitle(), state: 'passed', durationMs: t.duration }); write(false); });
    runner.on('fail', (t, err: Error) => { results.push({ title: t.fullTitle(), state: 'failed', error: `${err.message}\n${err.stack ?? ''}` }); write(false); });
    runner.on('pending', (t) => results.push({ title: t.fullTitle(), state: 'pending' }));
  });
}
