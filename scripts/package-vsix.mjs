// `npm run package`: builds and packs the extension into a .vsix with
// @vscode/vsce. What goes in is .vscodeignore's list: the bundles in dist/,
// the grammar, the setup script (for the "Run setup" button), and from
// node_modules only what the bundles load at run time (koffi with its
// Windows native code, iced-x86). Checks the result lists those files.
//
//   node scripts/package-vsix.mjs [--out FILE]
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from './build.mjs';
import { repoRoot } from './lib/paths.mjs';

/** Files the .vsix must hold (paths inside it, under extension/). */
export const REQUIRED_IN_VSIX = [
  'extension/package.json',
  'extension/dist/extension.js',
  'extension/dist/adapter.js',
  'extension/dist/engine-host.js',
  'extension/dist/language-server.js',
  'extension/syntaxes/windbg-stack.tmLanguage.json',
  'extension/syntaxes/windbg-stack.language-configuration.json',
  'extension/scripts/setup.mjs',
  'extension/node_modules/koffi/package.json',
  'extension/node_modules/koffi/index.cjs',
  'extension/node_modules/@koromix/koffi-win32-x64/win32_x64/koffi.node',
];

export function vsixEntries(file) {
  const r = spawnSync('unzip', ['-Z1', file], { encoding: 'utf8' });
  if (r.error || r.status !== 0) throw new Error(`unzip -Z1 ${file} failed: ${r.error?.message ?? r.stderr}`);
  return r.stdout.split('\n').filter(Boolean);
}

export async function packageVsix(out = path.join(repoRoot, `dbgeng-inline-${JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')).version}.vsix`)) {
  await build();
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.rmSync(out, { force: true });
  const vsce = path.join(repoRoot, 'node_modules', '@vscode', 'vsce', 'vsce');
  const r = spawnSync(process.execPath, [vsce, 'package', '--no-yarn', '--allow-missing-repository', '--skip-license', '--out', out], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
    encoding: 'utf8',
  });
  const output = `${r.stdout}${r.stderr}`.split('\n').filter((l) => !/Unknown (user|env) config/.test(l)).join('\n').trim();
  if (r.status !== 0 || !fs.existsSync(out)) throw new Error(`vsce package failed (exit ${r.status}):\n${output}`);
  const entries = vsixEntries(out);
  const missing = REQUIRED_IN_VSIX.filter((f) => !entries.includes(f));
  if (missing.length) throw new Error(`${out} lacks: ${missing.join(', ')}`);
  return { file: out, entries, output };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const i = process.argv.indexOf('--out');
  try {
    const { file, entries } = await packageVsix(i > 0 ? path.resolve(process.argv[i + 1]) : undefined);
    console.log(`${path.relative(process.cwd(), file)}: ${entries.length} files, ${(fs.statSync(file).size / 1024).toFixed(0)} KiB`);
  } catch (e) {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  }
}
