/**
 * The stop-position rule (native/engines/stopPosition.ts) on the shapes the
 * fixtures have: helper inlined at the start of middle, inlined into outer.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { framesBeginningAt, hiddenAtBreakpoint, type InlineFrameHere } from '../../native/engines/stopPosition';

const PC = 0x1000n;
// Innermost first: helper and middle both begin at PC.
const nested: InlineFrameHere[] = [{ name: 'helper', start: PC, line: 18 }, { name: 'middle', start: PC, line: 27 }];

describe('hiddenAtBreakpoint', () => {
  it('a function breakpoint on an inline-only function shows that function: the deeper frames beginning here are hidden', () => {
    assert.equal(hiddenAtBreakpoint(nested, PC, [{ function: 'middle' }]), 1);
    assert.equal(hiddenAtBreakpoint(nested, PC, [{ function: 'sample!middle' }]), 1);
    assert.equal(hiddenAtBreakpoint(nested, PC, [{ function: 'helper' }]), 0);
  });

  it('a function breakpoint on the physical function hides every inline frame beginning at its first instruction', () => {
    assert.equal(hiddenAtBreakpoint(nested, PC, [{ function: 'outer' }]), 2);
  });

  it('a line breakpoint shows the innermost frame on that line', () => {
    assert.equal(hiddenAtBreakpoint(nested, PC, [{ line: 27 }]), 1);
    assert.equal(hiddenAtBreakpoint(nested, PC, [{ line: 18 }]), 0);
    assert.equal(hiddenAtBreakpoint(nested, PC, [{ line: 34 }]), 2, "a line of the physical frame's");
  });

  it('never hides a frame that has run code, nor a frame some breakpoint here asked for', () => {
    const entered: InlineFrameHere[] = [{ name: 'helper', start: PC, line: 18 }, { name: 'middle', start: PC - 4n, line: 27 }];
    assert.equal(hiddenAtBreakpoint(entered, PC, [{ function: 'outer' }]), 1, 'middle began before this address');
    assert.equal(hiddenAtBreakpoint(nested, PC, [{ function: 'outer' }, { function: 'helper' }]), 0);
    assert.equal(hiddenAtBreakpoint(nested, PC, []), 0, 'no breakpoint of ours (an instruction breakpoint): nothing hidden');
    assert.equal(hiddenAtBreakpoint([], PC, [{ function: 'outer' }]), 0);
  });

  it('counts the frames beginning at an address, innermost first', () => {
    assert.equal(framesBeginningAt(nested, PC), 2);
    assert.equal(framesBeginningAt(nested, PC + 1n), 0);
  });
});
