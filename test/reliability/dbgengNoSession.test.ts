/**
 * Requests that reach Microsoft's dbgeng when it has no session: while a
 * launch is still starting, and after the program has exited. Under Wine,
 * a dbgeng command with no session throws a C++ exception that ends the
 * adapter's whole process (found by the DAP fuzzer: a setBreakpoints sent
 * while a launch of a missing program was starting). Each is answered,
 * with an error that says what to do, and the adapter serves on.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { installedPlatform } from '../../client/platformChoice';
import { fixtureSource, repoRoot } from '../support/fixtures';
import { markerLine } from '../support/markers';
import { TestSession } from '../support/dapSession';
import { uniqueCopy } from '../support/debuggee';
import { waitUntilGone } from '../support/processes';

const SAMPLE_C = fixtureSource('sample.c');
const skip = installedPlatform(repoRoot) ? false : "Microsoft's debugger platform is not installed: run `npm run setup` with dotnet on PATH";
const helperLine = () => markerLine(SAMPLE_C, '#BP helper');

/** The adapter process is still there and answers. */
async function stillServes(s: TestSession): Promise<void> {
  assert.equal(s.conn.process.exitCode, null, 'the adapter process is still running');
  const threads = await s.dap.send('threads');
  assert.equal(threads.success, true);
}

describe("Microsoft's dbgeng with no session: requests answered, the adapter alive", { skip }, () => {
  it('breakpoints sent while a launch of a missing program starts: both answered, each with its own error', async () => {
    const copy = uniqueCopy('sample', 'nosession-start', undefined, undefined, 'pdb');
    const s = await TestSession.start(undefined, { engine: 'dbgeng', program: copy.exe });
    try {
      const launch = s.dap.send('launch', { program: `${copy.exe}.missing`, engine: 'dbgeng' });
      const source = s.dap.send('setBreakpoints', { source: { path: SAMPLE_C }, breakpoints: [{ line: helperLine() }] });
      const functions = s.dap.send('setFunctionBreakpoints', { breakpoints: [{ name: 'outer' }] });
      const [l, b, f] = await Promise.all([launch, source, functions]);
      assert.equal(l.success, false);
      assert.match(l.message ?? '', /does not exist/);
      for (const r of [b, f]) {
        assert.equal(r.success, false);
        assert.match(r.message ?? '', /still starting|No program is being debugged/);
      }
      await stillServes(s);
      // The session can still launch what exists, and it runs as usual.
      const exited = s.dap.waitFor<DebugProtocol.ExitedEvent>('exited', 60_000);
      await s.launch({ program: copy.exe, engine: 'dbgeng' });
      assert.equal(typeof (await exited).body.exitCode, 'number');
    } finally {
      await s.close();
      copy.remove();
    }
    assert.deepEqual(await waitUntilGone(copy.name), []);
  });

  it('after the program exits: a console command and new breakpoints are answered, not the end of the adapter', async () => {
    const copy = uniqueCopy('sample', 'nosession-exit', undefined, undefined, 'pdb');
    const s = await TestSession.start(undefined, { engine: 'dbgeng', program: copy.exe });
    try {
      const exited = s.dap.waitFor<DebugProtocol.ExitedEvent>('exited', 60_000);
      await s.launch({ program: copy.exe, engine: 'dbgeng' });
      await exited;
      const lm = await s.dap.send('evaluate', { expression: 'lm', context: 'repl' });
      assert.equal(lm.success, false);
      assert.match(lm.message ?? '', /has exited/);
      const bp = await s.dap.send('setBreakpoints', { source: { path: SAMPLE_C }, breakpoints: [{ line: helperLine() }] });
      assert.equal(typeof bp.success, 'boolean');
      const fn = await s.dap.send('setFunctionBreakpoints', { breakpoints: [{ name: 'outer' }] });
      assert.equal(typeof fn.success, 'boolean');
      await stillServes(s);
    } finally {
      await s.close();
      copy.remove();
    }
  });
});
