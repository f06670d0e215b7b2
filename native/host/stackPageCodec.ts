/**
 * A StackPage across the thread boundary, in a compact form.
 *
 * postMessage copies objects with the structured clone algorithm, which
 * writes every property name of every frame and rebuilds each object key by
 * key. For stack pages that is most of the cost of a deep stack: a page of
 * 1,000 frames took 7.7 ms to cross from the engine thread under Wine
 * (measured), more than walking it. Here a page travels as one Float64Array
 * (moved, not copied) of the frames' numbers, and one table of the distinct
 * strings (a deep stack repeats the same few names, files and addresses):
 * 1.7 ms for the same page. The frames come out exactly as they went in,
 * keys holding `undefined` and absent keys included.
 */
import type { RawFrame, StackPage } from '../engines/engine';

type Kind = 'number' | 'string' | 'boolean';

/** Every field of RawFrame and how it travels; the type check fails when RawFrame gains a field this does not list. */
const FIELDS = {
  index: 'number',
  physicalIndex: 'number',
  inline: 'boolean',
  instructionOffset: 'string',
  returnOffset: 'string',
  frameOffset: 'string',
  stackOffset: 'string',
  inlineFrameContext: 'number',
  function: 'string',
  displacement: 'number',
  module: 'string',
  moduleBase: 'string',
  file: 'string',
  line: 'number',
  resolvedBy: 'string',
} as const satisfies Record<keyof RawFrame, Kind>;

type Field = keyof typeof FIELDS;
const NAMES = Object.keys(FIELDS) as Field[];
// encodeStackPage and decodeStackPage's fast path spell the fields out in this order.
if (NAMES.join() !== 'index,physicalIndex,inline,instructionOffset,returnOffset,frameOffset,stackOffset,inlineFrameContext,function,displacement,module,moduleBase,file,line,resolvedBy') {
  throw new Error('stackPageCodec: FIELDS changed; update encodeStackPage and decodeStackPage to match.');
}
const KINDS = NAMES.map((n) => FIELDS[n]);
/** Per frame: a mask of the fields present, then one number per field. */
const STRIDE = NAMES.length + 1;
const ALL_PRESENT = (1 << NAMES.length) - 1;
/** A string or boolean field holding `undefined` (numbers use NaN, which no frame number is). */
const UNDEFINED = -1;
/** The mask bits of the optional fields (the others are always there). */
const OPTIONAL = Object.fromEntries(['function', 'displacement', 'module', 'moduleBase', 'file', 'line'].map((n) => [n, 1 << NAMES.indexOf(n as Field)])) as Record<'function' | 'displacement' | 'module' | 'moduleBase' | 'file' | 'line', number>;

export interface EncodedStackPage {
  encoding: 'stackPage/1';
  count: number;
  strings: string[];
  data: Float64Array;
  complete: boolean;
  totalFrames?: number;
  pending?: boolean;
}

export function isEncodedStackPage(value: unknown): value is EncodedStackPage {
  return typeof value === 'object' && value !== null && (value as { encoding?: unknown }).encoding === 'stackPage/1';
}

/**
 * Encodes a page; returns it with the buffers to transfer. Frames are made
 * by one engine from one object literal, so the first frame's keys stand for
 * the page's: a page whose first frame has a field this does not know is
 * sent as it is.
 */
