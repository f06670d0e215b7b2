/** DAP's hex format on the values the engines write (adapter/valueFormat.ts). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatValue } from '../../adapter/valueFormat';

describe('formatValue', () => {
  it('writes a decimal integer in hex when asked, in its type\'s width', () => {
    assert.equal(formatValue('6', 'int', { hex: true }), '0x6');
    assert.equal(formatValue('-1', 'int', { hex: true }), '0xffffffff');
    assert.equal(formatValue('-1', 'char', { hex: true }), '0xff');
    assert.equal(formatValue('-2', 'short', { hex: true }), '0xfffe');
    assert.equal(formatValue('-1', 'long long', { hex: true }), '0xffffffffffffffff');
    assert.equal(formatValue('-1', 'long', { hex: true }), '0xffffffff', 'long is 32 bits on Windows x64');
    assert.equal(formatValue('4294967296', undefined, { hex: true }), '0x100000000');
  });

  it('leaves it alone without hex, and leaves what is not a decimal integer alone', () => {
    assert.equal(formatValue('6', 'int', undefined), '6');
    assert.equal(formatValue('6', 'int', { hex: false }), '6');
    for (const v of ['1.5', '0x0000000000001000', '{...}', '<value unavailable>', "65 'A'", 'red (1)']) assert.equal(formatValue(v, 'int', { hex: true }), v);
  });
});
