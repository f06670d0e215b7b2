/**
 * Windows processes to attach to, for the `${command:dbgeng.pickProcess}`
 * picker. On Windows: `tasklist`. Under Wine: `wine wmic process`, in the
 * project's Wine prefix, because a Wine process's Windows process id (the
 * one DebugActiveProcess takes) is not its Linux pid; `ps` adds the command
 * lines that Wine's wmic leaves empty. Pure Node, no vscode.
 */
import { execFile } from 'node:child_process';

export interface WindowsProcess {
  /** Windows process id. */
  pid: number;
  name: string;
  commandLine?: string;
}

/** Wine's own service processes: never what a user attaches to. */
const WINE_SERVICES = new Set(['services.exe', 'winedevice.exe', 'plugplay.exe', 'svchost.exe', 'rpcss.exe', 'explorer.exe',
  'start.exe', 'wmic.exe', 'conhost.exe', 'tasklist.exe', 'wineboot.exe', 'rundll32.exe', 'node.exe']);

/** Parses `wmic process get CommandLine,Name,ProcessId` (fixed-width columns; UTF-16 or UTF-8). */
export function parseWmic(output: Buffer | string): WindowsProcess[] {
  const text = typeof output === 'string' ? output : decode(output);
  const lines = text.split(/\r?\n/).filter((l) => l.trim());
  const header = lines.shift();
  if (!header) return [];
  const col = (name: string) => header.search(new RegExp(`\\b${name}\\b`, 'i'));
  const cols = [{ key: 'commandLine', at: col('CommandLine') }, { key: 'name', at: col('Name') }, { key: 'pid', at: col('ProcessId') }]
    .filter((c) => c.at >= 0).sort((a, b) => a.at - b.at);
  const out: WindowsProcess[] = [];
  for (const line of lines) {
    const rec: Record<string, string> = {};
    cols.forEach((c, i) => (rec[c.key] = line.slice(c.at, cols[i + 1]?.at ?? line.length).trim()));
    const pid = Number(rec.pid);
    if (!Number.isInteger(pid) || !rec.name) continue;
    out.push({ pid, name: rec.name, commandLine: rec.commandLine || undefined });
  }
  return out;
}

/** Parses `tasklist /fo csv /nh`: "name","pid","session","#","mem". */
export function parseTasklistCsv(text: string): WindowsProcess[] {
  const out: WindowsProcess[] = [];
  for (const line of text.split(/\r?\n/)) {
    const cells = [...line.matchAll(/"((?:[^"]|"")*)"/g)].map((m) => m[1]!.replace(/""/g, '"'));
    const pid = Number(cells[1]);
    if (cells[0] && Number.isInteger(pid)) out.push({ pid, name: cells[0] });
  }
  return out;
}

/** Linux `ps -eo args` lines of Wine processes, by lower-case exe base name. */
export function parsePsCommandLines(text: string): Map<string, string[]> {
  const byName = new Map<string, string[]>();
  for (const line of text.split('\n')) {
    const args = line.trim();
    const m = /^(.*?\.exe)(?:\s|$)/i.exec(args);
    if (!m || args.startsWith('[')) continue;
    const base = m[1]!.split(/[\\/]/).pop()!.toLowerCase();
    byName.set(base, [...(byName.get(base) ?? []), args]);
  }
  return byName;
}

function decode(buf: Buffer): string {
  if (buf.length >= 2 && buf[0] === 0xff && buf[1] === 0xfe) return buf.subarray(2).toString('utf16le');
  // Heuristic: UTF-16LE text has a zero every other byte.
  if (buf.length >= 4 && buf[1] === 0 && buf[3] === 0) return buf.toString('utf16le');
  return buf.toString('utf8');
}

function run(cmd: string, args: string[], env?: NodeJS.ProcessEnv): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { env, encoding: 'buffer', timeout: 30_000, maxBuffer: 16 << 20 }, (err, stdout) => (err ? reject(err) : resolve(stdout)));
  });
}

export interface ProcessListOptions {
  wineCommand?: string;
  winePrefix?: string;
  /** Show Wine's own services too. */
  all?: boolean;
}

export async function listWindowsProcesses(opts: ProcessListOptions = {}): Promise<WindowsProcess[]> {
  if (process.platform === 'win32') {
    return parseTasklistCsv((await run('tasklist', ['/fo', 'csv', '/nh'])).toString('utf8'))
      .filter((p) => p.pid !== process.pid && p.pid !== 0);
  }
  const env = { ...process.env, WINEDEBUG: '-all', ...(opts.winePrefix ? { WINEPREFIX: opts.winePrefix } : {}) };
  const procs = parseWmic(await run(opts.wineCommand ?? 'wine', ['wmic', 'process', 'get', 'CommandLine,Name,ProcessId'], env));
  const ps = parsePsCommandLines((await run('ps', ['-eo', 'args'])).toString('utf8'));
  return procs
    .filter((p) => opts.all || !WINE_SERVICES.has(p.name.toLowerCase()))
    .map((p) => {
      const lines = ps.get(p.name.toLowerCase());
      return !p.commandLine && lines?.length === 1 ? { ...p, commandLine: lines[0] } : p;
    });
}
