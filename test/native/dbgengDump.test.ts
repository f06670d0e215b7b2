/**
 * The dbgeng engine opening a crash dump, below the adapter: a driver runs
 * EngineClient on the native test double under Wine. The engine itself
 * refuses whatever would run or change the dump (the adapter also refuses
 * continue and steps first, so only here are the engine's refusals of
 * those seen), and the double logs a violation for any such call that
 * reaches it.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import { dbgengDouble, repoRoot } from '../support/fixtures';
import { readLines } from '../support/dbgengDouble';
import { runWindowsDriver } from '../support/windowsDriver';

describe('dbgeng engine on the double: a crash dump through EngineClient', () => {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  let r: any;
  const dir = path.join(repoRoot, 'test-results', 'dbgengDump');
  const log = path.join(dir, 'violations.txt');
  const trace = path.join(dir, 'trace.txt');
  const dump = path.join(dir, 'crash.dmp');

  before(async () => {
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(dump, '');
    r = await runWindowsDriver(path.join(__dirname, 'drivers', 'dbgengDump.ts'), [dump, dbgengDouble], { DBGENG_DOUBLE_LOG: log, DBGENG_DOUBLE_TRACE: trace });
    assert.equal(r.error, undefined, r.error);
  });

  it('opens the dump once, stopped for the access violation on the main thread', () => {
    assert.equal(r.opened.engine, 'dbgeng');
    assert.equal(r.opened.dumpStop.reason, 'exception');
    assert.equal(r.opened.dumpStop.threadId, 4242);
    assert.deepEqual(r.opened.dumpStop.exception, { code: 0xc0000005, address: '0x12412f0', firstChance: false, description: 'Access violation reading location 0x0 (second chance)' });
    assert.equal(r.again.code, 'alreadyLaunched');
  });

  it('reads the stack, values and expressions as at a live stop', () => {
    assert.deepEqual(r.top, ['helper', 'main']);
    assert.deepEqual(r.ptChildren, [['x', '3'], ['y', '4']]);
    assert.equal(r.sum, '10');
    assert.equal(r.stillThere, '7');
  });

  it('refuses every request that would run or change the dump, saying why', () => {
    for (const [what, result] of Object.entries(r.refused) as [string, { code?: string; message?: string }][]) {
      assert.equal(result?.code, 'dumpReadOnly', what);
      assert.match(result.message ?? '', /this session is a crash dump, which cannot run or be changed/, what);
    }
  });

  it('leaves breakpoints unverified without asking dbgeng to set them', () => {
    for (const b of [...r.source, ...r.functions]) {
      assert.equal(b.verified, false);
      assert.match(b.message, /A crash dump cannot run/);
    }
  });

  it('ends with EndSession, an exited event, and no violation', () => {
    assert.ok(readLines(trace).includes('EndSession 0'));
    assert.ok(r.events.includes('exited'));
    assert.deepEqual(readLines(log), []);
  });
});
