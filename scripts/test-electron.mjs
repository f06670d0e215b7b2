// `npm run test:electron`: the extension tests (test/extension/suite, mocha)
// in a VS Code desktop build that @vscode/test-electron downloads, for
// machines that can reach VS Code's download server (a developer's Windows
// or Linux desktop; on a Linux without a display run it under xvfb-run).
// The same suite runs here inside code-server instead
// (test/extension/extensionHost.test.ts, part of `npm test`), because
// these machines cannot download VS Code.
//
//   node scripts/test-electron.mjs [--version stable|1.90.0|...]
import path from 'node:path';
import { runTests } from '@vscode/test-electron';
import { build } from './build.mjs';
import { repoRoot, testResults } from './lib/paths.mjs';

const i = process.argv.indexOf('--version');
const version = i > 0 ? process.argv[i + 1] : 'stable';

await build();
try {
  await runTests({
    version,
    extensionDevelopmentPath: repoRoot,
    extensionTestsPath: path.join(repoRoot, 'dist-test', 'extension', 'index.js'),
    extensionTestsEnv: { DBGENG_EXTENSION_TEST_REPORT: path.join(testResults, 'extension-tests.json') },
    // The fixtures folder as the workspace; no other extensions.
    launchArgs: [path.join(repoRoot, 'test', 'fixtures'), '--disable-extensions', '--disable-workspace-trust'],
  });
  console.log('extension tests passed (report: test-results/extension-tests.json)');
} catch (e) {
  console.error(`extension tests failed: ${e instanceof Error ? e.message : e}`);
  process.exit(1);
}
