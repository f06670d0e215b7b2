// Bundles every entry point with esbuild. Type checking is tsc's job
// (`npm run typecheck`); this only has to be fast and complete.
// koffi stays external: its native code is loaded from node_modules at run
// time, by whichever Node (Linux, or Windows under Wine) runs the bundle.
import * as esbuild from 'esbuild';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export const entryPoints = {
  adapter: 'adapter/main.ts',          // DAP server (runs in Windows Node)
  'engine-host': 'native/host/worker.ts', // engine thread (worker_threads)
  cli: 'client/cli.ts',                // dbgeng-inline command line
  extension: 'src/extension.ts',       // VS Code extension host entry
};

export async function build() {
  await esbuild.build({
    absWorkingDir: root,
    entryPoints: Object.fromEntries(Object.entries(entryPoints).map(([k, v]) => [k, v])),
    outdir: 'dist',
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    sourcemap: true,
    external: ['koffi', 'vscode'],
    logLevel: 'warning',
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await build();
}
