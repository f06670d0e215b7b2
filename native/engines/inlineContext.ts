/**
 * InlineFrameContext values, decoded for display only. The value itself is
 * opaque: it is passed back to the API that produced it, never compared
 * across sessions (dbgeng's FrameSignature changes every session).
 *
 * Two encodings exist:
 *  - Windows (dbgeng and Windows' dbghelp): union { DWORD ContextValue;
 *    struct { BYTE FrameId; BYTE FrameType; WORD FrameSignature; } }.
 *  - Wine's dbghelp: top two bits a mode (0x80000000 regular,
 *    0x40000000 inline), low bits the inline depth.
 */

/** How a frame was named: by its inline context, by its address alone, or not at all. */
export type ResolvedBy = 'inlineContext' | 'offset' | 'none';

export type InlineContextEncoding = 'windows' | 'wine';

export const INLINE_FRAME_CONTEXT_INIT = 0;
export const INLINE_FRAME_CONTEXT_IGNORE = 0xffffffff;

export const STACK_FRAME_TYPE = {
  INIT: 0x00,
  STACK: 0x01,
  INLINE: 0x02,
  RA: 0x80,
  IGNORE: 0xff,
} as const;

const WINE_MODE_MASK = 0xc0000000;
const WINE_MODE_REGULAR = 0x80000000;
const WINE_MODE_INLINE = 0x40000000;

export function isInlineContext(value: number, encoding: InlineContextEncoding): boolean {
  const v = value >>> 0;
  if (v === INLINE_FRAME_CONTEXT_IGNORE) return false;
  if (encoding === 'wine') return ((v & WINE_MODE_MASK) >>> 0) === WINE_MODE_INLINE;
  return (((v >>> 8) & 0xff) & STACK_FRAME_TYPE.INLINE) !== 0;
}

export interface WindowsContextParts {
  encoding: 'windows';
  frameId: number;
  frameType: number;
  frameTypeNames: string[];
  frameSignature: number;
}

export interface WineContextParts {
  encoding: 'wine';
  mode: 'init' | 'regular' | 'inline' | 'ignore' | 'unknown';
  depth: number;
}

export function frameTypeNames(frameType: number): string[] {
  if (frameType === STACK_FRAME_TYPE.IGNORE) return ['IGNORE'];
  if (frameType === STACK_FRAME_TYPE.INIT) return ['INIT'];
  const names: string[] = [];
  if (frameType & STACK_FRAME_TYPE.STACK) names.push('STACK');
  if (frameType & STACK_FRAME_TYPE.INLINE) names.push('INLINE');
  if (frameType & STACK_FRAME_TYPE.RA) names.push('RA');
  const rest = frameType & ~(STACK_FRAME_TYPE.STACK | STACK_FRAME_TYPE.INLINE | STACK_FRAME_TYPE.RA);
  if (rest) names.push(`0x${rest.toString(16)}`);
  return names;
}

export function decodeInlineContext(value: number, encoding: InlineContextEncoding): WindowsContextParts | WineContextParts {
  const v = value >>> 0;
  if (encoding === 'windows') {
    const frameType = (v >>> 8) & 0xff;
    return { encoding, frameId: v & 0xff, frameType, frameTypeNames: frameTypeNames(frameType), frameSignature: (v >>> 16) & 0xffff };
  }
  if (v === INLINE_FRAME_CONTEXT_IGNORE) return { encoding, mode: 'ignore', depth: 0 };
  if (v === INLINE_FRAME_CONTEXT_INIT) return { encoding, mode: 'init', depth: 0 };
  const mode = (v & WINE_MODE_MASK) >>> 0;
  return {
    encoding,
    mode: mode === WINE_MODE_REGULAR ? 'regular' : mode === WINE_MODE_INLINE ? 'inline' : 'unknown',
    depth: v & ~WINE_MODE_MASK,
  };
}

export function hex32(value: number): string {
  return (value >>> 0).toString(16).padStart(8, '0');
}
