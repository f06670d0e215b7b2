/**
 * Helpers for tests that follow one debuggee through a session: a copy of a
 * fixture under a name no other test uses (so `ps` finds only ours), its
 * output, and running it to its end one stop at a time.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { DapClient } from '../../client/dapClient';
import { fixtureExe } from './fixtures';

export interface ExeCopy {
  exe: string;
  /** The file name, what `ps` shows. */
  name: string;
  remove(): void;
}

/** Copies a fixture's gcc build to `<tmp>/<dir>/<label>-<pid>-<n>.exe` (or a name of your own). */
export function uniqueCopy(fixture: string, label: string, fileName?: string, dirName?: string, toolchain?: 'gcc' | 'pdb'): ExeCopy {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'dbgeng-rel-'));
  const dir = dirName ? path.join(root, dirName) : root;
  fs.mkdirSync(dir, { recursive: true });
  const name = fileName ?? `${label}-${process.pid}-${Date.now() % 100000}.exe`;
  const exe = path.join(dir, name);
  // A PDB build's copy still finds its PDB: the image names it by its absolute path.
  fs.copyFileSync(toolchain ? fixtureExe(fixture, toolchain) : fixtureExe(fixture), exe);
  return { exe, name, remove: () => fs.rmSync(root, { recursive: true, force: true }) };
}

/** Everything the program wrote to stdout (output events, category stdout). */
export class ProgramOutput {
  text = '';

  constructor(dap: DapClient) {
    dap.on('output', (e: DebugProtocol.OutputEvent) => {
      if (e.body.category === 'stdout') this.text += e.body.output;
    });
  }

  /** Resolves once the output matches (polls; the program may write in pieces). */
  async waitFor(pattern: RegExp, timeoutMs = 10_000): Promise<RegExpMatchArray> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const m = pattern.exec(this.text);
      if (m) return m;
      if (Date.now() > end) throw new Error(`No output matching ${pattern} within ${timeoutMs} ms; the program wrote: ${JSON.stringify(this.text.slice(-2000))}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}

export interface RunResult {
  stops: DebugProtocol.StoppedEvent[];
  exitCode: number;
}

/**
 * Stops and the exit, queued from the moment it is made: make it before
 * the request that causes them (a stop can arrive in the same chunk as the
 * response of that request, before an await returns).
 */
export class StopQueue {
  private readonly items: ({ stop: DebugProtocol.StoppedEvent } | { exitCode: number })[] = [];
  private wake?: () => void;

  constructor(readonly dap: DapClient) {
    dap.on('stopped', (e: DebugProtocol.StoppedEvent) => this.push({ stop: e }));
    dap.on('exited', (e: DebugProtocol.ExitedEvent) => this.push({ exitCode: e.body.exitCode }));
  }

  private push(item: { stop: DebugProtocol.StoppedEvent } | { exitCode: number }): void {
    this.items.push(item);
    this.wake?.();
  }

  /** The next stop, or the exit; rejects after `timeoutMs`. */
  async next(timeoutMs = 15_000): Promise<{ stop?: DebugProtocol.StoppedEvent; exitCode?: number }> {
    const end = Date.now() + timeoutMs;
    while (!this.items.length) {
      const left = end - Date.now();
      if (left <= 0) throw new Error(`Neither a stop nor the exit within ${timeoutMs} ms.`);
      await new Promise<void>((r) => {
        const timer = setTimeout(r, left);
        this.wake = () => {
          clearTimeout(timer);
          r();
        };
      });
      this.wake = undefined;
    }
    return this.items.shift()!;
  }

  /** The next stop; fails on the exit or a timeout. */
  async nextStop(timeoutMs = 15_000): Promise<DebugProtocol.StoppedEvent> {
    const n = await this.next(timeoutMs);
    if (!n.stop) throw new Error(`The program exited (code ${n.exitCode}) where a stop was expected.`);
    return n.stop;
  }

  /**
   * Continues until the program exits, at most `maxStops` stops; calls
   * `onStop` at each. Throws if a stop or the exit does not come in time.
   */
  async continueToExit(maxStops: number, onStop?: (stop: DebugProtocol.StoppedEvent) => Promise<void> | void, timeoutMs = 15_000): Promise<RunResult> {
    const stops: DebugProtocol.StoppedEvent[] = [];
    for (;;) {
      const next = await this.next(timeoutMs);
      if (!next.stop) return { stops, exitCode: next.exitCode! };
      stops.push(next.stop);
      if (stops.length > maxStops) throw new Error(`More than ${maxStops} stops: ${stops.map((x) => x.body.reason).join(', ')}`);
      await onStop?.(next.stop);
      await this.dap.request('continue', { threadId: next.stop.body.threadId });
    }
  }
}
