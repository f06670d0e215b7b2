/**
 * The stack-text parser (stacktext/parse.ts) on seed 004's real WinDbg
 * output, and the raw view's text (stacktext/rawView.ts) read back by it.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { parseStackText, sourceUri } from '../../stacktext/parse';
import { formatRawView } from '../../stacktext/rawView';
import { repoRoot } from '../support/fixtures';

const seed = fs.readFileSync(path.join(repoRoot, 'test', 'fixtures', 'stacktext', 'seed004-windbg.txt'), 'utf8');

describe('stack text parser', () => {
  const p = parseStackText(seed);

  it('reads every line of seed 004 (no problems) into four listings', () => {
    assert.deepEqual(p.problems, []);
    assert.deepEqual(p.listings.map((l) => [l.command, l.frames.length]), [['kb', 7], ['!gcsex', 7], ['kb', 5], ['!gcsex', 5]]);
    assert.equal(p.encoding, 'windows');
    assert.equal(p.encodingStated, false);
  });

  it('kb rows: index, (Inline), addresses, args, module!function+displacement, [file @ line]', () => {
    const [helper, main] = p.listings[0]!.frames;
    assert.equal(helper!.index, 0);
    assert.equal(helper!.inline, true);
    assert.equal(helper!.retAddr?.text, '--------');
    assert.equal(helper!.args.length, 3);
    assert.deepEqual([helper!.module, helper!.name, helper!.source?.file, helper!.source?.line], ['runasm', 'helper', 'e:\\test\\runasm\\runasm.cpp', 4]);
    assert.deepEqual([main!.childSp?.text, main!.retAddr?.text, main!.args.map((a) => a.text), main!.displacement], ['0029fd44', '0124159a', ['00000001', '0008c5f0', '00091a70'], '0x20']);
  });

  it('kvf rows: memory column (blank on frame 0), annotations, parameter lists', () => {
    const f = p.listings[1]!.frames;
    assert.deepEqual(f.map((r) => r.memory?.text), [undefined, undefined, '4c', '0', 'c', '40', '18']);
    assert.deepEqual(f[0]!.annotations.map((a) => a.text), ['(Inline Function @ 012412f0)', '(CONV: cdecl)']);
    assert.deepEqual([f[1]!.function, f[1]!.name], ['main(void)', 'main']);
    assert.equal(f[1]!.childSp?.text, '0029fd44');
  });

  it('!gcsex lines: the InlineFrameContext value per frame', () => {
    assert.deepEqual(p.contexts.slice(0, 4).map((c) => [c.frame, c.value.toString(16)]), [[0, '25ed0200'], [1, '25ed0100'], [2, '25ed8200'], [3, '25ed8100']]);
    assert.ok(p.contexts.slice(7).every((c) => c.value === 0xffffffff));
  });

  it('unparseable lines become problems; a row without a call site too', () => {
    const q = parseStackText('0:000> kb\n # ChildEBP RetAddr\n00 0029fd44 0124159a\nhello world\n');
    assert.deepEqual(q.problems.map((x) => [x.line, x.message.slice(0, 30)]), [[2, 'A frame row without a call sit'], [3, 'Not a line of a call stack: Wi']]);
  });

  it('the raw view reads back: frames, contexts, encoding', () => {
    const text = formatRawView({
      threadId: 7, engine: 'dbgeng', encoding: 'windows',
      frames: [
        { index: 0, physicalIndex: 0, inline: true, instructionOffset: '0x1', returnOffset: '0x0', stackOffset: '0x10', inlineFrameContext: '25ed0200', resolvedBy: 'inlineContext', name: 'helper', module: 'runasm', file: 'e:\\test\\runasm.cpp', line: 4 },
        { index: 1, physicalIndex: 0, inline: false, instructionOffset: '0x1', returnOffset: '0x124159a', stackOffset: '0x29fd44', inlineFrameContext: '25ed0100', resolvedBy: 'offset', name: 'main', displacement: 0x20, module: 'runasm' },
      ],
    }, { stop: 3, reason: 'breakpoint', selectedFrame: 1 });
    assert.match(text, /^\* Raw InlineFrameContext: thread 7, engine dbgeng, encoding windows$/m);
    assert.match(text, /^00 \(Inline\) {10}-{16} 25ed0200 {2}type=02\(INLINE\),id=00,sig=25ed runasm!helper \[e:\\test\\runasm.cpp @ 4\]$/m);
    assert.match(text, /^01 000000000029fd44 000000000124159a 25ed0100 {2}type=01\(STACK\),id=00,sig=25ed {2}runasm!main\+0x20$/m);
    assert.match(text, /^Inline Frame Context for frame 1 = 25ed0100 \(physical frame, named by address\) <$/m);
    assert.match(text, /^Frameid = 0 FrameType = 2 Frame Signature = 25ed$/m);
    const q = parseStackText(text);
    assert.deepEqual(q.problems, []);
    assert.deepEqual([q.encoding, q.encodingStated], ['windows', true]);
    assert.deepEqual(q.frames.map((f) => [f.name, f.inline, f.inlineContext?.text, f.decoded?.text]), [
      ['helper', true, '25ed0200', 'type=02(INLINE),id=00,sig=25ed'], ['main', false, '25ed0100', 'type=01(STACK),id=00,sig=25ed'],
    ]);
  });

  it('source URIs for WinDbg and Linux paths', () => {
    assert.equal(sourceUri('e:\\test\\runasm\\runasm.cpp', 4), 'file:///e%3A/test/runasm/runasm.cpp#L4');
    assert.equal(sourceUri('/work/a b/x.c', 2), 'file:///work/a%20b/x.c#L2');
    assert.equal(sourceUri('\\\\server\\share\\x.c'), 'file://server/share/x.c');
    assert.equal(sourceUri('relative\\x.c', 1), undefined);
  });
});
