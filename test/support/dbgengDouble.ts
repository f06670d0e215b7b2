/**
 * DAP sessions on the native test double of dbgeng.dll
 * (test/fixtures/dbgeng-double), each logging to a folder of its own: the
 * double's call trace and its violations (wrong slots, sizes, contexts,
 * leaked groups...), which every test expects empty.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { TestSession } from './dapSession';
import { dbgengDouble, fixtureExe } from './fixtures';

export interface DoubleRun {
  s: TestSession;
  dir: string;
  /** The double's violation log and call trace. */
  log: string;
  trace: string;
  output: string[];
  /** Closes the session and removes the folder. */
  dispose(): Promise<void>;
}

/** A session whose adapter uses the double; `env` adds settings of the double (DBGENG_DOUBLE_INLINE, _START). */
export async function startWithDouble(env: Record<string, string> = {}): Promise<DoubleRun> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dbgeng-double-'));
  const log = path.join(dir, 'violations.txt');
  const trace = path.join(dir, 'trace.txt');
  const s = await TestSession.start({ DBGENG_DOUBLE_LOG: log, DBGENG_DOUBLE_TRACE: trace, ...env });
  const output: string[] = [];
  s.dap.on('output', (e: DebugProtocol.OutputEvent) => output.push(e.body.output));
  return {
    s, dir, log, trace, output,
    async dispose() {
      await s.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The launch arguments that put the dbgeng engine on the double. */
export const doubleLaunch = (extra: Record<string, unknown> = {}) => ({ program: fixtureExe('sample'), engine: 'dbgeng', dbgengPath: dbgengDouble, ...extra });

/** Lines of a log file (none when the file was never written). */
export const readLines = (f: string) => (fs.existsSync(f) ? fs.readFileSync(f, 'utf8').split(/\r?\n/).filter(Boolean) : []);
