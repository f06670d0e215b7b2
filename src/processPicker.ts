/** `${command:dbgeng.pickProcess}`: a quick pick of Windows processes (Wine's, on Linux). */
import path from 'node:path';
import * as vscode from 'vscode';
import { listWindowsProcesses } from '../client/processList';
import { settings } from './settings';

export async function pickProcess(extensionPath: string): Promise<string | undefined> {
  const s = settings();
  const items = listWindowsProcesses({ wineCommand: s.wineCommand, winePrefix: s.winePrefix ?? path.join(extensionPath, '.cache', 'wine') })
    .then((procs) => procs.sort((a, b) => a.name.localeCompare(b.name)).map((p) => ({
      label: p.name,
      description: String(p.pid),
      detail: p.commandLine,
      pid: p.pid,
    })));
  const picked = await vscode.window.showQuickPick(items, {
    title: process.platform === 'win32' ? 'Attach to a process' : 'Attach to a Windows process (under Wine)',
    placeHolder: 'Pick the process to attach to',
    matchOnDescription: true,
    matchOnDetail: true,
  });
  return picked ? String(picked.pid) : undefined;
}
