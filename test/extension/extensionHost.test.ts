/**
 * The extension tests (mocha, test/extension/suite) inside a real VS Code
 * extension host, as @vscode/test-electron runs them: here in code-server
 * (VS Code 1.139's workbench and extension host) shown in headless
 * Chromium, with the repository as the extension under development.
 * The suite starts a debug session on the sample under Wine, checks the
 * stack through the VS Code API, runs "Show raw InlineFrameContext" and
 * checks its document and the language server's answers.
 *
 * Each mocha test becomes a node:test subtest here, so they count in
 * `N passed, N failed`.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { CodeServer, codeServerUnavailable, launchBrowser, processGroupMembers, testResults, waitForWorkbench } from '../support/codeServer';
import { repoRoot } from '../support/fixtures';
import { processesRunning } from '../support/processes';
import { startSpinningProgram, type RunningProgram } from '../support/runningProgram';

const suiteIndex = path.join(repoRoot, 'dist-test', 'extension', 'index.js');
const report = path.join(testResults, 'extension-tests.json');
const skip = codeServerUnavailable();

interface Report { done: boolean; results: { title: string; state: string; durationMs?: number; error?: string }[] }

describe('extension tests in a real VS Code extension host (code-server)', { skip }, () => {
  let server: CodeServer | undefined;
  let browser: Browser | undefined;
  let exitCode: number | undefined;
  let results: Report | undefined;
  let pgid = 0;
  // The program the attach test attaches to (and must leave running).
  let spinning: RunningProgram | undefined;

  before(async () => {
    assert.ok(fs.existsSync(suiteIndex), `${suiteIndex} is not built (scripts/build.mjs builds it)`);
    fs.rmSync(report, { force: true });
    spinning = await startSpinningProgram();
    server = await CodeServer.start({
      args: ['--vscode-option', 'enable-smoke-test-driver'],
      env: {
        DBGENG_TEST_ATTACH_PID: String(spinning.pid),
        ...(process.env.DBGENG_EXTENSION_TEST_GREP ? { DBGENG_EXTENSION_TEST_GREP: process.env.DBGENG_EXTENSION_TEST_GREP } : {}),
      },
    });
    pgid = server.process.pid!;
    browser = await launchBrowser();
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const exited = new Promise<number>((resolve) => void page.exposeFunction('codeAutomationExit', (code: number) => resolve(code)));
    const remote = (p: string) => `vscode-remote://remote${p}`;
    const payload = JSON.stringify([['extensionDevelopmentPath', remote(repoRoot)], ['extensionTestsPath', remote(suiteIndex)]]);
    await page.goto(`${server.url}?folder=${encodeURIComponent(path.join(repoRoot, 'test', 'fixtures'))}&payload=${encodeURIComponent(payload)}`);
    await waitForWorkbench(page);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('the extension tests did not finish within 5 minutes')), 300_000);
    });
    try {
      exitCode = await Promise.race([exited, timeout]);
    } finally {
      clearTimeout(timer);
      await page.screenshot({ path: path.join(testResults, 'extension-tests.png') }).catch(() => undefined);
      if (fs.existsSync(report)) results = JSON.parse(fs.readFileSync(report, 'utf8')) as Report;
    }
  });

  after(async () => {
    spinning?.stop();
    await browser?.close().catch(() => undefined);
    if (server) {
      fs.copyFileSync(server.logFile, path.join(testResults, 'extension-tests.code-server.log'));
      await server.stop();
      fs.rmSync(server.scratch, { recursive: true, force: true });
    }
  });

  it('the suite ran to the end in the extension host and exited 0', () => {
    assert.ok(results, `no report at ${report} (exit code ${exitCode})`);
    assert.equal(results.done, true, 'the suite did not finish');
    const failed = results.results.filter((r) => r.state === 'failed');
    assert.deepEqual(failed.map((f) => `${f.title}: ${f.error}`), []);
    assert.equal(exitCode, 0);
  });

  // One node:test per mocha test, so each shows (and counts) by name.
  const titles = [
    'contributes the command, the language and the debugger',
    'refuses a configuration without a program, with a non-PE program, and attach without a process id',
    'attaches to a running program by process id, pauses it in its loop, and detaches leaving it running',
    'with the Windows Node.js missing, no session starts and the log says what is missing and what to run',
    'stops in helper with helper (Inline), middle (Inline), outer, main on the stack',
    '"Show raw InlineFrameContext" opens a windbg-stack document with the raw contexts, read by the language server',
    'the raw view refreshes at every stop (pause, continue, pause)',
    'the language server reads pasted WinDbg kb output (seed 004): symbols, hover decode, links, diagnostics',
  ];
  for (const title of titles) {
    it(`mocha: ${title}`, () => {
      const r = results?.results.find((x) => x.title === `dbgeng extension ${title}`);
      assert.ok(r, `mocha test "${title}" did not run`);
      assert.equal(r.state, 'passed', r.error);
    });
  }

  it('the program the session attached to runs on after the session ended (detached, not killed or left suspended)', async () => {
    assert.ok(spinning, 'the program was not started');
    assert.equal(spinning.exited, false, 'the attached program ended');
    assert.ok(processesRunning('inline_many.exe').length > 0, 'no inline_many.exe process');
  });

  it('leaves no code-server, adapter or debuggee process behind', async () => {
    await browser?.close();
    browser = undefined;
    await server?.stop();
    assert.deepEqual(processGroupMembers(pgid), []);
    const end = Date.now() + 10_000;
    let left = processesRunning('sample.exe');
    while (left.length && Date.now() < end) {
      await new Promise((r) => setTimeout(r, 200));
      left = processesRunning('sample.exe');
    }
    assert.deepEqual(left.filter((l) => !/<defunct>/.test(l)), []);
  });
});
