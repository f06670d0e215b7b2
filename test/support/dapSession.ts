/**
 * A real debug session for tests: the real adapter (under Wine off
 * Windows) on a loopback port, spoken to over DAP.
 */
import type { DebugProtocol } from '@vscode/debugprotocol';
import { connectAdapter, type AdapterConnection } from '../../client/adapterProcess';
import { DapClient } from '../../client/dapClient';
import { choosePlatform, platformRuntime, type SessionTarget } from '../../client/platformChoice';
import { repoRoot } from './fixtures';

/**
 * An adapter for the session's target, on the debugger platform the
 * extension and the CLI would choose for it (client/platformChoice.ts);
 * without a target, on Wine's DLLs. `env`: extra environment for it.
 */
export function connectAdapterOn(on?: SessionTarget, env?: Record<string, string>): Promise<AdapterConnection> {
  const platform = on ? platformRuntime(choosePlatform(repoRoot, on)) : { env: {} };
  return connectAdapter({ root: repoRoot, platform: platform.platform, dbghelp: 'dbghelp' in platform ? platform.dbghelp : undefined, env: { ...platform.env, ...env } });
}

export class TestSession {
  private constructor(readonly dap: DapClient, readonly conn: AdapterConnection, readonly capabilities: DebugProtocol.Capabilities) {}

  /** A session with an adapter of its own (connectAdapterOn: `on` picks its platform, `env` is added to its environment). */
  static async start(env?: Record<string, string>, on?: SessionTarget): Promise<TestSession> {
    const conn = await connectAdapterOn(on, env);
    const dap = new DapClient(conn.socket, conn.socket);
    const init = await dap.request<DebugProtocol.InitializeResponse>('initialize', { adapterID: 'dbgeng', clientID: 'tests', linesStartAt1: true, columnsStartAt1: true, pathFormat: 'path', supportsRunInTerminalRequest: false });
    return new TestSession(dap, conn, init.body ?? {});
  }

  /** launch, then breakpoints, then configurationDone, as VS Code orders them. */
  async launch(args: Record<string, unknown>, breakpoints: { file: string; lines: number[] }[] = [], exceptionFilters?: string[]): Promise<DebugProtocol.SetBreakpointsResponse[]> {
    const initialized = this.dap.waitFor('initialized', 60_000);
    await this.dap.request('launch', args);
    await initialized;
    const bound: DebugProtocol.SetBreakpointsResponse[] = [];
    for (const b of breakpoints) {
      bound.push(await this.dap.request('setBreakpoints', { source: { path: b.file }, breakpoints: b.lines.map((line) => ({ line })) }));
    }
    if (exceptionFilters) await this.dap.request('setExceptionBreakpoints', { filters: exceptionFilters });
    await this.dap.request('configurationDone');
    return bound;
  }

  waitForStop(timeoutMs = 30_000): Promise<DebugProtocol.StoppedEvent> {
    return this.dap.waitFor<DebugProtocol.StoppedEvent>('stopped', timeoutMs);
  }

  async stackTrace(threadId: number, startFrame = 0, levels = 0): Promise<DebugProtocol.StackTraceResponse['body']> {
    return (await this.dap.request<DebugProtocol.StackTraceResponse>('stackTrace', { threadId, startFrame, levels })).body;
  }

  /** Continues `threadId` and waits for the program to end: its exit code. */
  async continueToExit(threadId: number, timeoutMs = 60_000): Promise<number> {
    const exited = this.dap.waitFor<DebugProtocol.ExitedEvent>('exited', timeoutMs);
    await this.dap.request('continue', { threadId });
    return (await exited).body.exitCode;
  }

  /** Disconnects (ending the debuggee) and waits for the adapter to exit. */
  async close(): Promise<void> {
    await this.dap.send('disconnect', { terminateDebuggee: true }).catch(() => undefined);
    await this.conn.close();
  }
}
