/** The extension's settings (`dbgeng.*`), read fresh each time. */
import * as vscode from 'vscode';

export interface Settings {
  engine: 'auto' | 'dbgeng' | 'dbghelp';
  wineCommand: string;
  windowsNodePath?: string;
  winePrefix?: string;
  symbolPath?: string;
  trace: boolean;
}

export function settings(scope?: vscode.ConfigurationScope): Settings {
  const c = vscode.workspace.getConfiguration('dbgeng', scope);
  const str = (k: string) => {
    const v = c.get<string>(k)?.trim();
    return v ? v : undefined;
  };
  const engine = c.get<string>('engine');
  return {
    engine: engine === 'dbgeng' || engine === 'dbghelp' ? engine : 'auto',
    wineCommand: str('wineCommand') ?? 'wine',
    windowsNodePath: str('windowsNodePath'),
    winePrefix: str('winePrefix'),
    symbolPath: str('symbolPath'),
    trace: c.get<boolean>('trace') === true,
  };
}

/**
 * The symbol path for the adapter's environment (_NT_SYMBOL_PATH, which
 * dbghelp and dbgeng read at start). Under Wine, Linux folders become Z:.
 */
export function symbolPathForAdapter(symbolPath: string, wine: boolean): string {
  if (!wine) return symbolPath;
  return symbolPath.split(';').map((p) => (p.startsWith('/') ? `Z:${p.replace(/\//g, '\\')}` : p)).join(';');
}
