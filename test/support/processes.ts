/**
 * Which test programs are alive. Under Wine a Windows process is a Linux
 * process whose command line names the .exe, so `ps` sees it.
 */
import { execFileSync } from 'node:child_process';

export function processesRunning(exeName: string): string[] {
  if (process.platform === 'win32') {
    const out = execFileSync('tasklist', ['/FI', `IMAGENAME eq ${exeName}`, '/NH'], { encoding: 'utf8' });
    return out.split(/\r?\n/).filter((l) => l.toLowerCase().startsWith(exeName.toLowerCase()));
  }
  const out = execFileSync('ps', ['-eo', 'pid,args'], { encoding: 'utf8' });
  return out.split('\n').filter((l) => l.includes(exeName) && !l.includes('ps -eo'));
}

/** Polls until no process matches, or the time is up; returns the leftovers. */
export async function waitUntilGone(exeName: string, timeoutMs = 10_000): Promise<string[]> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const left = processesRunning(exeName);
    if (!left.length || Date.now() > end) return left;
    await new Promise((r) => setTimeout(r, 100));
  }
}
