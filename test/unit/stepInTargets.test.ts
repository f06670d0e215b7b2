/**
 * "Step Into Target"'s rule (native/engines/stepInTargets.ts) on the shapes
 * optimized code has: two inlined calls and an out-of-line call on one line,
 * an inlined copy split in two address ranges, instructions of other lines
 * interleaved, and a frame that is itself an inline site.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { enteredInPlace, ListedTargets, stepInTargets, type CodeSpot, type StepInTarget } from '../../native/engines/stepInTargets';

const addTen = { name: 'add_ten', start: 0x14n };
const twice = { name: 'twice', start: 0x20n };
const square = { name: 'square', start: 0x40n };

// main's line 35 is `r = twice(add_ten(x)) + helper(x);`, code out of order as an optimizer leaves it.
const spots: CodeSpot[] = [
  { address: 0x28n, chain: [addTen], lines: [35, 16] }, // add_ten's second range
  { address: 0x10n, chain: [], lines: [35] },
  { address: 0x14n, chain: [addTen], lines: [35, 15] },
  { address: 0x18n, chain: [addTen], lines: [35, 16] },
  { address: 0x1cn, chain: [], lines: [35], call: { address: 0x500n, name: 'helper' } },
  { address: 0x20n, chain: [twice], lines: [35, 20] },
  { address: 0x24n, chain: [], lines: [36], call: { address: 0x600n, name: 'report' } }, // another line's call
  { address: 0x30n, chain: [], lines: [35], call: { address: 0x500n, name: 'helper' } }, // helper again: listed once
  { address: 0x40n, chain: [square], lines: [37, 26] }, // another line's inlined call
];

describe('stepInTargets', () => {
  it("lists the line's inlined and out-of-line calls in address order, each once", () => {
    const targets = stepInTargets({ chain: [], line: 35 }, spots);
    assert.deepEqual(targets.map((t) => [t.kind, t.label]), [['inline', 'add_ten'], ['call', 'helper'], ['inline', 'twice']]);
    assert.deepEqual(targets[1], { kind: 'call', label: 'helper', address: 0x500n });
  });

  it("enters an inlined copy at each of its ranges' first instruction", () => {
    const [first] = stepInTargets({ chain: [], line: 35 }, spots);
    assert.equal(first!.kind, 'inline');
    assert.deepEqual(first!.kind === 'inline' && first!.entries, [0x14n, 0x28n]);
  });

  it('lists nothing on a line without calls', () => {
    assert.deepEqual(stepInTargets({ chain: [], line: 99 }, spots), []);
  });

  it("in an inline frame, lists the calls of that frame's line only", () => {
    const nested: CodeSpot[] = [
      { address: 0x14n, chain: [addTen], lines: [35, 15] },
      { address: 0x16n, chain: [addTen, square], lines: [35, 15, 26] },
      { address: 0x1an, chain: [addTen], lines: [35, 16], call: { address: 0x700n, name: 'log_value' } },
      { address: 0x1cn, chain: [], lines: [35], call: { address: 0x500n, name: 'helper' } },
    ];
    assert.deepEqual(stepInTargets({ chain: [addTen], line: 15 }, nested).map((t) => t.label), ['square']);
    assert.deepEqual(stepInTargets({ chain: [addTen], line: 16 }, nested).map((t) => t.label), ['log_value']);
  });
});

describe('enteredInPlace', () => {
  const chain = [addTen, square]; // square inlined into add_ten, both beginning here
  const into = (site: typeof addTen): StepInTarget => ({ kind: 'inline', label: site.name, site, entries: [site.start] });
  it('enters a hidden inlined call that begins here, leaving the deeper ones hidden', () => {
    assert.equal(enteredInPlace(chain, 2, into(addTen)), 1);
    assert.equal(enteredInPlace(chain, 2, into(square)), 0);
  });
  it('does not for a frame already entered, a call elsewhere, or an out-of-line call', () => {
    assert.equal(enteredInPlace(chain, 1, into(addTen)), undefined);
    assert.equal(enteredInPlace(chain, 2, into(twice)), undefined);
    assert.equal(enteredInPlace(chain, 2, { kind: 'call', label: 'helper', address: 0x500n }), undefined);
  });
});

describe('ListedTargets', () => {
  it("gives each target an id that steps into it on that thread, until cleared", () => {
    const listed = new ListedTargets();
    const targets = stepInTargets({ chain: [], line: 35 }, spots);
    const infos = listed.add(7, targets);
    assert.deepEqual(infos.map((t) => [t.id, t.label, t.inline]), [[1, 'add_ten', true], [2, 'helper', false], [3, 'twice', true]]);
    assert.equal(listed.chosen(7, 'in', 2), targets[1]);
    assert.throws(() => listed.chosen(8, 'in', 2), /not one of this stop's for thread 8/);
    assert.throws(() => listed.chosen(7, 'over', 2), /not one of this stop's/);
    listed.clear();
    assert.throws(() => listed.chosen(7, 'in', 2), /list the line's targets again/);
  });
});
