/**
 * The bench's DAP side: a session with an adapter of its own (launch,
 * breakpoints, stops as they arrive, the adapter's peak memory), and VS
 * Code's call stack model as a client of it, so that the bench pages and
 * paints a stop the way VS Code does.
 */
import fs from 'node:fs';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { connectAdapter, type AdapterConnection } from '../client/adapterProcess';
import { DapClient } from '../client/dapClient';
import { repoRoot } from '../scripts/lib/paths.mjs';

const now = () => performance.now();
const log = (s: string) => process.stderr.write(`${s}\n`);

export class Session {
  private readonly stops: DebugProtocol.StoppedEvent[] = [];
  private wake?: () => void;
  modules = new Map<string, string>();

  private constructor(readonly conn: AdapterConnection, readonly dap: DapClient, private readonly program: string) {
    dap.on('stopped', (e: DebugProtocol.StoppedEvent) => {
      (e as { receivedAt?: number }).receivedAt = now();
      this.stops.push(e);
      this.wake?.();
    });
    dap.on('module', (e: DebugProtocol.ModuleEvent) => {
      if (e.body.reason === 'new') this.modules.set(String(e.body.module.name).toLowerCase(), String(e.body.module.addressRange));
    });
  }

  /** An adapter of its own, initialized; `program` is what launch() starts, in `winePrefix`. */
  static async start(program: string, winePrefix: string): Promise<Session> {
    // One retry: a build running elsewhere in the same checkout can replace dist/ under a starting adapter.
    const conn = await connectAdapter({ root: repoRoot, winePrefix }).catch((e: Error) => {
      log(`the adapter did not start (${e.message.split('\n')[0]}); trying once more`);
      return new Promise((r) => setTimeout(r, 2000)).then(() => connectAdapter({ root: repoRoot, winePrefix }));
    });
    const dap = new DapClient(conn.socket, conn.socket);
    await dap.request('initialize', { adapterID: 'dbgeng', clientID: 'bench', linesStartAt1: true, columnsStartAt1: true, pathFormat: 'path', supportsRunInTerminalRequest: false });
    return new Session(conn, dap, program);
  }

  async launch(args: string[], breakpoints: { file: string; line: number }[] = []): Promise<DebugProtocol.Breakpoint[]> {
    const initialized = this.dap.waitFor('initialized', 60_000);
    await this.dap.request('launch', { program: this.program, args, engine: 'dbghelp' });
    await initialized;
    const bound: DebugProtocol.Breakpoint[] = [];
    for (const b of breakpoints) {
      const r = await this.dap.request<DebugProtocol.SetBreakpointsResponse>('setBreakpoints', { source: { path: b.file }, breakpoints: [{ line: b.line }] });
      bound.push(...r.body.breakpoints);
    }
    await this.dap.request('configurationDone');
    return bound;
  }

  /** The next stopped event, with the time it arrived. */
  async nextStop(timeoutMs = 120_000): Promise<DebugProtocol.StoppedEvent & { receivedAt: number }> {
    const deadline = Date.now() + timeoutMs;
    while (!this.stops.length) {
      if (Date.now() > deadline) throw new Error('no stopped event');
      await new Promise<void>((r) => {
        this.wake = r;
        setTimeout(r, 200);
      });
    }
    return this.stops.shift() as DebugProtocol.StoppedEvent & { receivedAt: number };
  }

  async stackTrace(threadId: number, startFrame: number, levels: number): Promise<DebugProtocol.StackTraceResponse['body']> {
    return (await this.dap.request<DebugProtocol.StackTraceResponse>('stackTrace', { threadId, startFrame, levels })).body;
  }

  /** The adapter's peak resident memory (VmHWM), in MB, from its Linux process (Windows node.exe under Wine). */
  peakRssMb(): { mb: number; pid: number } {
    const port = `--server=${this.conn.port}`;
    for (const pid of [this.conn.process.pid, ...fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d)).map(Number)]) {
      if (!pid) continue;
      try {
        const cmd = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
        if (!cmd.includes('node.exe') || !cmd.includes(port)) continue;
        const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
        if (m) return { mb: Number(m[1]) / 1024, pid };
      } catch {
        // gone, or not ours
      }
    }
    return { mb: NaN, pid: 0 };
  }

  async close(): Promise<void> {
    await this.dap.send('disconnect', { terminateDebuggee: true }).catch(() => undefined);
    await this.conn.close();
  }
}

/** VS Code's call stack model (debugModel.ts Thread.fetchCallStack / callStackView's Load More), as a client of the adapter. */
export class VsCodeCallStack {
  frames = 0;
  total?: number;
  reachedEnd = false;
  requests = 0;

  constructor(private readonly s: Session, private readonly threadId: number) {}

  /** Thread.fetchCallStack(levels = 20). */
  async fetch(levels = 20): Promise<DebugProtocol.StackFrame[]> {
    const start = this.frames;
    const body = await this.s.stackTrace(this.threadId, start, levels);
    this.requests++;
    this.reachedEnd = body.stackFrames.length < levels;
    this.frames += body.stackFrames.length;
    this.total = body.totalFrames;
    if (typeof this.total === 'number' && this.total === this.frames) this.reachedEnd = true;
    return body.stackFrames;
  }

  /** "Load More Stack Frames": all the frames the total says remain, else 20. */
  loadMore(): Promise<DebugProtocol.StackFrame[]> {
    const remaining = typeof this.total === 'number' ? this.total - this.frames : undefined;
    return this.fetch(remaining);
  }
}

export interface PaintResult { firstFrameMs: number; stackTraceMs: number; paintMs: number; scopes: string; stack: VsCodeCallStack }

/** Stopped event, threads, stackTrace 1, stackTrace 19, scopes: the first paint, in VS Code's order. */
export async function paint(s: Session, stop: DebugProtocol.StoppedEvent & { receivedAt: number }): Promise<PaintResult> {
  const threadId = stop.body.threadId!;
  await s.dap.request('threads');
  const stack = new VsCodeCallStack(s, threadId);
  const t0 = now();
  const [top] = await stack.fetch(1);
  const t1 = now();
  await stack.fetch(19);
  const t2 = now();
  const r = await s.dap.send('scopes', { frameId: top?.id ?? 0 });
  const t3 = now();
  const scopes = r.success ? `answered (${(r.body as DebugProtocol.ScopesResponse['body']).scopes.length} scopes)` : `error response ("${r.message}")`;
  return { firstFrameMs: t1 - t0, stackTraceMs: t2 - t0, paintMs: t3 - stop.receivedAt, scopes, stack };
}
