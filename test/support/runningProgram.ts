/**
 * A test program started outside any debugger (under Wine where needed),
 * for tests that attach to it: it writes its own Windows process id to a
 * file (inline_many.exe's `pidfile` mode), which is the id a user would pick.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { winePaths } from '../../adapter/paths';
import { fixtureExe } from './fixtures';

export interface RunningProgram {
  /** The Windows process id. */
  pid: number;
  child: ChildProcess;
  /** True once the program has ended. */
  readonly exited: boolean;
  /** Resolves when the program ends. */
  readonly ended: Promise<void>;
  /** Ends the program if it still runs, and removes its files. */
  stop(): void;
}

/** inline_many, spinning; `toolchain` picks its build (the PDB one for Microsoft's dbgeng). */
export async function startSpinningProgram(toolchain: 'gcc' | 'pdb' = 'gcc'): Promise<RunningProgram> {
  const paths = await import('../../scripts/lib/paths.mjs');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dbgeng-attach-'));
  const pidFile = path.join(dir, 'pid.txt');
  const [cmd, args] = paths.windowsCommand(fixtureExe('inline_many', toolchain), ['pidfile', paths.needsWine ? winePaths.toEngine(pidFile) : pidFile]);
  const child = spawn(cmd, args, { env: paths.wineEnv(), stdio: 'ignore' });
  let exited = false;
  const ended = new Promise<void>((resolve) => child.on('exit', () => {
    exited = true;
    resolve();
  }));
  const deadline = Date.now() + 30_000;
  while (!fs.existsSync(pidFile) || !fs.readFileSync(pidFile, 'utf8').trim()) {
    assert.ok(Date.now() < deadline && !exited, 'the program did not write its process id');
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    pid: Number(fs.readFileSync(pidFile, 'utf8').trim()),
    child,
    get exited() { return exited; },
    ended,
    stop() {
      if (!exited) child.kill('SIGKILL');
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
