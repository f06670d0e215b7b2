/**
 * Windows command-line quoting: each argument must come back out of
 * CommandLineToArgvW (the MSVC runtime's rules) exactly as it went in.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildCommandLine, buildEnvironmentBlock, quoteArgument } from '../../native/win32/commandLine';

/** CommandLineToArgvW's splitting rules, for the arguments after argv[0]. */
function splitArgs(cmd: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < cmd.length) {
    while (cmd[i] === ' ' || cmd[i] === '\t') i++;
    if (i >= cmd.length) break;
    let arg = '';
    let quoted = false;
    for (; i < cmd.length; i++) {
      const c = cmd[i];
      if (c === '\\') {
        let n = 0;
        while (cmd[i] === '\\') { n++; i++; }
        if (cmd[i] === '"') {
          arg += '\\'.repeat(Math.floor(n / 2));
          if (n % 2) { arg += '"'; continue; }
          i--; // let the quote be handled below
          continue;
        }
        arg += '\\'.repeat(n);
        i--;
        continue;
      }
      if (c === '"') {
        if (quoted && cmd[i + 1] === '"') { arg += '"'; i++; continue; }
        quoted = !quoted;
        continue;
      }
      if (!quoted && (c === ' ' || c === '\t')) break;
      arg += c;
    }
    out.push(arg);
  }
  return out;
}

describe('quoteArgument', () => {
  const cases = ['plain', '', 'with space', 'tab\there', 'quote"inside', 'trailing\\', 'trail space\\', 'a\\\\"b', '\\\\server\\share dir\\', 'ünïcødé 名前', '"', '\\"', 'x y "z"'];
  for (const arg of cases) {
    it(`round-trips ${JSON.stringify(arg)}`, () => {
      assert.deepEqual(splitArgs(quoteArgument(arg)), [arg]);
    });
  }
  it('leaves simple arguments alone', () => assert.equal(quoteArgument('abc.exe'), 'abc.exe'));
  it('builds a whole command line', () => {
    const args = ['one', 'two words', 'say "hi"', 'C:\\dir with space\\'];
    assert.deepEqual(splitArgs(buildCommandLine('C:\\p q\\app.exe', args)).slice(1), args);
  });
});

describe('buildEnvironmentBlock', () => {
  it('sorts, overrides case-insensitively, removes with null, and ends with two NULs', () => {
    const block = buildEnvironmentBlock({ Path: 'a', zed: '1', Keep: 'k' }, { PATH: 'b', ZED: null, New: 'n' });
    const text = block.toString('utf16le');
    assert.equal(text, 'Keep=k\0New=n\0PATH=b\0\0');
  });
  it('an empty environment is still a valid block', () => {
    assert.equal(buildEnvironmentBlock({}, {}).toString('utf16le'), '\0\0');
  });
});
