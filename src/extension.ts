/**
 * The extension host side of the `dbgeng` debugger:
 *  - a DebugConfigurationProvider (defaults, clear errors for bad configurations)
 *  - a DebugAdapterDescriptorFactory (the adapter in its own process; under Wine off Windows)
 *  - a DebugAdapterTracker (DAP log in the "dbgeng" output channel; raw view refresh)
 *  - "Show raw InlineFrameContext" (a windbg-stack virtual document)
 *  - `${command:dbgeng.pickProcess}` for attach configurations
 *  - the windbg-stack language client
 */
import path from 'node:path';
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { DbgengAdapterFactory, DbgengTrackerFactory } from './adapterFactory';
import { DbgengConfigurationProvider, DEBUG_TYPE } from './configProvider';
import { startLanguageClient } from './languageClient';
import { pickProcess } from './processPicker';
import { RawContextView, resolveTarget } from './rawView';

let client: LanguageClient | undefined;

/** What tests (and other extensions) can reach through `extension.exports`. */
export interface DbgengApi {
  rawView: RawContextView;
  output: vscode.OutputChannel;
  /** The last lines written to the output channel (an OutputChannel cannot be read back). */
  recentLog: readonly string[];
}

const RECENT_LOG_LINES = 500;

export function activate(context: vscode.ExtensionContext): DbgengApi {
  const output = vscode.window.createOutputChannel('dbgeng');
  const recentLog: string[] = [];
  const log = (line: string) => {
    const text = `${new Date().toISOString().slice(11, 23)} ${line}`;
    output.appendLine(text);
    recentLog.push(text);
    if (recentLog.length > RECENT_LOG_LINES) recentLog.shift();
  };
  const rawView = new RawContextView(log);

  const offerSetup = (message: string) => {
    void vscode.window.showErrorMessage(`dbgeng: ${message}`, 'Run setup').then((choice) => {
      if (choice === 'Run setup') void vscode.commands.executeCommand('dbgeng.runSetup');
    });
  };

  context.subscriptions.push(
    output,
    rawView.register(),
    vscode.debug.registerDebugConfigurationProvider(DEBUG_TYPE, new DbgengConfigurationProvider()),
    vscode.debug.registerDebugAdapterDescriptorFactory(DEBUG_TYPE, new DbgengAdapterFactory(context.extensionPath, log, offerSetup)),
    vscode.debug.registerDebugAdapterTrackerFactory(DEBUG_TYPE, new DbgengTrackerFactory(
      log,
      (s, body) => rawView.onStopped(s, body),
      (s) => rawView.onContinued(s),
    )),
    vscode.commands.registerCommand('dbgeng.showRawInlineFrameContext', async (...args: unknown[]) => {
      const target = await resolveTarget(args, (id) => rawView.session(id));
      if (!target) {
        void vscode.window.showInformationMessage('dbgeng: Show raw InlineFrameContext needs a dbgeng debug session stopped in a thread.');
        return undefined;
      }
      return rawView.show(target);
    }),
    vscode.commands.registerCommand('dbgeng.pickProcess', () => pickProcess(context.extensionPath)),
    vscode.commands.registerCommand('dbgeng.runSetup', () => {
      const terminal = vscode.window.createTerminal({ name: 'dbgeng setup', cwd: context.extensionPath });
      terminal.show();
      terminal.sendText(`node "${path.join(context.extensionPath, 'scripts', 'setup.mjs')}"`);
    }),
    vscode.commands.registerCommand('dbgeng.showOutput', () => output.show(true)),
  );
  client = startLanguageClient(context, output);
  return { rawView, output, recentLog };
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}
