/**
 * Data breakpoints' shared rules (native/engines/dataWatch.ts) and the DR7
 * encoding (native/engines/dbghelp/dr7.ts), checked against the x64 rules
 * they follow: sizes of Windows x64 scalar types, alignment, and DR7's
 * enable, access and length fields (Intel SDM vol. 3, 18.2.4).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describeDataHit, formatWatched, scalarSize, unwatchable, type DataWatch } from '../../native/engines/dataWatch';
import { dr7For } from '../../native/engines/dbghelp/dr7';

const le = (n: number | bigint, size: number) => {
  const b = Buffer.alloc(size);
  if (size === 8) b.writeBigUInt64LE(BigInt.asUintN(64, BigInt(n)));
  else b.writeUIntLE(Number(BigInt.asUintN(size * 8, BigInt(n))), 0, size);
  return b;
};

describe('scalarSize', () => {
  it('gives the Windows x64 size of scalars, qualifiers and signedness aside', () => {
    assert.equal(scalarSize('char'), 1);
    assert.equal(scalarSize('unsigned short'), 2);
    assert.equal(scalarSize('volatile int'), 4);
    assert.equal(scalarSize('long'), 4, 'LLP64: long is 4 bytes');
    assert.equal(scalarSize('unsigned long long'), 8);
    assert.equal(scalarSize('double'), 8);
    assert.equal(scalarSize('struct point *'), 8);
    assert.equal(scalarSize('unsigned'), 4);
  });

  it('has no size for aggregates and arrays', () => {
    assert.equal(scalarSize('struct point'), undefined);
    assert.equal(scalarSize('int[4]'), undefined);
  });
});

describe('unwatchable', () => {
  it('accepts an aligned scalar in memory', () => {
    assert.equal(unwatchable('0x1000', 'int'), undefined);
    assert.equal(unwatchable('0x1008', 'long long'), undefined);
  });

  it('says why a value without an address, of another type, or misaligned cannot be watched', () => {
    assert.match(unwatchable(undefined, 'int')!, /not in memory/);
    assert.match(unwatchable('0x1000', 'struct point')!, /struct point.*members/);
    assert.match(unwatchable('0x1002', 'int')!, /not aligned.*4 bytes at 0x1002/);
  });
});

describe('formatWatched and describeDataHit', () => {
  it('reads values as their type does', () => {
    assert.equal(formatWatched(le(-1, 4), 'int'), '-1');
    assert.equal(formatWatched(le(-1, 4), 'unsigned int'), '4294967295');
    assert.equal(formatWatched(le(200, 1), 'char'), '-56');
    assert.equal(formatWatched(le(0x1234n, 8), 'int *'), '0x0000000000001234');
    const d = Buffer.alloc(8);
    d.writeDoubleLE(2.5);
    assert.equal(formatWatched(d, 'double'), '2.5');
  });

  it('names the value with its old and new value, or says it was written unchanged', () => {
    const watch: DataWatch = { address: '0x1000', size: 4, access: 'write', name: 'counter', type: 'volatile int' };
    assert.equal(describeDataHit(watch, le(5, 4), le(6, 4)), 'counter changed from 5 to 6');
    assert.equal(describeDataHit(watch, le(6, 4), le(6, 4)), 'counter was written (value 6)');
    assert.equal(describeDataHit({ ...watch, access: 'readWrite' }, le(6, 4), le(6, 4)), 'counter was accessed (value 6)');
  });
});

describe('dr7For', () => {
  it('sets no bit for no watch', () => {
    assert.equal(dr7For([]), 0n);
  });

  it('enables each slot locally with its access and length fields', () => {
    // Slot 0, write, 4 bytes: L0 (bit 0), R/W0 = 01 (bits 16-17), LEN0 = 11 (bits 18-19).
    assert.equal(dr7For([{ size: 4, access: 'write' }]), 0x1n | (0b01n << 16n) | (0b11n << 18n));
    // Slot 1, read or write, 8 bytes: L1 (bit 2), R/W1 = 11 (bits 20-21), LEN1 = 10 (bits 22-23).
    const two = dr7For([{ size: 1, access: 'write' }, { size: 8, access: 'readWrite' }]);
    assert.equal(two, 0x1n | (0b01n << 16n) | (0b00n << 18n) | 0x4n | (0b11n << 20n) | (0b10n << 22n));
    // Slot 3, 2 bytes: L3 (bit 6), LEN3 = 01 (bits 30-31).
    const four = dr7For([1, 2, 3, 4].map(() => ({ size: 2 as const, access: 'write' as const })));
    assert.equal((four >> 6n) & 1n, 1n);
    assert.equal((four >> 30n) & 0b11n, 0b01n);
    assert.equal(four >> 32n, 0n, 'nothing above slot 3');
  });
});
