/**
 * Starts the debug adapter for each session. On Windows it runs in a Node
 * process of its own (VS Code's executable, as plain Node), so a native
 * fault in koffi can never take down the extension host. Elsewhere it runs
 * in a Windows Node.js under Wine and DAP goes over a loopback socket
 * (Windows Node under Wine cannot use Unix pipes for stdio).
 */
import path from 'node:path';
import * as vscode from 'vscode';
import { watchForLoss, type LossWatch } from '../client/adapterLoss';
import { connectAdapter, type AdapterConnection } from '../client/adapterProcess';
import { frame, MessageReader } from '../client/dapFraming';
import { RuntimeMissingError } from '../client/windowsRuntime';
import { choosePlatform, platformRuntime } from '../client/platformChoice';
import { settings, symbolPathForAdapter } from './settings';

/** Relays DAP between VS Code and the adapter's socket; a lost adapter ends the session with a message (client/adapterLoss.ts). */
class SocketDebugAdapter implements vscode.DebugAdapter {
  private readonly sent = new vscode.EventEmitter<vscode.DebugProtocolMessage>();
  readonly onDidSendMessage = this.sent.event;
  private readonly watch: LossWatch;

  constructor(private readonly conn: AdapterConnection, log: (line: string) => void) {
    this.watch = watchForLoss(conn, (events) => {
      log(`the adapter's process ended in the middle of the session (exit code ${conn.process.exitCode}, log: ${conn.logFile})`);
      for (const e of events) this.sent.fire(e as vscode.DebugProtocolMessage);
    });
    const reader = new MessageReader((m) => {
      this.watch.seen(m);
      this.sent.fire(m as vscode.DebugProtocolMessage);
    });
    conn.socket.on('data', (chunk: Buffer) => reader.push(chunk));
    conn.socket.on('close', () => log(`adapter connection closed (log: ${conn.logFile})`));
  }

  handleMessage(message: vscode.DebugProtocolMessage): void {
    this.conn.socket.write(frame(message));
  }

  dispose(): void {
    this.watch.expectEnd();
    void this.conn.close();
  }
}

export class DbgengAdapterFactory implements vscode.DebugAdapterDescriptorFactory {
  constructor(
    private readonly extensionPath: string,
    private readonly log: (line: string) => void,
    private readonly offerSetup: (message: string) => void,
  ) {}

  async createDebugAdapterDescriptor(session: vscode.DebugSession): Promise<vscode.DebugAdapterDescriptor> {
    const s = settings(session.workspaceFolder);
    const symbolPath = typeof session.configuration.symbolPath === 'string' && session.configuration.symbolPath ? session.configuration.symbolPath : s.symbolPath;
    const adapterJs = path.join(this.extensionPath, 'dist', 'adapter.js');
    // Microsoft's dbgeng and dbghelp for PDB programs, dumps and attach; Wine's DLLs for DWARF (client/platformChoice.ts).
    const c = session.configuration;
    const choice = choosePlatform(this.extensionPath, {
      engine: typeof c.engine === 'string' ? c.engine : undefined,
      program: typeof c.program === 'string' ? c.program : undefined,
      dumpFile: typeof c.dumpFile === 'string' ? c.dumpFile : undefined,
      processId: c.request === 'attach' ? Number(c.processId) : undefined,
      dbgengPath: typeof c.dbgengPath === 'string' ? c.dbgengPath : undefined,
      dbghelpPath: typeof c.dbghelpPath === 'string' ? c.dbghelpPath : undefined,
    });
    this.log(`debugger platform: ${choice.platform} (${choice.reason})`);
    const platform = platformRuntime(choice);
    if (process.platform === 'win32') {
      const env: Record<string, string> = {
        ...platform.env,
        ...(platform.platform ? { DBGENG_PLATFORM_DIR: platform.platform.bin } : {}),
        ...(platform.dbghelp ? { DBGENG_DBGHELP_PATH: platform.dbghelp } : {}),
        ...(symbolPath ? { _NT_SYMBOL_PATH: symbolPath } : {}),
      };
      this.log(`starting the adapter: ${s.windowsNodePath ?? process.execPath} ${adapterJs}`);
      if (s.windowsNodePath) return new vscode.DebugAdapterExecutable(s.windowsNodePath, [adapterJs], { env });
      // VS Code's own executable runs as plain Node with ELECTRON_RUN_AS_NODE.
      return new vscode.DebugAdapterExecutable(process.execPath, [adapterJs], { env: { ...env, ELECTRON_RUN_AS_NODE: '1' } });
    }
    try {
      const conn = await connectAdapter({
        root: this.extensionPath,
        wineCommand: s.wineCommand,
        windowsNode: s.windowsNodePath,
        winePrefix: s.winePrefix,
        platform: platform.platform,
        dbghelp: platform.dbghelp,
        env: { ...platform.env, ...(symbolPath ? { _NT_SYMBOL_PATH: symbolPathForAdapter(symbolPath, true) } : {}) },
      });
      this.log(`adapter started under Wine: pid ${conn.process.pid}, port ${conn.port}, log ${conn.logFile}`);
      return new vscode.DebugAdapterInlineImplementation(new SocketDebugAdapter(conn, this.log));
    } catch (e) {
      const message = (e as Error).message;
      this.log(`the adapter did not start: ${message}`);
      if (e instanceof RuntimeMissingError) this.offerSetup(message);
      throw new Error(`dbgeng: ${message}`);
    }
  }
}

const RESUMING = new Set(['continue', 'next', 'stepIn', 'stepOut', 'stepBack', 'reverseContinue', 'goto']);

/** Logs DAP traffic to the output channel when `dbgeng.trace` is on, and tells the raw view about stops. */
export class DbgengTrackerFactory implements vscode.DebugAdapterTrackerFactory {
  constructor(
    private readonly log: (line: string) => void,
    private readonly onStopped: (session: vscode.DebugSession, body: { reason?: string } | undefined) => void,
    private readonly onContinued: (session: vscode.DebugSession) => void,
  ) {}

  createDebugAdapterTracker(session: vscode.DebugSession): vscode.DebugAdapterTracker {
    const trace = () => settings(session.workspaceFolder).trace;
    const name = `[${session.name}]`;
    return {
      onWillStartSession: () => trace() && this.log(`${name} session starting`),
      onWillReceiveMessage: (m: { type?: string; command?: string }) => {
        if (trace()) this.log(`${name} -> ${JSON.stringify(m)}`);
        // The adapter answers these without a `continued` event: the program runs from here.
        if (m.type === 'request' && RESUMING.has(m.command ?? '')) this.onContinued(session);
      },
      onDidSendMessage: (m: { type?: string; event?: string; body?: { reason?: string } }) => {
        if (trace()) this.log(`${name} <- ${JSON.stringify(m)}`);
        if (m.type === 'event' && m.event === 'stopped') this.onStopped(session, m.body);
        if (m.type === 'event' && m.event === 'continued') this.onContinued(session);
      },
      onError: (e: Error) => this.log(`${name} adapter error: ${e.message}`),
      onExit: (code: number | undefined, signal: string | undefined) => trace() && this.log(`${name} adapter exited (${code ?? signal ?? 'no code'})`),
    };
  }
}
