/**
 * The packed extension as a person uses it: `npx @vscode/vsce package`
 * makes the .vsix, code-server installs it, and headless Chromium drives
 * the workbench. F5 on a launch.json for the sample stops in the inlined
 * helper; the CALL STACK panel (its DOM) shows the "(Inline)" frames; then
 * "Show raw InlineFrameContext" from the command palette opens the raw view,
 * highlighted by the grammar. Screenshots go to test-results/.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { CodeServer, codeServerUnavailable, launchBrowser, processGroupMembers, testResults, waitForWorkbench } from '../support/codeServer';
import { fixtureExe, repoRoot } from '../support/fixtures';

const skip = codeServerUnavailable();
const vsix = path.join(testResults, 'dbgeng-inline.vsix');

/** The text of the Monaco editor lines on screen (non-breaking spaces as spaces). */
async function editorText(page: Page): Promise<string> {
  return (await page.locator('.editor-group-container.active .monaco-editor .view-lines').first().innerText()).replace(/\u00a0/g, ' ');
}

describe('UI: the packed .vsix in code-server, driven in headless Chromium', { skip }, () => {
  let server: CodeServer | undefined;
  let browser: Browser | undefined;
  let page: Page;
  let workspace: string;
  let pgid = 0;

  before(async () => {
    fs.mkdirSync(testResults, { recursive: true });
    workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'dbgeng-ui-ws-'));
    fs.mkdirSync(path.join(workspace, '.vscode'));
    fs.writeFileSync(path.join(workspace, '.vscode', 'launch.json'), JSON.stringify({
      version: '0.2.0',
      configurations: [{ type: 'dbgeng', request: 'launch', name: 'sample (break in helper)', program: fixtureExe('sample'), args: ['break'] }],
    }, null, 2));
  });

  after(async () => {
    await browser?.close().catch(() => undefined);
    if (server) {
      fs.copyFileSync(server.logFile, path.join(testResults, 'ui.code-server.log'));
      await server.stop();
      fs.rmSync(server.scratch, { recursive: true, force: true });
    }
    fs.rmSync(workspace, { recursive: true, force: true });
  });

  it('vsce packs a .vsix with the adapter, the language server, the grammar and koffi\'s Windows native code', () => {
    const r = spawnSync(process.execPath, [path.join(repoRoot, 'scripts', 'package-vsix.mjs'), '--out', vsix], { cwd: repoRoot, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stdout + r.stderr);
    const entries = spawnSync('unzip', ['-Z1', vsix], { encoding: 'utf8' }).stdout.split('\n');
    for (const f of ['extension/dist/extension.js', 'extension/dist/adapter.js', 'extension/dist/engine-host.js', 'extension/dist/language-server.js',
      'extension/syntaxes/windbg-stack.tmLanguage.json', 'extension/node_modules/koffi/index.cjs',
      'extension/node_modules/@koromix/koffi-win32-x64/win32_x64/koffi.node']) {
      assert.ok(entries.includes(f), `${f} is not in the .vsix`);
    }
    // Nothing that only builds or tests: no sources, no test suite, no dev tools.
    assert.deepEqual(entries.filter((e) => /^extension\/(src|adapter|native|test|dist-test)\/|node_modules\/(typescript|esbuild|mocha|playwright-core)\//.test(e)), []);
  });

  it('installs into code-server; F5 stops in helper and the CALL STACK shows the (Inline) frames', async () => {
    server = await CodeServer.start({
      install: [vsix],
      settings: {
        // The installed extension has no .cache of its own: use the project's Windows Node and Wine prefix.
        'dbgeng.windowsNodePath': path.join(repoRoot, '.cache', 'node-win', 'bin', 'node.exe'),
        'dbgeng.winePrefix': path.join(repoRoot, '.cache', 'wine'),
      },
    });
    pgid = server.process.pid!;
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(`${server.url}?folder=${encodeURIComponent(workspace)}`);
    await waitForWorkbench(page);
    await page.waitForTimeout(4000); // the workbench settles (extensions scanned, launch.json read)
    const stack = page.locator('.debug-call-stack');
    // F5 pressed before the workbench has read launch.json does nothing: press again if no session starts.
    for (let attempt = 1; ; attempt++) {
      await page.locator('.monaco-workbench').click({ position: { x: 700, y: 400 } });
      await page.keyboard.press('F5');
      const started = await page.locator('.debug-toolbar').waitFor({ timeout: 20_000 }).then(() => true, () => false);
      if (started) break;
      if (attempt === 3) {
        await page.screenshot({ path: path.join(testResults, 'ui-call-stack-failed.png') });
        assert.fail('F5 started no debug session (three tries)');
      }
    }
    await stack.getByText('helper (Inline)', { exact: false }).first().waitFor({ timeout: 90_000 })
      .catch(async (e) => {
        await page.screenshot({ path: path.join(testResults, 'ui-call-stack-failed.png') });
        throw e;
      });
    await page.waitForTimeout(500);
    await page.screenshot({ path: path.join(testResults, 'ui-call-stack.png') });
    const rows = (await stack.locator('.monaco-list-row').allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim());
    fs.writeFileSync(path.join(testResults, 'ui-call-stack.txt'), rows.join('\n') + '\n');
    const at = rows.findIndex((r) => r.startsWith('helper (Inline)'));
    assert.ok(at >= 0, `no "helper (Inline)" row in the CALL STACK: ${JSON.stringify(rows)}`);
    assert.ok(rows[at + 1]?.startsWith('middle (Inline)'), JSON.stringify(rows));
    assert.ok(rows[at + 2]?.startsWith('outer'), JSON.stringify(rows));
    assert.ok(rows[at + 3]?.startsWith('main'), JSON.stringify(rows));
  });

  it('"Show raw InlineFrameContext" from the command palette opens the raw view, highlighted by the grammar', async () => {
    assert.ok(page, 'the debug session did not start');
    await page.keyboard.press('F1');
    const input = page.locator('.quick-input-widget input');
    await input.waitFor();
    await input.fill('>Show raw InlineFrameContext');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Show raw InlineFrameContext' }).first().waitFor({ timeout: 10_000 });
    await page.keyboard.press('Enter');
    await page.locator('.tab', { hasText: 'Raw InlineFrameContext' }).first().waitFor({ timeout: 30_000 });
    const lines = page.locator('.editor-group-container.active .monaco-editor .view-lines');
    await lines.getByText('sample!helper').first().waitFor({ timeout: 30_000 });
    await page.waitForTimeout(1000); // tokenization and the language server's decorations
    await page.screenshot({ path: path.join(testResults, 'ui-raw-view.png') });
    fs.writeFileSync(path.join(testResults, 'ui-raw-view.html'), await lines.first().innerHTML());
    const text = await editorText(page);
    fs.writeFileSync(path.join(testResults, 'ui-raw-view.txt'), text + '\n');
    assert.match(text, /Raw InlineFrameContext: thread \d+, engine \w+, encoding (wine|windows)/);
    assert.match(text, /# Child-SP +RetAddr +InlineCtx Decoded +Call Site/);
    assert.match(text, /\(Inline\) +-{16} [0-9a-f]{8} +\S+ +sample!helper \[.*sample\.c @ \d+\]/);
    assert.match(text, /\(Inline\) +-{16} [0-9a-f]{8} +\S+ +sample!middle/);
    assert.match(text, /[0-9a-f]{16} [0-9a-f]{16} [0-9a-f]{8} +\S+ +sample!outer\+0x/);
    // The status bar names the language.
    await page.locator('.statusbar-item', { hasText: 'WinDbg stack' }).first().waitFor({ timeout: 10_000 });
    // Highlighted: "(Inline)" and the function name are tokens of their own,
    // colored unlike plain text (Monaco's mtk1) and unlike each other.
    // (Monaco splits "(Inline)" at its brackets for bracket-pair colors.)
    const classOf = async (t: string) => (await lines.locator('span > span', { hasText: new RegExp(`^${t}$`) }).first().getAttribute('class', { timeout: 10_000 })) ?? '';
    const inlineClass = await classOf('Inline');
    const fnClass = await classOf('helper');
    assert.match(inlineClass, /mtk\d+/);
    assert.notEqual(inlineClass.match(/mtk\d+/)?.[0], 'mtk1', `"(Inline)" is not highlighted (${inlineClass})`);
    assert.notEqual(fnClass.match(/mtk\d+/)?.[0], 'mtk1', `the function name is not highlighted (${fnClass})`);
    assert.notEqual(inlineClass, fnClass);
  });

  it("clicking the helper (Inline) frame shows its own scopes and registers in VARIABLES", async () => {
    assert.ok(page, 'the debug session did not start');
    const stack = page.locator('.debug-call-stack');
    await stack.locator('.monaco-list-row', { hasText: 'helper (Inline)' }).first().click({ timeout: 10_000 }).catch(async (e) => {
      await page.screenshot({ path: path.join(testResults, 'ui-variables-failed.png') });
      throw e;
    });
    const variables = page.locator('.debug-variables');
    for (const scope of ['Locals', 'Arguments', 'Registers']) {
      await variables.locator('.monaco-list-row', { hasText: scope }).first().waitFor({ timeout: 30_000 }).catch(async (e) => {
        await page.screenshot({ path: path.join(testResults, 'ui-variables-failed.png') });
        throw e;
      });
    }
    // Open Registers: the values come from the adapter (the list draws only the rows in view).
    // Once the tree has settled (it is drawn again when the frame's scopes arrive), open Registers.
    await page.waitForTimeout(1000);
    await variables.locator('.monaco-list-row', { hasText: 'Registers' }).first().locator('.monaco-tl-twistie').click();

    await variables.locator('.monaco-list-row', { hasText: /rsp/ }).first().waitFor({ timeout: 30_000 }).catch(async (e) => {
      await page.screenshot({ path: path.join(testResults, 'ui-variables-failed.png') });
      throw e;
    });
    await page.waitForTimeout(500);
    await page.screenshot({ path: path.join(testResults, 'ui-variables.png') });
    const rows = (await variables.locator('.monaco-list-row').allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim());
    fs.writeFileSync(path.join(testResults, 'ui-variables.txt'), rows.join('\n') + '\n');
    assert.ok(rows.some((r) => /^rax = 0x[0-9a-f]+$/.test(r)) && rows.some((r) => /^rsp = 0x[0-9a-f]+$/.test(r)), JSON.stringify(rows));
    // helper's own local, not middle's or outer's (gcc's DWARF gives Wine 8 no location for it).
    assert.ok(rows.some((r) => /^h = /.test(r)), JSON.stringify(rows));
  });

  it('Shift+F5 ends the session; nothing is left running', async () => {
    if (page) {
      await page.keyboard.press('Shift+F5');
      await page.locator('.debug-toolbar').waitFor({ state: 'hidden', timeout: 30_000 }).catch(() => undefined);
    }
    await browser?.close();
    browser = undefined;
    await server?.stop();
    if (pgid) assert.deepEqual(processGroupMembers(pgid), []);
  });
});
