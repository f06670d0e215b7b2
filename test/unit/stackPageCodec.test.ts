/**
 * Stack pages cross from the engine thread in a compact form
 * (native/host/stackPageCodec.ts). They must come out exactly as they went
 * in, through a real postMessage.
 */
import assert from 'node:assert/strict';
import { MessageChannel } from 'node:worker_threads';
import { describe, it } from 'node:test';
import type { RawFrame, StackPage } from '../../native/api';
import { decodeStackPage, encodeStackPage, isEncodedStackPage } from '../../native/host/stackPageCodec';

const physical: RawFrame = {
  index: 2, physicalIndex: 0, inline: false,
  instructionOffset: '0x140001597', returnOffset: '0x140001573', frameOffset: '0x0', stackOffset: '0x1001fc40',
  inlineFrameContext: 0x80000000, function: 'recurse', displacement: 0x37, module: 'deep', moduleBase: '0x140000000',
  file: 'Z:\\work\\deep.c', line: 55, resolvedBy: 'offset',
};
const inline: RawFrame = { ...physical, index: 0, inline: true, inlineFrameContext: 0x40000000, function: 'bottom', line: 51, resolvedBy: 'inlineContext' };
/** An unnamed frame: the optional fields are there, holding undefined, as the dbghelp walker makes them. */
const unnamed: RawFrame = {
  ...physical, index: 3, physicalIndex: 1, function: undefined, displacement: undefined, module: undefined, moduleBase: undefined, file: undefined, line: undefined, resolvedBy: 'none',
};
/** The optional fields left out altogether. */
const sparse = { index: 4, physicalIndex: 2, inline: false, instructionOffset: '0x0', returnOffset: '0x0', frameOffset: '0x0', stackOffset: '0x0', inlineFrameContext: 0, resolvedBy: 'none' } as RawFrame;

function throughPort(page: StackPage): Promise<StackPage> {
  const { message, transfer } = encodeStackPage(page);
  const { port1, port2 } = new MessageChannel();
  return new Promise((resolve) => {
    port2.once('message', (m: Parameters<typeof decodeStackPage>[0]) => {
      port1.close();
      resolve(decodeStackPage(m));
    });
    port1.postMessage(message, transfer);
  });
}

describe('stack page codec', () => {
  it('round-trips frames exactly, undefined-valued and absent fields included', async () => {
    const page: StackPage = { frames: [inline, physical, unnamed, sparse], complete: true, totalFrames: 5 };
    const out = await throughPort(page);
    assert.deepStrictEqual(out, page);
    assert.ok('file' in out.frames[2]!, 'a field holding undefined stays a field');
    assert.ok(!('file' in out.frames[3]!), 'an absent field stays absent');
  });

  it('encodes compactly: one number array, each distinct string once', () => {
    const frames = Array.from({ length: 300 }, (_, i) => ({ ...physical, index: i, physicalIndex: i }));
    const { message, transfer } = encodeStackPage({ frames, complete: false });
    assert.ok(isEncodedStackPage(message));
    assert.equal(transfer.length, 1);
    assert.equal(message.strings.filter((s) => s === 'recurse').length, 1);
  });

  it('keeps pending, complete and an unknown total as they are', async () => {
    assert.deepStrictEqual(await throughPort({ frames: [], complete: false, pending: true }), { frames: [], complete: false, pending: true });
    assert.deepStrictEqual(await throughPort({ frames: [physical], complete: false }), { frames: [physical], complete: false });
  });

  it('sends a page with a field it does not know as it is', async () => {
    const odd = { ...physical, extra: 1 } as RawFrame;
    const { message } = encodeStackPage({ frames: [odd], complete: true });
    assert.ok(!isEncodedStackPage(message));
    assert.deepStrictEqual(await throughPort({ frames: [odd], complete: true }), { frames: [odd], complete: true });
  });
});
