/**
 * Runs a small TypeScript driver in Windows Node (under Wine off Windows),
 * below the adapter: the driver is bundled with esbuild, started with its
 * stdio ignored (Windows Node under Wine cannot use pipes), and writes its
 * findings as JSON to the file named by its last argument.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import * as esbuild from 'esbuild';
import { winePaths } from '../../adapter/paths';
import { repoRoot } from './fixtures';

export async function runWindowsDriver<T>(driver: string, args: string[], env: Record<string, string> = {}): Promise<T> {
  const paths = await import('../../scripts/lib/paths.mjs');
  const outDir = path.join(repoRoot, 'dist', 'test-drivers');
  fs.mkdirSync(outDir, { recursive: true });
  const name = path.basename(driver, '.ts');
  await esbuild.build({
    entryPoints: [driver], bundle: true, platform: 'node', format: 'cjs',
    outfile: path.join(outDir, `${name}.js`), external: ['koffi'], logLevel: 'warning',
  });
  fs.copyFileSync(path.join(repoRoot, 'dist', 'engine-host.js'), path.join(outDir, 'engine-host.js'));
  fs.mkdirSync(paths.testResults, { recursive: true });
  const out = path.join(paths.testResults, `${name}.json`);
  fs.rmSync(out, { force: true });
  const toWin = (p: string) => (paths.needsWine && p.startsWith('/') ? winePaths.toEngine(p) : p);
  const [cmd, cmdArgs] = paths.windowsCommand(paths.nodeWinExe, [toWin(path.join(outDir, `${name}.js`)), ...args.map(toWin), toWin(out)]);
  await new Promise<void>((resolve, reject) => {
    const child = spawn(cmd, cmdArgs, { env: paths.wineEnv(env), cwd: outDir, stdio: 'ignore', timeout: 60_000 });
    child.on('error', reject);
    child.on('exit', () => resolve());
  });
  if (!fs.existsSync(out)) throw new Error(`The driver ${name} wrote no result (it crashed?).`);
  const result = JSON.parse(fs.readFileSync(out, 'utf8')) as T & { error?: string };
  if (result.error) throw new Error(result.error);
  return result;
}
