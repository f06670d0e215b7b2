/**
 * Safety, under the real adapter under Wine: the adapter listens on
 * 127.0.0.1 only; a program's arguments reach it exactly, through
 * Windows' command-line quoting, never through a shell; and nothing in a
 * launch configuration runs anything but the program itself.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { winePaths } from '../../adapter/paths';
import { repoRoot } from '../support/fixtures';
import { TestSession } from '../support/dapSession';
import { ProgramOutput, StopQueue, uniqueCopy, type ExeCopy } from '../support/debuggee';
import { waitUntilGone } from '../support/processes';

/** Files a shell would have made, had any of these strings reached one. */
const PWNED = 'PWNED-by-a-shell';

/**
 * Arguments that differ from how they would be written on a command line:
 * spaces, quotes, backslashes before quotes and at the end, nothing at all,
 * non-ASCII, and what shells (cmd.exe, sh) would act on.
 */
const ARGS = [
  'a b', 'quote"inside', 'trailing\\', 'ünïcødé 名前', '', 'tab\there', 'back\\\\"slash', '"', '\\\\server\\share\\', 'line\nbreak',
  `& echo ${PWNED} > ${PWNED}-1`, `$(touch ${PWNED}-2)`, `\`touch ${PWNED}-3\``, '%PATH%', '| calc.exe', "'single'", '^', ';', '*.exe', '<nul', '>out',
];
const ENV_VALUE = `$(touch ${PWNED}-4) & echo %PATH% ünï`;

interface Echo { crt: string[]; shell32: string[]; cmdline: string; env: string | null }

function parseEcho(text: string): Echo {
  const line = (label: string) => {
    const m = new RegExp(`^${label} (.*)$`, 'm').exec(text);
    assert.ok(m, `no ${label} line in ${JSON.stringify(text)}`);
    return JSON.parse(m[1]!.replace(/\r$/, '')) as unknown;
  };
  return { crt: line('ARGV_CRT') as string[], shell32: line('ARGV_SHELL32') as string[], cmdline: line('CMDLINE') as string, env: line('ENV') as string | null };
}

/** Every place a shell started by the adapter or the program could have written to. */
function shellTraces(dirs: string[]): string[] {
  return dirs.flatMap((d) => (fs.existsSync(d) ? fs.readdirSync(d).filter((f) => f.startsWith(PWNED)).map((f) => path.join(d, f)) : []));
}

describe('arguments reach the program exactly, through no shell', () => {
  let copy: ExeCopy;
  let echo: Echo;
  let exitCode: number | undefined;
  let cwd: string;

  before(async () => {
    // The program itself lives where a shell would trip: a folder with
    // spaces and non-ASCII, a file name with shell metacharacters.
    copy = uniqueCopy('faults', 'args', `args & echo ${PWNED}; $(id) ünï名前.exe`, 'dir with spaces ünï 名前');
    cwd = path.dirname(copy.exe);
    const s = await TestSession.start();
    try {
      const q = new StopQueue(s.dap);
      const out = new ProgramOutput(s.dap);
      await s.launch({ program: copy.exe, args: ['args', ...ARGS], cwd, env: { FAULTS_ECHO_ENV: ENV_VALUE } });
      exitCode = (await q.next()).exitCode;
      await out.waitFor(/^ENV .*$/m);
      echo = parseEcho(out.text);
    } finally {
      await s.close();
    }
  });
  after(() => copy?.remove());

  it('the program ran, from its awkward path, and exited normally', () => {
    assert.equal(exitCode, 0);
  });

  it('argv as the C runtime splits it: exactly the arguments given', () => {
    assert.deepEqual(echo.crt.slice(1), ['args', ...ARGS]);
  });

  it('argv as CommandLineToArgvW splits it: the same', () => {
    assert.deepEqual(echo.shell32.slice(1), ['args', ...ARGS]);
  });

  it('argv[0] is the program\'s own path', () => {
    const expected = process.platform === 'win32' ? copy.exe : winePaths.toEngine(copy.exe);
    assert.equal(echo.crt[0], expected);
    assert.equal(echo.shell32[0], expected);
  });

  it('an environment variable arrives as written', () => {
    assert.equal(echo.env, ENV_VALUE);
  });

  it('no shell ran: nothing any of those strings would have made a shell do', () => {
    assert.deepEqual(shellTraces([cwd, path.join(repoRoot, 'dist'), repoRoot, os.tmpdir()]), []);
  });
});

