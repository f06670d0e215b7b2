/**
 * The extension host side: contributes the `dbgeng` debug type. Each
 * session gets its own adapter process (under Wine off Windows), so a
 * native fault can never take down the extension host; DAP is relayed over
 * a loopback socket.
 */
import * as vscode from 'vscode';
import { connectAdapter, type AdapterConnection } from '../client/adapterProcess';
import { frame, MessageReader } from '../client/dapFraming';

class SocketDebugAdapter implements vscode.DebugAdapter {
  private readonly sent = new vscode.EventEmitter<vscode.DebugProtocolMessage>();
  readonly onDidSendMessage = this.sent.event;

  constructor(private readonly conn: AdapterConnection) {
    const reader = new MessageReader((m) => this.sent.fire(m as vscode.DebugProtocolMessage));
    conn.socket.on('data', (chunk: Buffer) => reader.push(chunk));
  }

  handleMessage(message: vscode.DebugProtocolMessage): void {
    this.conn.socket.write(frame(message));
  }

  dispose(): void {
    void this.conn.close();
  }
}

export function activate(context: vscode.ExtensionContext): void {
  context.subscriptions.push(
    vscode.debug.registerDebugAdapterDescriptorFactory('dbgeng', {
      async createDebugAdapterDescriptor() {
        const conn = await connectAdapter({ root: context.extensionPath });
        return new vscode.DebugAdapterInlineImplementation(new SocketDebugAdapter(conn));
      },
    }),
  );
}

export function deactivate(): void {}
