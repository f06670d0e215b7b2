/** Starts the windbg-stack language server (dist/language-server.js) in its own process. */
import path from 'node:path';
import type * as vscode from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';

export function startLanguageClient(context: vscode.ExtensionContext, output: vscode.OutputChannel): LanguageClient {
  const module = path.join(context.extensionPath, 'dist', 'language-server.js');
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6019'] } },
  };
  const clientOptions: LanguageClientOptions = {
    // Files and untitled documents in the language, and the raw view.
    documentSelector: [{ language: 'windbg-stack' }],
    outputChannel: output,
  };
  const client = new LanguageClient('windbgStack', 'WinDbg stack language server', serverOptions, clientOptions);
  void client.start();
  return client;
}
