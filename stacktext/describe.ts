/**
 * Words for an InlineFrameContext value: what the hover shows, what the raw
 * view prints beside each value. Display only: the value itself is opaque
 * and goes back to the API that produced it.
 */
import { decodeInlineContext, hex32, isInlineContext, type InlineContextEncoding } from '../native/engines/inlineContext';

export { decodeInlineContext, hex32, isInlineContext, type InlineContextEncoding };

/** One token, no spaces (it is a column of the raw view): `type=02(INLINE),id=00,sig=25ed` or `mode=inline,depth=2`. */
export function decodedToken(value: number, encoding: InlineContextEncoding): string {
  const d = decodeInlineContext(value, encoding);
  if (d.encoding === 'windows') {
    return `type=${hex2(d.frameType)}(${d.frameTypeNames.join('|')}),id=${hex2(d.frameId)},sig=${d.frameSignature.toString(16).padStart(4, '0')}`;
  }
  return `mode=${d.mode},depth=${d.depth}`;
}

/** The `!gcsex`-style decoding line printed under "Inline Frame Context for frame N = X". */
export function decodedLine(value: number, encoding: InlineContextEncoding): string {
  const d = decodeInlineContext(value, encoding);
  if (d.encoding === 'windows') {
    return `Frameid = ${d.frameId.toString(16)} FrameType = ${d.frameType.toString(16)} Frame Signature = ${d.frameSignature.toString(16)}`;
  }
  return `Mode = ${d.mode} Depth = ${d.depth}`;
}

/** Markdown for a hover over a value. */
export function describeContext(value: number, encoding: InlineContextEncoding, stated: boolean): string {
  const v = value >>> 0;
  const d = decodeInlineContext(v, encoding);
  const inline = isInlineContext(v, encoding);
  const lines = [`**InlineFrameContext \`0x${hex32(v)}\`** — ${inline ? 'an inline frame' : v === 0xffffffff ? 'inline support off (IGNORE)' : 'not an inline frame'}`, ''];
  if (d.encoding === 'windows') {
    lines.push(
      `Windows encoding (dbgeng, Windows dbghelp)${stated ? '' : ', assumed'}: \`INLINE_FRAME_CONTEXT\``,
      '',
      '| field | value |',
      '|---|---|',
      `| FrameId | \`0x${hex2(d.frameId)}\` |`,
      `| FrameType | \`0x${hex2(d.frameType)}\` ${d.frameTypeNames.map((n) => `STACK_FRAME_TYPE_${n}`).join(' \\| ')} |`,
      `| FrameSignature | \`0x${d.frameSignature.toString(16).padStart(4, '0')}\` |`,
      '',
      'The signature changes with every session (and every `.reload`): compare values only within one stop.',
    );
  } else {
    lines.push(
      "Wine's dbghelp encoding: the top two bits are a mode, the low bits the inline depth",
      '',
      '| field | value |',
      '|---|---|',
      `| mode | ${d.mode} (\`0x${hex32((v & 0xc0000000) >>> 0)}\`) |`,
      `| depth | ${d.depth} |`,
    );
  }
  return lines.join('\n');
}

/** Markdown for a hover over an `(Inline)` marker. */
export function describeInlineMarker(name: string): string {
  return `**${name}** was inlined: no call instruction ran, so the frame has no stack pointer or return address of its own. ` +
    'Its name and line come from its InlineFrameContext, not from the instruction address alone.';
}

function hex2(n: number): string {
  return n.toString(16).padStart(2, '0');
}
