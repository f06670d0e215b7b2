/**
 * The dbgeng engine's structured values and expressions, below the adapter
 * (which does not ask for them yet): a driver runs EngineClient on the
 * native test double under Wine. The double evaluates a small C
 * expression language in the scope of the frame it is given and fails an
 * expression it cannot resolve, as dbgeng's AddSymbol does.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import { dbgengDouble, fixtureExe, repoRoot } from '../support/fixtures';
import { readLines } from '../support/dbgengDouble';
import { runWindowsDriver } from '../support/windowsDriver';

const pick = (vs: { name: string; kind: string; type: string; value: string }[]) => vs.map((v) => [v.name, v.kind, v.type, v.value]);

describe('dbgeng engine on the double: children, evaluate, setChild', () => {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  let r: any;
  const log = path.join(repoRoot, 'test-results', 'dbgengValues-violations.txt');
  const trace = path.join(repoRoot, 'test-results', 'dbgengValues-trace.txt');

  before(async () => {
    fs.mkdirSync(path.dirname(log), { recursive: true });
    fs.rmSync(log, { force: true });
    fs.rmSync(trace, { force: true });
    r = await runWindowsDriver(path.join(__dirname, 'drivers', 'dbgengValues.ts'), [fixtureExe('sample'), dbgengDouble], { DBGENG_DOUBLE_LOG: log, DBGENG_DOUBLE_TRACE: trace });
  });

  it('marks a struct as having named children, an array indexed ones', () => {
    const pt = r.helper.find((v: { name: string }) => v.name === 'pt');
    assert.equal(pt.namedChildren, 2);
    assert.equal(pt.indexedChildren, undefined);
    assert.equal(typeof pt.childrenHandle, 'number');
    const values = r.main.find((v: { name: string }) => v.name === 'values');
    assert.deepEqual([values.indexedChildren, values.namedChildren, values.type], [3, undefined, 'int [3]']);
    assert.equal(r.main.find((v: { name: string }) => v.name === 'total').childrenHandle, undefined);
  });

  it("expands a struct into members and an array's page into elements", () => {
    assert.deepEqual(pick(r.ptChildren), [['x', 'member', 'int', '3'], ['y', 'member', 'int', '4']]);
    assert.equal(r.ptChildren[1].address, '0x29fd3c');
    assert.deepEqual(pick(r.someElements), [['[1]', 'element', 'int', '20'], ['[2]', 'element', 'int', '30']]);
  });

  it('sets a member; the memory holds it', () => {
    assert.equal(r.setY, '40');
    assert.deepEqual([...Buffer.from(r.yMemory.data, 'base64')], [40, 0, 0, 0]);
    assert.equal(r.badChild.code, 'noVariable');
  });

  it('evaluates expressions in the frame asked: helper (Inline) sees its own locals', () => {
    assert.deepEqual([r.sum.kind, r.sum.type, r.sum.value, r.sum.childrenHandle], ['value', 'int', '10', undefined]);
    assert.equal(r.product.value, '60');
  });

  it("rejects a name that is not in the frame's scope, and malformed text, as badExpression", () => {
    assert.equal(r.elsewhere.code, 'badExpression');
    assert.match(r.elsewhere.message, /^dbgeng's expression evaluator rejected it in this frame \(E_INVALIDARG/);
    assert.equal(r.garbage.code, 'badExpression');
    assert.deepEqual([r.empty.code, r.empty.message], ['badExpression', 'The expression is empty.']);
  });

  it('keeps handles right when expanding one value moves another', () => {
    assert.deepEqual(pick(r.secondChildren), [['x', 'member', 'int', '3'], ['y', 'member', 'int', '40']]);
    assert.deepEqual(pick(r.firstChildren), pick(r.secondChildren));
    assert.equal(r.setX, '5');
    assert.deepEqual(pick(r.firstAfter), [['x', 'member', 'int', '5'], ['y', 'member', 'int', '40']]);
    // The second "pt" sat at index 1 until the first (index 0) was expanded in front of it: its x is now at 4.
    const calls = readLines(trace);
    const expands = calls.filter((l) => l.startsWith('ExpandSymbol'));
    assert.deepEqual(expands.slice(-2), ['ExpandSymbol 1 1', 'ExpandSymbol 0 1']);
    assert.ok(calls.includes('WriteSymbolWide 4 5'), calls.filter((l) => l.startsWith('WriteSymbolWide')).join('\n'));
  });

  it('gives an entry one handle however often it is shown, and adds an expression once', () => {
    assert.equal(r.localsTwice[0], r.localsTwice[1]);
    assert.equal(r.firstAgain.childrenHandle, r.first.childrenHandle);
    assert.notEqual(r.second.childrenHandle, r.first.childrenHandle);
    assert.deepEqual(readLines(trace).filter((l) => l === 'AddSymbolWide pt'), ['AddSymbolWide pt']);
  });

  it('forgets handles when the program runs, and reads the new stop afresh', () => {
    assert.equal(r.stale.code, 'noHandle');
    assert.deepEqual(r.afterStep.map((v: { name: string }) => v.name), ['only_in_helper', 'pt']);
  });

  it('kept the watch group small and left no violation', () => {
    const calls = readLines(trace);
    assert.equal(calls.filter((c) => c.startsWith('RemoveSymbolByIndex')).length, 2, 'the two plain results');
    assert.deepEqual(readLines(log), []);
  });
});
