/** Debug Console completions (adapter/console/completions.ts). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { completions } from '../../adapter/console/completions';

const ctx = { engineKind: 'dbghelp', names: ['h', 'x', 'helper_count'], registers: ['rax', 'rip'] };
const labels = (text: string, column = text.length + 1, c = ctx) => completions(text, column, c).map((i) => i.label);

describe('completions', () => {
  it('offers the console commands at the start of the line, filtered by what is typed', () => {
    assert.deepEqual(labels('.f'), ['.frame']);
    assert.deepEqual(labels('k').filter((l) => l.startsWith('k')), ['k', 'kn', 'kv']);
    assert.ok(labels('b', 2, { ...ctx, engineKind: 'dbgeng' }).includes('bm'), "dbgeng's bm");
    assert.ok(!labels('b').includes('bm'), 'not on the dbghelp engine');
  });

  it("offers the frame's names and registers anywhere, replacing the word being typed", () => {
    assert.deepEqual(labels('1 + h'), ['h', 'helper_count']);
    assert.deepEqual(labels('$r'), ['$rax', '$rip']);
    const [item] = completions('1 + hel', 8, ctx);
    assert.deepEqual([item!.label, item!.start, item!.length], ['helper_count', 4, 3]);
    assert.deepEqual(labels('db h', 5).filter((l) => l === 'db'), [], 'commands only at the start');
  });
});
