/**
 * Fills in launch configurations and rejects bad ones before any adapter
 * starts, with messages that say what to change.
 */
import fs from 'node:fs';
import path from 'node:path';
import * as vscode from 'vscode';
import { configurationProblem } from '../client/launchCheck';
import { settings } from './settings';

export const DEBUG_TYPE = 'dbgeng';

/** An .exe beside (or in build/ below the folder of) a C/C++/Rust source, for F5 without a launch.json. */
function guessProgram(): string | undefined {
  const doc = vscode.window.activeTextEditor?.document;
  if (!doc || doc.uri.scheme !== 'file' || !['c', 'cpp', 'rust'].includes(doc.languageId)) return undefined;
  const dir = path.dirname(doc.uri.fsPath);
  const base = path.basename(doc.uri.fsPath, path.extname(doc.uri.fsPath));
  return [path.join(dir, `${base}.exe`), path.join(dir, 'build', `${base}.exe`)].find((p) => fs.existsSync(p));
}

export class DbgengConfigurationProvider implements vscode.DebugConfigurationProvider {
  resolveDebugConfiguration(folder: vscode.WorkspaceFolder | undefined, config: vscode.DebugConfiguration): vscode.ProviderResult<vscode.DebugConfiguration> {
    if (!config.type && !config.request && !config.name) {
      // F5 with no launch.json: debug the program built from the open source file, if there is one.
      const program = guessProgram();
      if (!program) {
        void vscode.window.showErrorMessage('dbgeng: no launch configuration, and no .exe was found beside the open source file. Add a "dbgeng" configuration to launch.json with "program" set to your .exe.');
        return null; // VS Code opens launch.json
      }
      config = { type: DEBUG_TYPE, request: 'launch', name: `Launch ${path.basename(program)}`, program };
    }
    const s = settings(folder);
    config.type = DEBUG_TYPE;
    config.request ??= 'launch';
    config.engine ??= s.engine;
    if (s.symbolPath && config.symbolPath === undefined) config.symbolPath = s.symbolPath;
    if (config.request === 'launch') {
      config.args ??= [];
      config.stopOnEntry ??= false;
    }
    return config;
  }

  resolveDebugConfigurationWithSubstitutedVariables(_folder: vscode.WorkspaceFolder | undefined, config: vscode.DebugConfiguration): vscode.ProviderResult<vscode.DebugConfiguration> {
    if (config.request === 'launch' && typeof config.program === 'string' && config.cwd === undefined && path.isAbsolute(config.program)) {
      config.cwd = path.dirname(config.program);
    }
    const problem = configurationProblem(config);
    if (problem) {
      void vscode.window.showErrorMessage(`dbgeng: ${problem}`);
      return undefined; // abort the launch
    }
    return config;
  }

  provideDebugConfigurations(folder: vscode.WorkspaceFolder | undefined): vscode.ProviderResult<vscode.DebugConfiguration[]> {
    return [{
      type: DEBUG_TYPE,
      request: 'launch',
      name: 'Debug program (dbgeng)',
      program: folder ? '${workspaceFolder}/build/program.exe' : '${fileDirname}/${fileBasenameNoExtension}.exe',
      args: [],
      cwd: '${workspaceFolder}',
      stopOnEntry: false,
      engine: 'auto',
    }];
  }
}