describe('nothing in a launch configuration runs a command but the program', () => {
  it('attributes other debuggers run commands from are ignored; a program path with shell syntax is a file name', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dbgeng-safety-'));
    const marker = (n: number) => path.join(dir, `${PWNED}-${n}`);
    const s = await TestSession.start();
    try {
      // A program "path" that a shell would run as two commands.
      const r = await s.dap.send('launch', { program: `${path.join(dir, 'missing.exe')} & touch ${marker(1)}`, cwd: dir });
      assert.equal(r.success, false);
      assert.match(r.body?.error?.format ?? '', /does not exist/);
    } finally {
      await s.close();
    }
    const copy = uniqueCopy('faults', 'noexec');
    const s2 = await TestSession.start();
    try {
      const q = new StopQueue(s2.dap);
      await s2.launch({
        program: copy.exe,
        args: ['args'],
        cwd: dir,
        preLaunchTask: `touch ${marker(2)}`,
        postDebugTask: `touch ${marker(3)}`,
        setupCommands: [{ text: `shell touch ${marker(4)}` }],
        miDebuggerPath: `/bin/sh -c 'touch ${marker(5)}'`,
        debugServerPath: `touch ${marker(6)}`,
        console: 'integratedTerminal',
        runInTerminal: true,
        shell: `touch ${marker(7)}`,
      });
      assert.equal((await q.next()).exitCode, 0);
    } finally {
      await s2.close();
      copy.remove();
    }
    await new Promise((r) => setTimeout(r, 300));
    assert.deepEqual(fs.readdirSync(dir), []);
    fs.rmSync(dir, { recursive: true, force: true });
    assert.deepEqual(await waitUntilGone(copy.name), []);
  });
});

/** Listening TCP sockets on `port` in /proc/net/tcp{,6}: [hex local address, family]. */
function listeners(port: number): [string, 'tcp' | 'tcp6'][] {
  const out: [string, 'tcp' | 'tcp6'][] = [];
  for (const family of ['tcp', 'tcp6'] as const) {
    const table = fs.readFileSync(`/proc/net/${family}`, 'utf8').split('\n').slice(1);
    for (const row of table) {
      const f = row.trim().split(/\s+/);
      if (f.length < 4) continue;
      const [addr, p] = f[1]!.split(':');
      if (parseInt(p!, 16) === port && f[3] === '0A') out.push([addr!, family]);
    }
  }
  return out;
}

describe('the adapter listens on 127.0.0.1 only', () => {
  let s: TestSession;
  before(async () => {
    s = await TestSession.start();
  });
  after(() => s?.close());

  it('its one listening socket is bound to 127.0.0.1 (the kernel\'s table)', { skip: process.platform !== 'linux' && 'reads /proc/net/tcp' }, () => {
    assert.deepEqual(listeners(s.conn.port), [['0100007F', 'tcp']]);
  });

  it('a connection to this machine\'s other addresses is refused', async () => {
    const addresses = Object.values(os.networkInterfaces()).flat().filter((a) => a && !a.internal).map((a) => a!.address);
    for (const address of addresses) {
      const outcome = await new Promise<string>((resolve) => {
        const c = net.connect({ host: address, port: s.conn.port, timeout: 2000 });
        c.once('connect', () => {
          c.destroy();
          resolve('connected');
        });
        c.once('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error'));
        c.once('timeout', () => {
          c.destroy();
          resolve('timeout');
        });
      });
      assert.notEqual(outcome, 'connected', `${address}:${s.conn.port} accepted a connection`);
    }
  });

  it('and still serves its loopback client', async () => {
    const r = await s.dap.send('threads');
    assert.equal(r.success, true);
  });
});
