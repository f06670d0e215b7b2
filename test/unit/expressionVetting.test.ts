/** What the dbgeng engine hands Microsoft's dbgeng under Wine (native/dbgeng/expressionVetting.ts). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { vetForDbgeng } from '../../native/dbgeng/expressionVetting';

const scope = new Map([['h', { unavailable: false }], ['x', { unavailable: true }]]);
const globals = (n: string) => n === 'sink';
const vet = (text: string) => vetForDbgeng(text, scope, globals);

describe('vetForDbgeng', () => {
  it('passes expressions over the frame\'s names with values and known globals, 0n written as plain decimal', () => {
    assert.equal(vet('h * 2'), 'h * 2');
    assert.equal(vet('sink + h'), 'sink + h');
    assert.equal(vet('(h + 0n10)'), '(h + 10)');
    assert.equal(vet('h + 0x10'), 'h + 0x10');
  });

  it('answers itself what dbgeng would throw on: syntax, unknown names, no value here, registers in an expression', () => {
    assert.throws(() => vet('h +'), /ends too early/);
    assert.throws(() => vet('nosuch'), /"nosuch" is not a local or parameter of this frame/);
    assert.throws(() => vet('x + 1'), /x has no value at this address \(value unavailable\)/);
    assert.throws(() => vet('h + rax'), /rax is a register/);
  });
});
