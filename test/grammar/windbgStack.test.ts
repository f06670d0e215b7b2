/**
 * The windbg-stack TextMate grammar (syntaxes/), run by vscode-textmate
 * with the Oniguruma engine, as VS Code runs it: the tokens of seed 004's
 * WinDbg `kb` and `kvf` output (inline rows included), an x64 `k` listing,
 * and the raw InlineFrameContext view.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import * as oniguruma from 'vscode-oniguruma';
import * as textmate from 'vscode-textmate';
import { repoRoot } from '../support/fixtures';
import { formatRawView } from '../../stacktext/rawView';

const grammarFile = path.join(repoRoot, 'syntaxes', 'windbg-stack.tmLanguage.json');
const seed = fs.readFileSync(path.join(repoRoot, 'test', 'fixtures', 'stacktext', 'seed004-windbg.txt'), 'utf8').split('\n');

let grammar: textmate.IGrammar;

before(async () => {
  const wasm = fs.readFileSync(path.join(repoRoot, 'node_modules', 'vscode-oniguruma', 'release', 'onig.wasm'));
  await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength) as ArrayBuffer);
  const registry = new textmate.Registry({
    onigLib: Promise.resolve({ createOnigScanner: (p: string[]) => new oniguruma.OnigScanner(p), createOnigString: (s: string) => new oniguruma.OnigString(s) }),
    loadGrammar: async (scopeName: string) => (scopeName === 'source.windbg-stack' ? textmate.parseRawGrammar(fs.readFileSync(grammarFile, 'utf8'), grammarFile) : null),
  });
  const g = await registry.loadGrammar('source.windbg-stack');
  assert.ok(g, 'the grammar did not load');
  grammar = g;
});

/** Tokens of one line: [text, innermost scope without the language suffix]. */
function tokens(line: string): [string, string][] {
  const r = grammar.tokenizeLine(line, textmate.INITIAL);
  return r.tokens.map((t) => [line.slice(t.startIndex, t.endIndex), t.scopes[t.scopes.length - 1]!.replace(/\.windbg-stack$/, '')]);
}

/** The scope of the first token whose text is exactly `text`. */
function scopeOf(line: string, text: string): string | undefined {
  return tokens(line).find(([t]) => t === text)?.[1];
}

