/**
 * Decoding InlineFrameContext values, with seed 004's WinDbg numbers
 * (!gcsex output) as the Windows reference.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeInlineContext, hex32, isInlineContext } from '../../native/engines/inlineContext';

describe('Windows encoding (dbgeng, Windows dbghelp)', () => {
  // From seed 004: frame 0 = 25ed0200 (inline), 1 = 25ed0100, 2 = 25ed8200, 3 = 25ed8100.
  const seed = [
    [0x25ed0200, 0x00, 0x02, 0x25ed, ['INLINE'], true],
    [0x25ed0100, 0x00, 0x01, 0x25ed, ['STACK'], false],
    [0x25ed8200, 0x00, 0x82, 0x25ed, ['INLINE', 'RA'], true],
    [0x25ed8100, 0x00, 0x81, 0x25ed, ['STACK', 'RA'], false],
  ] as const;
  for (const [value, frameId, frameType, signature, names, inline] of seed) {
    it(`decodes ${hex32(value)}`, () => {
      assert.deepEqual(decodeInlineContext(value, 'windows'), { encoding: 'windows', frameId, frameType, frameTypeNames: names, frameSignature: signature });
      assert.equal(isInlineContext(value, 'windows'), inline);
    });
  }
  it('0xFFFFFFFF means inline support off: IGNORE, never inline', () => {
    assert.deepEqual((decodeInlineContext(0xffffffff, 'windows') as { frameTypeNames: string[] }).frameTypeNames, ['IGNORE']);
    assert.equal(isInlineContext(0xffffffff, 'windows'), false);
  });
  it('0 is INIT', () => assert.deepEqual((decodeInlineContext(0, 'windows') as { frameTypeNames: string[] }).frameTypeNames, ['INIT']));
});

describe("Wine's dbghelp encoding", () => {
  it('0x40000000 + depth is inline', () => {
    assert.deepEqual(decodeInlineContext(0x40000001, 'wine'), { encoding: 'wine', mode: 'inline', depth: 1 });
    assert.equal(isInlineContext(0x40000001, 'wine'), true);
  });
  it('0x80000000 is a regular frame', () => {
    assert.deepEqual(decodeInlineContext(0x80000000, 'wine'), { encoding: 'wine', mode: 'regular', depth: 0 });
    assert.equal(isInlineContext(0x80000000, 'wine'), false);
  });
  it('IGNORE and INIT', () => {
    assert.equal((decodeInlineContext(0xffffffff, 'wine') as { mode: string }).mode, 'ignore');
    assert.equal((decodeInlineContext(0, 'wine') as { mode: string }).mode, 'init');
  });
});

describe('hex32', () => {
  it('prints eight hex digits', () => {
    assert.equal(hex32(0x2ed0200), '02ed0200');
    assert.equal(hex32(-1), 'ffffffff');
  });
});
