/**
 * A real VS Code for tests: code-server (the VS Code workbench and its Node
 * extension host, installed by scripts/setup-vscode.mjs into .cache/vscode)
 * shown in headless Debian Chromium driven by playwright-core.
 *
 * Everything runs in a scratch folder (HOME, XDG_*, user data, extensions),
 * code-server in a process group of its own: stop() ends the group, and
 * with it the extension host, the language server and every debug adapter
 * (and debuggee) it started.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { freePort } from '../../client/adapterProcess';
import { repoRoot } from './fixtures';

const vscodeDir = path.join(repoRoot, '.cache', 'vscode');
export const node24 = path.join(vscodeDir, 'node', 'bin', 'node');
export const codeServerEntry = path.join(vscodeDir, 'code-server', 'node_modules', 'code-server', 'out', 'node', 'entry.js');
export const chromiumPath = '/usr/bin/chromium';
export const testResults = path.join(repoRoot, 'test-results');

/** Why a real VS Code cannot run here, or undefined when it can. */
export function codeServerUnavailable(): string | undefined {
  if (process.platform !== 'linux') return `code-server tests run on Linux (on ${process.platform} use npm run test:electron)`;
  if (!fs.existsSync(codeServerEntry)) return `code-server is not installed (${codeServerEntry}); run npm run setup:vscode`;
  if (!fs.existsSync(chromiumPath)) return `${chromiumPath} is missing; run npm run setup:vscode`;
  return undefined;
}

export interface CodeServerOptions {
  /** User settings (merged over the test defaults). */
  settings?: Record<string, unknown>;
  /** .vsix files to install before starting. */
  install?: string[];
  /** Extra code-server arguments. */
  args?: string[];
  /** Extra environment for code-server and what it starts. */
  env?: Record<string, string>;
}

export class CodeServer {
  private constructor(
    readonly scratch: string,
    readonly port: number,
    readonly process: ChildProcess,
    readonly logFile: string,
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}/`;
  }

  static async start(opts: CodeServerOptions = {}): Promise<CodeServer> {
    const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'dbgeng-vscode-'));
    const dirs = { home: path.join(scratch, 'home'), data: path.join(scratch, 'data'), extensions: path.join(scratch, 'extensions') };
    for (const d of Object.values(dirs)) fs.mkdirSync(d, { recursive: true });
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      HOME: dirs.home,
      XDG_CONFIG_HOME: path.join(dirs.home, '.config'),
      XDG_DATA_HOME: path.join(dirs.home, '.local', 'share'),
      XDG_CACHE_HOME: path.join(dirs.home, '.cache'),
      XDG_STATE_HOME: path.join(dirs.home, '.local', 'state'),
      PATH: `${path.dirname(node24)}${path.delimiter}${process.env.PATH}`,
      ...opts.env,
    };
    // What the outer `npm test` exported would leak into the extension host.
    for (const k of Object.keys(env)) if (/^npm_/i.test(k) || k === 'NODE_OPTIONS' || k === 'NODE_TEST_CONTEXT') delete env[k];
    const settingsFile = path.join(dirs.data, 'User', 'settings.json');
    fs.mkdirSync(path.dirname(settingsFile), { recursive: true });
    fs.writeFileSync(settingsFile, JSON.stringify({
      'telemetry.telemetryLevel': 'off',
      'debug.openDebug': 'openOnSessionStart',
      'workbench.startupEditor': 'none',
      'workbench.tips.enabled': false,
      'security.workspace.trust.enabled': false,
      'extensions.autoUpdate': false,
      'extensions.autoCheckUpdates': false,
      'update.mode': 'none',
      'window.restoreWindows': 'none',
      'chat.disableAIFeatures': true,
      'workbench.secondarySideBar.defaultVisibility': 'hidden',
      ...opts.settings,
    }, null, 2));
    const configFile = path.join(scratch, 'config.yaml');
    fs.writeFileSync(configFile, 'auth: none\ncert: false\n');
    const common = ['--config', configFile, '--user-data-dir', dirs.data, '--extensions-dir', dirs.extensions];
    for (const vsix of opts.install ?? []) {
      const r = spawnSync(node24, [codeServerEntry, ...common, '--force', '--install-extension', vsix], { env, encoding: 'utf8', timeout: 120_000 });
      if (r.status !== 0 || !/successfully installed/i.test(r.stdout + r.stderr)) {
        throw new Error(`installing ${vsix} into code-server failed (exit ${r.status}):\n${r.stdout}${r.stderr}`);
      }
    }
    const port = await freePort();
    const logFile = path.join(scratch, 'code-server.log');
    const log = fs.openSync(logFile, 'w');
    const child = spawn(node24, [
      codeServerEntry, ...common,
      '--bind-addr', `127.0.0.1:${port}`,
      '--auth', 'none',
      '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust', '--disable-getting-started-override',
      ...(opts.args ?? []),
    ], { env, detached: true, stdio: ['ignore', log, log] });
    fs.closeSync(log);
    const server = new CodeServer(scratch, port, child, logFile);
    try {
      await server.waitHealthy();
    } catch (e) {
      await server.stop();
      throw e;
    }
    return server;
  }

  private async waitHealthy(timeoutMs = 60_000): Promise<void> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      if (this.process.exitCode !== null) throw new Error(`code-server exited (${this.process.exitCode}):\n${this.log()}`);
      const ok = await new Promise<boolean>((resolve) => {
        const req = http.get(`${this.url}healthz`, (res) => {
          res.resume();
          resolve(res.statusCode === 200);
        });
        req.on('error', () => resolve(false));
        req.setTimeout(2000, () => req.destroy());
      });
      if (ok) return;
      if (Date.now() > end) throw new Error(`code-server did not answer on ${this.url} within ${timeoutMs / 1000} s:\n${this.log()}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  log(): string {
    try {
      return fs.readFileSync(this.logFile, 'utf8').slice(-4000);
    } catch {
      return '';
    }
  }

  /** Ends code-server's whole process group; waits until it is gone. */
  async stop(): Promise<void> {
    const pid = this.process.pid;
    if (pid === undefined) return;
    const alive = () => {
      try {
        process.kill(-pid, 0);
        return true;
      } catch {
        return false;
      }
    };
    const signal = (s: NodeJS.Signals) => {
      try {
        process.kill(-pid, s);
      } catch { /* already gone */ }
    };
    signal('SIGTERM');
    const end = Date.now() + 5000;
    while (alive() && Date.now() < end) await new Promise((r) => setTimeout(r, 100));
    if (alive()) signal('SIGKILL');
    while (alive()) await new Promise((r) => setTimeout(r, 50));
  }
}

/** Headless Chromium with the flags that work on these machines. */
export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    chromiumSandbox: false,
    args: ['--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  });
}

/** Processes of the process group (pgid) still alive: what a test must not leave behind. */
export function processGroupMembers(pgid: number): string[] {
  const out = spawnSync('ps', ['-eo', 'pgid=,pid=,args='], { encoding: 'utf8' }).stdout;
  return out.split('\n').map((l) => l.trim()).filter((l) => l && Number(l.split(/\s+/)[0]) === pgid);
}

/** Waits for the workbench to be up in the page. */
export async function waitForWorkbench(page: Page, timeoutMs = 60_000): Promise<void> {
  await page.waitForSelector('.monaco-workbench', { timeout: timeoutMs });
  await page.waitForSelector('.statusbar', { timeout: timeoutMs });
}
