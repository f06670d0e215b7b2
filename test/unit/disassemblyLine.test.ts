/**
 * dbgeng's disassembly lines (the text of Disassemble, as WinDbg's `u`
 * prints it) parsed into address, bytes and text.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseDisassemblyLine } from '../../native/dbgeng/disassembly';

describe("dbgeng's disassembly line", () => {
  it('splits address, bytes and text, folding the blanks of the text', () => {
    assert.deepEqual(parseDisassemblyLine('00007ff6`12341000 4883ec28        sub     rsp,28h\n'),
      { address: 0x7ff612341000n, bytes: '4883ec28', text: 'sub rsp,28h' });
  });

  it('takes bytes longer than their column, and operands naming symbols', () => {
    assert.deepEqual(parseDisassemblyLine('00000000`01241000 48b8efcdab8967452301 mov rax,123456789ABCDEFh'),
      { address: 0x1241000n, bytes: '48b8efcdab8967452301', text: 'mov rax,123456789ABCDEFh' });
    assert.deepEqual(parseDisassemblyLine('00007ff6`12341010 e8ebffffff      call    sample!helper (00007ff6`12341000)'),
      { address: 0x7ff612341010n, bytes: 'e8ebffffff', text: 'call sample!helper (00007ff6`12341000)' });
  });

  it('an instruction without operands, and unreadable memory', () => {
    assert.deepEqual(parseDisassemblyLine('00000000`01241307 c3              ret'), { address: 0x1241307n, bytes: 'c3', text: 'ret' });
    assert.deepEqual(parseDisassemblyLine('00000000`00001000 ??              ???'), { address: 0x1000n, bytes: '', text: '??' });
  });

  it('is not fooled by a symbol line', () => {
    assert.equal(parseDisassemblyLine('sample!main+0x20:'), undefined);
  });
});
