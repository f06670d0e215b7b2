/**
 * Runs the command line (bin/dbgeng-inline.js) as a user would, in its own
 * process: what it printed, its exit code, and how long it took.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { repoRoot } from './fixtures';

const run = promisify(execFile);
const cli = path.join(repoRoot, 'bin', 'dbgeng-inline.js');

export interface CliRun { stdout: string; stderr: string; code: number; ms: number }

/** `dbgeng-inline ARGS...` from `cwd`, given two minutes; `env` is added to its environment. */
export async function runCli(args: string[], cwd = repoRoot, env: Record<string, string> = {}): Promise<CliRun> {
  const t0 = Date.now();
  try {
    const r = await run(process.execPath, [cli, ...args], { timeout: 120_000, cwd, env: { ...process.env, ...env } });
    return { stdout: r.stdout, stderr: r.stderr, code: 0, ms: Date.now() - t0 };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { stdout: err.stdout, stderr: err.stderr, code: err.code, ms: Date.now() - t0 };
  }
}
