/**
 * The text of the "Show raw InlineFrameContext" view (language
 * `windbg-stack`): a `k`-style table with each frame's raw context and its
 * decoding, then the `!gcsex`-style lines of seed 004 (the value per frame
 * and its fields). Pure, so the CLI and the tests format it the same way.
 */
import { decodedLine, decodedToken } from './describe';
import type { InlineContextEncoding } from '../native/engines/inlineContext';
import type { RawFrameContext, RawInlineFrameContextBody } from './rawContextBody';

/**
 * What the view needs of the `rawInlineFrameContext` answer: all of it but
 * the decoded fields, which it derives from the raw value itself (so text
 * recorded without them formats the same).
 */
export type RawViewBody = Omit<RawInlineFrameContextBody, 'frames' | 'complete'> & {
  frames: Omit<RawFrameContext, 'decoded'>[];
  complete?: boolean;
};

export interface RawViewInfo {
  /** Why the thread stopped ("breakpoint", "exception"...). */
  reason?: string;
  /** The frame picked in the Call Stack, marked in the table. */
  selectedFrame?: number;
  /** Counts stops in the session, so a refresh is visible. */
  stop?: number;
}

const ENCODING_TEXT: Record<InlineContextEncoding, string> = {
  windows: 'Windows: FrameId (byte 0), FrameType (byte 1), FrameSignature (bytes 2-3)',
  wine: "Wine's dbghelp: top two bits a mode (0x80000000 regular, 0x40000000 inline), low bits the inline depth",
};

const hex16 = (v: string) => {
  try {
    return BigInt(v).toString(16).padStart(16, '0');
  } catch {
    return v.padStart(16, ' ');
  }
};

export function formatRawView(body: RawViewBody, info: RawViewInfo = {}): string {
  const out: string[] = [];
  out.push(`* Raw InlineFrameContext: thread ${body.threadId}, engine ${body.engine}, encoding ${body.encoding}`);
  out.push(`* ${ENCODING_TEXT[body.encoding]}`);
  const stop = info.stop !== undefined ? `stop ${info.stop}` : 'stop';
  out.push(`* ${stop}${info.reason ? ` (${info.reason})` : ''}; refreshed at every stop${info.selectedFrame !== undefined ? `; frame ${hex2(info.selectedFrame)} selected (marked <)` : ''}`);
  const decoded = body.frames.map((f) => decodedToken(parseInt(f.inlineFrameContext, 16), body.encoding));
  const decW = Math.max(7, ...decoded.map((d) => d.length));
  out.push(` # Child-SP          RetAddr           InlineCtx ${'Decoded'.padEnd(decW)} Call Site`);
  body.frames.forEach((f, i) => {
    const idx = hex2(f.index);
    const cols = f.inline ? '(Inline)          ----------------' : `${hex16(f.stackOffset)} ${hex16(f.returnOffset)}`;
    const mod = f.module && !f.name.startsWith(`${f.module}+`) ? `${f.module}!` : '';
    const disp = !f.inline && f.displacement ? `+0x${f.displacement.toString(16)}` : '';
    const src = f.file ? ` [${f.file} @ ${f.line ?? '?'}]` : '';
    out.push(`${idx} ${cols} ${f.inlineFrameContext.padStart(8, '0')}  ${decoded[i]!.padEnd(decW)} ${mod}${f.name}${disp}${src}`);
  });
  out.push('');
  out.push(`Frames Filled = ${body.frames.length.toString(16)}`);
  for (const f of body.frames) {
    const v = parseInt(f.inlineFrameContext, 16);
    out.push(`Inline Frame Context for frame ${f.index} = ${f.inlineFrameContext} (${f.inline ? 'inline' : 'physical'} frame, named by ${resolvedText(f.resolvedBy)})${info.selectedFrame === f.index ? ' <' : ''}`);
    out.push(decodedLine(v, body.encoding));
  }
  return out.join('\n') + '\n';
}

/** The view while the thread runs, or when there is nothing to show. */
export function formatRawViewMessage(threadId: number | undefined, message: string): string {
  return `* Raw InlineFrameContext${threadId !== undefined ? `: thread ${threadId}` : ''}\n* ${message}\n`;
}

function resolvedText(by: string): string {
  return by === 'inlineContext' ? 'inline context' : by === 'offset' ? 'address' : 'nothing (no symbol)';
}

function hex2(n: number): string {
  return n.toString(16).padStart(2, '0');
}
