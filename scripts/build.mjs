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
  'language-server': 'lsp/server.ts',  // windbg-stack language server (own process)
};

/** The extension tests' mocha suite, run inside a real extension host
 *  (test/extension); kept out of dist/ so it never ships in the .vsix. */
export const testEntryPoints = {
  'extension/index': 'test/extension/suite/index.ts',
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
    // Loaded from node_modules at run time: koffi's native code, and
    // iced-x86's WebAssembly file, which it reads from beside its own .js.
    external: ['koffi', 'vscode', 'iced-x86'],
    logLevel: 'warning',
  });
  await esbuild.build({
    absWorkingDir: root,
    entryPoints: testEntryPoints,
    outdir: 'dist-test',
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    sourcemap: true,
    // mocha is loaded from node_modules by the suite, as test-electron's are.
    external: ['vscode', 'mocha'],
    logLevel: 'warning',
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await build();
}
