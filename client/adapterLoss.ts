/**
 * The adapter's process ending before its session did. A native fault
 * inside dbgeng or dbghelp (or koffi) is not a JavaScript error the
 * adapter can answer: it ends the whole process, and the client hears
 * nothing more, no answer to what it asked, no `terminated`. This watches
 * the connection and, when it closes before the adapter said `terminated`,
 * gives the client what a DAP client understands: an error output saying
 * what happened, what became of the program, and where the log is, then
 * `terminated`. The debuggee does not outlive its debugger: the system
 * ends it with the process that debugged it, and its job object with the
 * adapter's last handle. Pure Node: the extension and the CLI use it, each
 * handing it the messages it has already read (`seen`), so nothing is read
 * twice.
 */
import fs from 'node:fs';
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { AdapterConnection } from './adapterProcess';

/** How long to wait for the process's exit code once the connection has closed. */
const EXIT_WAIT_MS = 3000;

/** The message for a lost adapter: what is known of why (its exit code, the end of its log). */
export function lossMessage(logFile: string, exitCode: number | null): string {
  let tail = '';
  try {
    tail = fs.readFileSync(logFile, 'utf8').trim().split(/\r?\n/).slice(-3).join('\n');
  } catch {
    // no log to quote
  }
  const how = exitCode === null ? 'was ended' : `exited with code ${exitCode}`;
  return `The debugger's process ${how} in the middle of the session (a fault in native code ends the whole process, `
    + `with no answer to what was asked). The program being debugged ended with it. Start the session again; if it happens again, `
    + `the adapter's log says more: ${logFile}${tail ? `\nIts last lines:\n${tail}` : ''}\n`;
}

export interface LossWatch {
  /** A message the adapter sent: `terminated`, or the answer to `disconnect`, ends the session. */
  seen(message: unknown): void;
  /** The client ends the session itself: a close from now on is no loss. */
  expectEnd(): void;
}

/**
 * Calls `lost` with the events to give the client (output, terminated)
 * if the connection closes before the session ended: before the adapter
 * was seen to say `terminated` or answer `disconnect`, and before
 * `expectEnd`.
 */
export function watchForLoss(conn: AdapterConnection, lost: (events: DebugProtocol.Event[]) => void): LossWatch {
  let ended = false;
  conn.socket.once('close', () => {
    if (ended) return;
    const exited = conn.process.exitCode !== null || conn.process.signalCode !== null
      ? Promise.resolve()
      : new Promise<void>((r) => {
        const timer = setTimeout(r, EXIT_WAIT_MS);
        conn.process.once('exit', () => {
          clearTimeout(timer);
          r();
        });
      });
    void exited.then(() => {
      const output: DebugProtocol.OutputEvent = { seq: 0, type: 'event', event: 'output', body: { category: 'stderr', output: lossMessage(conn.logFile, conn.process.exitCode) } };
      const end: DebugProtocol.TerminatedEvent = { seq: 0, type: 'event', event: 'terminated' };
      lost([output, end]);
    });
  });
  return {
    seen: (m) => {
      const msg = m as (DebugProtocol.ProtocolMessage & { event?: string; command?: string }) | null;
      if ((msg?.type === 'event' && msg.event === 'terminated') || (msg?.type === 'response' && msg.command === 'disconnect')) ended = true;
    },
    expectEnd: () => {
      ended = true;
    },
  };
}
