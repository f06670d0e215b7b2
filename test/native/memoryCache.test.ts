/**
 * The memory cache StackWalkEx reads the debuggee through
 * (native/engines/dbghelp/memoryCache.ts), in Windows Node under Wine,
 * reading memory laid out by the driver in drivers/memoryCalls.ts.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import { runWindowsDriver } from '../support/windowsDriver';

interface Read { n: number; bytes: number[]; expected?: number[] }

describe('the stack walker memory cache', () => {
  let r: Record<string, Read> & { remoteReads: number[] };

  before(async () => {
    r = await runWindowsDriver(path.join(__dirname, 'drivers', 'memoryCalls.ts'), []);
  });

  it('copies the bytes at an address', () => {
    assert.equal(r.inBlock!.n, 8);
    assert.deepEqual(r.inBlock!.bytes, r.inBlock!.expected);
    assert.deepEqual(r.sameBlockAgain!.bytes, r.sameBlockAgain!.expected);
  });

  it('copies a read that crosses from one 64 KB block into the next', () => {
    assert.equal(r.acrossBlocks!.n, 16);
    assert.deepEqual(r.acrossBlocks!.bytes, r.acrossBlocks!.expected);
  });

  it('reads the process 64 KB at a time, each block once', () => {
    assert.deepEqual(r.remoteReads.slice(0, 2), [65536, 65536], 'two blocks for four reads (the null page comes after)');
  });

  it('keeps what it read: the walk sees one moment of the debuggee', () => {
    assert.deepEqual(r.afterChange!.bytes, r.afterChange!.expected);
  });

  it('around a page that cannot be read: the pages beside it read, a read into it stops at it', () => {
    assert.equal(r.beforeHole!.n, 8);
    assert.deepEqual(r.beforeHole!.bytes, r.beforeHole!.expected);
    assert.equal(r.intoHole!.n, 4);
    assert.deepEqual(r.intoHole!.bytes.slice(0, 4), r.intoHole!.expected);
    assert.equal(r.inHole!.n, 0);
    assert.equal(r.afterHole!.n, 8);
    assert.deepEqual(r.afterHole!.bytes, r.afterHole!.expected);
  });

  it('reads nothing where nothing is mapped', () => {
    assert.equal(r.nullPage!.n, 0);
  });
});
