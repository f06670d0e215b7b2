// Checks native/win32/layouts.ts (hand-written byte offsets) against the
// compiler: test/native/probe/layouts.c prints sizeof/offsetof from the real
// mingw-w64 headers, built with x86_64-w64-mingw32-gcc and run as a Windows
// program (under Wine on Linux). A wrong offset here would otherwise show up
// only as garbage read from a debug event or a stack frame.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { promisify } from 'node:util';
import { Layouts } from '../../native/win32/layouts';

const execFileAsync = promisify(execFile);

type Probe = Record<string, Record<string, number>>;

describe('native/win32/layouts.ts matches the mingw-w64 headers', () => {
  let probe: Probe;

  before(async () => {
    // paths.mjs is ESM and this file compiles as CommonJS: a dynamic import
    // is the one form both TypeScript (module Node16) and Node accept.
    const paths = await import('../../scripts/lib/paths.mjs');
    const outDir = path.join(paths.testResults, 'probe');
    fs.mkdirSync(outDir, { recursive: true });
    const src = path.join(paths.repoRoot, 'test', 'native', 'probe', 'layouts.c');
    const exe = path.join(outDir, 'layouts.exe');
    // -Wall -Werror: a typo'd member name must stop the build, not warn.
    await execFileAsync('x86_64-w64-mingw32-gcc', ['-Wall', '-Werror', '-O0', src, '-o', exe]);
    // A plain mingw program (unlike Windows node.exe) can write to a pipe
    // under Wine, so its stdout is read directly.
    const [file, args] = paths.windowsCommand(exe);
    const { stdout } = await execFileAsync(file, args, { env: paths.wineEnv(), timeout: 60_000 });
    probe = JSON.parse(stdout) as Probe;
  });

  for (const [struct, fields] of Object.entries(Layouts)) {
    it(struct, () => {
      const measured = probe[struct];
      assert.ok(measured, `the probe does not report ${struct}: add it to test/native/probe/layouts.c`);
      const unprobed = Object.keys(fields).filter((k) => !(k in measured));
      assert.deepEqual(unprobed, [], `${struct}: keys the probe does not measure (add them to test/native/probe/layouts.c)`);
      // Compare whole objects, restricted to the table's keys, so one failure
      // lists every wrong number of the struct at once.
      const expected = Object.fromEntries(Object.keys(fields).map((k) => [k, measured[k]]));
      assert.deepEqual({ ...fields }, expected, `${struct}: layouts.ts (actual) vs mingw-w64 headers (expected)`);
    });
  }
});
