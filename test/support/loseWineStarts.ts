/**
 * Makes Wine lose the starts of programs, as it now and then does by itself
 * (CreateProcessW: ERROR_INTERNAL_ERROR, 1359). strace, attached to the
 * adapter's Wine process, kills each new process at its first execve:
 * after Wine created it, before it could report in. Deterministic, unlike
 * killing it from outside (its loader stage lasts about 2 ms).
 *
 * Off Windows only (a Windows process under Wine is a Linux process); needs
 * strace (installed by scripts/setup.mjs) and leave to ptrace the adapter.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export class WineStartLoser {
  private constructor(private readonly strace: ChildProcess, private readonly log: string) {}

  /** Attaches to `pid` (the adapter's process); a string says why it cannot. */
  static async attach(pid: number): Promise<WineStartLoser | string> {
    const log = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'dbgeng-lose-')), 'strace.log');
    const strace = spawn('strace', [
      '-f', '-e', 'signal=none', '-e', 'trace=execve', '-e', 'inject=execve:signal=KILL:when=1',
      '-o', log, '-p', String(pid),
    ], { stdio: ['ignore', 'ignore', 'pipe'] });
    let said = '';
    const attached = await new Promise<string | true>((resolve) => {
      strace.on('error', (e) => resolve(`strace cannot run: ${e.message}`));
      strace.on('exit', (code) => resolve(`strace ended (exit ${code}): ${said.trim()}`));
      strace.stderr!.on('data', (d: Buffer) => {
        said += d.toString();
        if (/attached/.test(said)) resolve(true);
      });
    });
    if (attached !== true) return attached;
    return new WineStartLoser(strace, log);
  }

  /** Starts killed so far. */
  lost(): number {
    try {
      return fs.readFileSync(this.log, 'utf8').split('\n').filter((l) => /\bexecve\(/.test(l)).length;
    } catch {
      return 0;
    }
  }

  /** Resolves once a start has been killed; then no more are (strace detaches). */
  async loseOne(timeoutMs = 30_000): Promise<void> {
    const end = Date.now() + timeoutMs;
    while (this.lost() < 1) {
      if (Date.now() > end) throw new Error(`No start was lost within ${timeoutMs} ms.`);
      await new Promise((r) => setTimeout(r, 5));
    }
    await this.detach();
  }

  /** Detaches from the adapter (it runs on, untouched) and cleans up. */
  async detach(): Promise<void> {
    if (this.strace.exitCode === null && this.strace.signalCode === null) {
      const gone = new Promise((r) => this.strace.once('exit', r));
      this.strace.kill('SIGINT');
      await gone;
    }
  }

  remove(): void {
    fs.rmSync(path.dirname(this.log), { recursive: true, force: true });
  }
}
