/**
 * Frame names (the stackTrace format included), source path comparison and the k-style stack text.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { frameName } from '../../adapter/stack/frameNames';
import { sameSourceFile } from '../../native/engines/sourcePaths';
import { formatStack } from '../../adapter/stack/stackText';
import type { RawFrame, Variable } from '../../native/api';

const frame = (over: Partial<RawFrame>): RawFrame => ({
  index: 0, physicalIndex: 0, inline: false, instructionOffset: '0x1400015bf', returnOffset: '0x0', frameOffset: '0x0',
  stackOffset: '0x21fd08', inlineFrameContext: 0, resolvedBy: 'offset', ...over,
});

describe('frameName', () => {
  it('marks inline frames in the name', () => assert.equal(frameName(frame({ function: 'helper', inline: true })), 'helper (Inline)'));
  it('leaves physical frames plain', () => assert.equal(frameName(frame({ function: 'outer' })), 'outer'));
  it('names a frame without symbols module+offset', () => {
    assert.equal(frameName(frame({ module: 'sample', moduleBase: '0x140000000', instructionOffset: '0x1400013ae' })), 'sample+0x13ae');
  });
  it('names a frame without a module by address', () => assert.equal(frameName(frame({ instructionOffset: '0x1234' })), '0x1234'));

  const helper = frame({ function: 'helper', inline: true, module: 'sample', line: 21 });
  const x: Variable = { name: 'x', kind: 'parameter', type: 'int', value: '26' };
  const p: Variable = { name: 'p', kind: 'parameter', type: 'char *', value: '0x0000000140009000' };
  it("writes the stackTrace format's module, parameters and line as Visual Studio does, the inline marker last", () => {
    assert.equal(frameName(helper, { module: true, parameters: true, line: true }, [x, p]), 'sample!helper(int x = 26, char * p = 0x0000000140009000) Line 21 (Inline)');
  });
  it('leaves out the parts of a parameter the format turns off, and writes integers in hex when asked', () => {
    assert.equal(frameName(helper, { parameters: true, parameterTypes: false, hex: true }, [x]), 'helper(x = 0x1a) (Inline)');
    assert.equal(frameName(helper, { parameters: true, parameterValues: false }, [x]), 'helper(int x) (Inline)');
    assert.equal(frameName(helper, { parameters: true, parameterTypes: false, parameterNames: false }, [x]), 'helper(26) (Inline)');
  });
  it('shows no parameter list when the parameters could not be read, and "()" for a function that takes none', () => {
    assert.equal(frameName(helper, { parameters: true }, undefined), 'helper (Inline)');
    assert.equal(frameName(frame({ function: 'main' }), { parameters: true }, []), 'main()');
  });
  it('adds no module to a frame named module+offset', () => {
    assert.equal(frameName(frame({ module: 'sample', moduleBase: '0x140000000', instructionOffset: '0x1400013ae' }), { module: true }), 'sample+0x13ae');
  });
});

describe('sameSourceFile', () => {
  it('matches a Linux path with its Wine drive form', () => assert.ok(sameSourceFile('/work/a/src/x.c', 'Z:\\work\\a\\src\\x.c')));
  it('matches ignoring case and separators', () => assert.ok(sameSourceFile('C:\\Src\\X.c', 'c:/src/x.c')));
  it('matches a bare file name recorded by the compiler', () => assert.ok(sameSourceFile('x.c', '/work/a/src/x.c')));
  it('does not match different folders', () => assert.ok(!sameSourceFile('/work/a/x.c', '/work/b/x.c')));
  it('does not match a longer name ending the same', () => assert.ok(!sameSourceFile('/a/prefix_x.c', '/a/x.c')));
});

describe('formatStack', () => {
  it('prints inline rows like WinDbg, with "(Inline)" in place of the stack columns', () => {
    const text = formatStack([
      { index: 0, inline: true, name: 'helper', module: 'sample', file: '/s/sample.c', line: 21, stackOffset: '0x21fd08', returnOffset: '0x140007d10' },
      { index: 1, inline: false, name: 'outer', displacement: 15, module: 'sample', stackOffset: '0x21fd08', returnOffset: '0x140007d10' },
      { index: 2, inline: false, name: 'sample+0x13ae', module: 'sample', stackOffset: '0x21fd50', returnOffset: '0x1400014e6' },
    ]);
    assert.equal(text, [
      ' # Child-SP          RetAddr           Call Site',
      '00 (Inline)          ---------------- sample!helper [/s/sample.c @ 21]',
      '01 000000000021fd08 0000000140007d10 sample!outer+0xf',
      '02 000000000021fd50 00000001400014e6 sample+0x13ae',
    ].join('\n'));
  });
});