describe('windbg-stack grammar', () => {
  it('is named source.windbg-stack and is the file package.json contributes', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { contributes: { grammars: { language: string; scopeName: string; path: string }[] } };
    assert.deepEqual(pkg.contributes.grammars, [{ language: 'windbg-stack', scopeName: 'source.windbg-stack', path: './syntaxes/windbg-stack.tmLanguage.json' }]);
  });

  it('tokenizes an (Inline) row of seed 004\'s kb output', () => {
    const row = seed.find((l) => l.startsWith('00 (Inline) --------'))!;
    assert.equal(row, '00 (Inline) -------- -------- -------- -------- runasm!helper [e:\\test\\runasm\\runasm.cpp @ 4]');
    assert.deepEqual(tokens(row), [
      ['00', 'constant.numeric.frame-index'],
      [' ', 'meta.frame'],
      ['(Inline)', 'keyword.other.inline'],
      [' ', 'meta.frame'],
      ['--------', 'punctuation.separator.placeholder'],
      [' ', 'meta.frame'],
      ['--------', 'punctuation.separator.placeholder'],
      [' ', 'meta.frame'],
      ['--------', 'punctuation.separator.placeholder'],
      [' ', 'meta.frame'],
      ['--------', 'punctuation.separator.placeholder'],
      [' ', 'meta.frame'],
      ['runasm', 'entity.name.namespace.module'],
      ['!', 'punctuation.separator.module'],
      ['helper', 'entity.name.function'],
      [' ', 'meta.frame'],
      ['[', 'punctuation.definition.source.begin'],
      ['e:\\test\\runasm\\runasm.cpp', 'string.unquoted.path'],
      [' @ ', 'punctuation.separator.source'],
      ['4', 'constant.numeric.line'],
      [']', 'punctuation.definition.source.end'],
    ]);
  });

  it('tokenizes a physical row: addresses, arguments, module!function+displacement', () => {
    const row = seed.find((l) => l.startsWith('01 0029fd44'))!;
    assert.equal(scopeOf(row, '01'), 'constant.numeric.frame-index');
    for (const a of ['0029fd44', '0124159a', '00000001', '0008c5f0', '00091a70']) assert.equal(scopeOf(row, a), 'constant.numeric.address', a);
    assert.equal(scopeOf(row, 'runasm'), 'entity.name.namespace.module');
    assert.equal(scopeOf(row, 'main'), 'entity.name.function');
    assert.equal(scopeOf(row, '0x20'), 'constant.numeric.displacement');
    assert.equal(scopeOf(row, '32'), 'constant.numeric.line');
  });

  it('every frame row of every listing in seed 004 starts with its frame number and names a function', () => {
    const rows = seed.filter((l) => /^[0-9a-f]{2} /.test(l));
    assert.equal(rows.length, 24);
    for (const row of rows) {
      const t = tokens(row);
      assert.equal(t[0]![1], 'constant.numeric.frame-index', row);
      assert.ok(t.some(([, s]) => s === 'entity.name.function'), row);
      assert.equal(t.some(([text, s]) => s === 'keyword.other.inline' && text.startsWith('(Inline')), row.includes('(Inline)'), row);
    }
  });

  it('kvf rows: the memory column, the kv annotations and the inline row\'s "(Inline Function @ ...)"', () => {
    const row = seed.find((l) => /^02 +4c \(Inline\)/.test(l))!;
    assert.equal(scopeOf(row, '(Inline)'), 'keyword.other.inline');
    assert.equal(scopeOf(row, '(Inline Function @ 0124159a)'), 'comment.other.annotation');
    assert.equal(scopeOf(row, '(CONV: cdecl)'), 'comment.other.annotation');
    const main = seed.find((l) => /^01 +0029fd44 .*main\(void\)/.test(l))!;
    assert.equal(scopeOf(main, 'main(void)'), 'entity.name.function');
    assert.equal(scopeOf(main, '(FPO: [0,1,4])'), 'comment.other.annotation');
  });

  it('prompts, column headers and the !gcsex lines', () => {
    assert.deepEqual(tokens('0:000> kb'), [['0:000', 'keyword.other.prompt'], ['>', 'punctuation.definition.prompt'], [' ', 'source'], ['kb', 'support.function.command']]);
    assert.equal(tokens(' # ChildEBP RetAddr  Args to Child              ')[0]![1], 'markup.heading.columns');
    assert.equal(tokens(' #   Memory  ChildEBP RetAddr  Args to Child              ')[0]![1], 'markup.heading.columns');
    const ctx = seed.find((l) => l.includes('for frame 0 = 25ed0200'))!;
    assert.equal(scopeOf(ctx, '25ed0200'), 'constant.numeric.inline-frame-context');
    assert.equal(scopeOf(ctx, '0'), 'constant.numeric.frame-index');
    const parts = 'Frameid = 0 FrameType = 2 Frame Signature = 25ed';
    assert.equal(scopeOf(parts, 'FrameType'), 'variable.other.field');
    assert.equal(scopeOf(parts, '2'), 'constant.numeric.frame-type');
    assert.equal(scopeOf(parts, '25ed'), 'constant.numeric.frame-signature');
  });

  it('x64 k output with backtick addresses and "(Inline Function)" rows', () => {
    const row = '00 (Inline Function) --------`--------     : --------`-------- --------`-------- : app!Accumulator::add [c:\\src\\app.cpp @ 12]';
    assert.equal(scopeOf(row, '(Inline Function)'), 'keyword.other.inline');
    assert.equal(scopeOf(row, '--------`--------'), 'punctuation.separator.placeholder');
    assert.equal(scopeOf(row, 'Accumulator::add'), 'entity.name.function');
    const phys = '01 000000a1`2f8ff6f0 00007ff6`9c8a1234     : 00000000`00000001 00000000`00000000 : app!main+0x20 [c:\\src\\app.cpp @ 32]';
    assert.equal(scopeOf(phys, '000000a1`2f8ff6f0'), 'constant.numeric.address');
    assert.equal(scopeOf(phys, ':'), 'punctuation.separator.column');
  });

  it('the raw view: comments, the InlineFrameContext column and its decoding', () => {
    const text = formatRawView({
      threadId: 280, engine: 'dbghelp', encoding: 'wine',
      frames: [
        { index: 0, physicalIndex: 0, inline: true, instructionOffset: '0x1400015bf', returnOffset: '0x0', stackOffset: '0x21fd08', inlineFrameContext: '40000001', resolvedBy: 'inlineContext', name: 'helper', module: 'sample', file: '/src/sample.c', line: 21 },
        { index: 1, physicalIndex: 0, inline: false, instructionOffset: '0x1400015bf', returnOffset: '0x140007d10', stackOffset: '0x21fd08', inlineFrameContext: '80000000', resolvedBy: 'offset', name: 'outer', displacement: 15, module: 'sample' },
      ],
    }).split('\n');
    assert.equal(tokens(text[0]!)[0]![1], 'comment.line.asterisk');
    const row = text.find((l) => l.startsWith('00 '))!;
    assert.equal(scopeOf(row, '(Inline)'), 'keyword.other.inline');
    assert.equal(scopeOf(row, '40000001'), 'constant.numeric.inline-frame-context');
    assert.equal(scopeOf(row, 'mode=inline,depth=1'), 'support.constant.decoded');
    assert.equal(scopeOf(row, 'helper'), 'entity.name.function');
    const phys = text.find((l) => l.startsWith('01 '))!;
    assert.equal(scopeOf(phys, '000000000021fd08'), 'constant.numeric.address');
    assert.equal(scopeOf(phys, '80000000'), 'constant.numeric.inline-frame-context');
    const wine = text.find((l) => l.startsWith('Mode = '))!;
    assert.equal(scopeOf(wine, 'inline'), 'support.constant.mode');
  });
});
