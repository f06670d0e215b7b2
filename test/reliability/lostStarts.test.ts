/**
 * Starts the system loses. Under Wine, CreateProcessW now and then fails
 * with ERROR_INTERNAL_ERROR (1359): the new process died before it told
 * wineserver it had started. Here Wine is made to lose starts for real, by
 * killing the new process while it is still Wine's loader
 * (test/support/killWineStarts.mjs): the adapter starts the program again and
 * the session goes on, or, when every try is lost, says so and what to do.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { DapError } from '../../client/dapClient';
import { fixtureSource, repoRoot } from '../support/fixtures';
import { markerLine } from '../support/markers';
import { TestSession } from '../support/dapSession';
import { StopQueue, uniqueCopy } from '../support/debuggee';
import { waitUntilGone } from '../support/processes';

const SAMPLE_C = fixtureSource('sample.c');
const underWine = process.platform !== 'win32';

/** Starts killing the first `count` starts of `exeName`; resolves to the pids killed once it is done. */
function loseStarts(exeName: string, count: number): Promise<number[]> {
  const result = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'dbgeng-lost-')), 'killed.json');
  const killer = spawn(process.execPath, [path.join(repoRoot, 'test', 'support', 'killWineStarts.mjs'), exeName, String(count), result], { stdio: 'ignore' });
  return new Promise((resolve, reject) => {
    killer.on('error', reject);
    killer.on('exit', () => {
      try {
        resolve((JSON.parse(fs.readFileSync(result, 'utf8')) as { killed: number[] }).killed);
      } catch (e) {
        reject(e as Error);
      } finally {
        fs.rmSync(path.dirname(result), { recursive: true, force: true });
      }
    });
  });
}

/** Lets the killer find /proc before the launch (it starts in well under this). */
const killerReady = () => new Promise((r) => setTimeout(r, 300));

describe('starts Wine loses (CreateProcessW: Win32 error 1359)', { skip: underWine ? false : 'Wine loses starts; Windows does not' }, () => {
  it('one lost start: the program is started again, the user is told, and the session goes on as usual', async () => {
    const copy = uniqueCopy('sample', 'lost-once');
    const s = await TestSession.start();
    try {
      const told: string[] = [];
      s.dap.on('output', (e: DebugProtocol.OutputEvent) => {
        if (e.body.category === 'console') told.push(e.body.output);
      });
      const killed = loseStarts(copy.name, 1);
      await killerReady();
      const q = new StopQueue(s.dap);
      const [bp] = await s.launch({ program: copy.exe }, [{ file: SAMPLE_C, lines: [markerLine(SAMPLE_C, '#BP helper')] }]);
      assert.equal((await killed).length, 1, 'the first start was killed');
      assert.match(told.join(''), /The system lost ".*lost-once-[^"]*\.exe" while starting it \(CreateProcessW: Win32 error 1359.*started it again: 2 tries/);
      assert.equal(bp!.body.breakpoints[0]!.verified, true);
      const tops: DebugProtocol.StackFrame[] = [];
      const run = await q.continueToExit(1, async (stop) => {
        tops.push((await s.stackTrace(stop.body.threadId!, 0, 1)).stackFrames[0]!);
      });
      assert.deepEqual(run.stops.map((x) => x.body.reason), ['breakpoint']);
      assert.equal(tops[0]!.name, 'helper (Inline)');
      assert.equal(tops[0]!.line, markerLine(SAMPLE_C, '#BP helper'));
      assert.equal(run.exitCode, 19);
    } finally {
      await s.close();
      copy.remove();
    }
    assert.deepEqual(await waitUntilGone(copy.name), []);
  });

  it('every start lost: the launch fails after three tries, saying what to try, and nothing is left', async () => {
    const copy = uniqueCopy('sample', 'lost-always');
    const s = await TestSession.start();
    try {
      const killed = loseStarts(copy.name, 3);
      await killerReady();
      await assert.rejects(s.dap.request('launch', { program: copy.exe }), (e: DapError) => {
        assert.match(e.message, /died while it was being started, 3 times in a row \(CreateProcessW: Win32 error 1359\)/);
        assert.match(e.message, /run it once without the debugger/);
        return true;
      });
      assert.equal((await killed).length, 3);
    } finally {
      await s.close();
      copy.remove();
    }
    assert.deepEqual(await waitUntilGone(copy.name), []);
  });
});