export function encodeStackPage(page: StackPage): { message: EncodedStackPage | StackPage; transfer: ArrayBuffer[] } {
  const frames = page.frames;
  if (frames.length) {
    for (const key in frames[0]) if (!(key in FIELDS)) return { message: page, transfer: [] };
  }
  const data = new Float64Array(frames.length * STRIDE);
  const strings: string[] = [];
  const ids = new Map<string, number>();
  const id = (v: string | undefined): number => {
    if (v === undefined) return UNDEFINED;
    let n = ids.get(v);
    if (n === undefined) {
      n = strings.length;
      strings.push(v);
      ids.set(v, n);
    }
    return n;
  };
  let o = 0;
  for (const f of frames) {
    // The fields in FIELDS order; a bit of the mask per field present.
    let mask = ALL_PRESENT;
    if (!('function' in f)) mask &= ~OPTIONAL.function;
    if (!('displacement' in f)) mask &= ~OPTIONAL.displacement;
    if (!('module' in f)) mask &= ~OPTIONAL.module;
    if (!('moduleBase' in f)) mask &= ~OPTIONAL.moduleBase;
    if (!('file' in f)) mask &= ~OPTIONAL.file;
    if (!('line' in f)) mask &= ~OPTIONAL.line;
    data[o] = mask;
    data[o + 1] = f.index;
    data[o + 2] = f.physicalIndex;
    data[o + 3] = f.inline === undefined ? UNDEFINED : f.inline ? 1 : 0;
    data[o + 4] = id(f.instructionOffset);
    data[o + 5] = id(f.returnOffset);
    data[o + 6] = id(f.frameOffset);
    data[o + 7] = id(f.stackOffset);
    data[o + 8] = f.inlineFrameContext;
    data[o + 9] = id(f.function);
    data[o + 10] = f.displacement ?? NaN;
    data[o + 11] = id(f.module);
    data[o + 12] = id(f.moduleBase);
    data[o + 13] = id(f.file);
    data[o + 14] = f.line ?? NaN;
    data[o + 15] = id(f.resolvedBy);
    o += STRIDE;
  }
  const message: EncodedStackPage = { encoding: 'stackPage/1', count: frames.length, strings, data, complete: page.complete };
  if ('totalFrames' in page) message.totalFrames = page.totalFrames;
  if ('pending' in page) message.pending = page.pending;
  return { message, transfer: [data.buffer as ArrayBuffer] };
}

export function decodeStackPage(value: EncodedStackPage | StackPage): StackPage {
  if (!isEncodedStackPage(value)) return value;
  const { count, strings, data } = value;
  const frames: RawFrame[] = new Array(count);
  const str = (x: number) => (x === UNDEFINED ? undefined : strings[x]);
  const num = (x: number) => (Number.isNaN(x) ? undefined : x);
  const bool = (x: number) => (x === UNDEFINED ? undefined : x === 1);
  for (let i = 0, o = 0; i < count; i++, o += STRIDE) {
    if (data[o] === ALL_PRESENT) {
      // The common case, one object shape for every frame. Same order as FIELDS.
      frames[i] = {
        index: data[o + 1]!,
        physicalIndex: data[o + 2]!,
        inline: bool(data[o + 3]!)!,
        instructionOffset: strings[data[o + 4]!]!,
        returnOffset: strings[data[o + 5]!]!,
        frameOffset: strings[data[o + 6]!]!,
        stackOffset: strings[data[o + 7]!]!,
        inlineFrameContext: data[o + 8]!,
        function: str(data[o + 9]!),
        displacement: num(data[o + 10]!),
        module: str(data[o + 11]!),
        moduleBase: str(data[o + 12]!),
        file: str(data[o + 13]!),
        line: num(data[o + 14]!),
        resolvedBy: strings[data[o + 15]!] as RawFrame['resolvedBy'],
      };
      continue;
    }
    const record: Record<string, unknown> = {};
    const mask = data[o]!;
    for (let f = 0; f < NAMES.length; f++) {
      if (!(mask & (1 << f))) continue;
      const v = data[o + 1 + f]!;
      record[NAMES[f]!] = KINDS[f] === 'number' ? num(v) : KINDS[f] === 'boolean' ? bool(v) : str(v);
    }
    frames[i] = record as unknown as RawFrame;
  }
  const page: StackPage = { frames, complete: value.complete };
  if ('totalFrames' in value) page.totalFrames = value.totalFrames;
  if ('pending' in value) page.pending = value.pending;
  return page;
}
