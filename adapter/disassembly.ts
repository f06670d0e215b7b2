/**
 * The disassemble request: bytes from the engine, decoded with iced-x86,
 * each instruction annotated with its source line and, in inlined code,
 * the inline function it belongs to (innermost first, as the Call Stack
 * shows it).
 */
import { Decoder, DecoderOptions, Formatter, FormatterSyntax } from 'iced-x86';
import path from 'node:path';
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { EngineClient, SourceLocation } from '../native/api';
import { INLINE_MARKER } from './stack/frameNames';
import type { PathMapper } from './paths';

/** The longest x86-64 instruction. */
const MAX_INSN = 15;

interface Decoded { address: bigint; bytes: Buffer; text: string }

function decode(bytes: Buffer, at: bigint): Decoded[] {
  const decoder = new Decoder(64, new Uint8Array(bytes), DecoderOptions.None);
  decoder.ip = at;
  const formatter = new Formatter(FormatterSyntax.Masm);
  const out: Decoded[] = [];
  try {
    while (decoder.canDecode) {
      const insn = decoder.decode();
      const off = Number(insn.ip - at);
      out.push({ address: insn.ip, bytes: bytes.subarray(off, off + insn.length), text: formatter.format(insn) });
      insn.free();
    }
  } finally {
    decoder.free();
    formatter.free();
  }
  return out;
}

export async function disassemble(engine: EngineClient, paths: PathMapper, args: DebugProtocol.DisassembleArguments): Promise<DebugProtocol.DisassembleResponse['body']> {
  const anchor = BigInt(args.memoryReference) + BigInt(args.offset ?? 0);
  const first = args.instructionOffset ?? 0;
  const count = args.instructionCount;
  // Instructions before the anchor: x86 cannot be decoded backwards, so decode
  // from far enough back and keep the run that lands exactly on the anchor.
  const back = first < 0 ? -first * MAX_INSN + 64 : 0;
  const start = anchor - BigInt(back);
  const forward = Math.max(0, first + count) * MAX_INSN + MAX_INSN;
  const block = await engine.readMemory(`0x${start.toString(16)}`, back + forward);
  const bytes = Buffer.from(block.data, 'base64');
  let decoded = decode(bytes, start);
  let at = decoded.findIndex((d) => d.address === anchor);
  if (at < 0) {
    // The backward run did not land on the anchor: decode from the anchor itself.
    decoded = decode(bytes.subarray(back), anchor);
    at = 0;
  }
  const from = at + first;
  const picked: (Decoded | undefined)[] = [];
  for (let i = from; i < from + count; i++) picked.push(i >= 0 ? decoded[i] : undefined);
  const locations = await engine.sourceLocations(picked.filter((p): p is Decoded => !!p).map((p) => `0x${p.address.toString(16)}`));
  const byAddress = new Map<string, SourceLocation>(locations.map((l) => [l.address, l]));
  let lastKey = '';
  const instructions = picked.map((d, i): DebugProtocol.DisassembledInstruction => {
    if (!d) {
      // Before readable memory (or before a run we could decode): say so, as the protocol asks.
      const address = anchor - BigInt((from < 0 ? -from : 0) - i);
      return { address: `0x${address.toString(16)}`, instruction: '??', presentationHint: 'invalid' };
    }
    const address = `0x${d.address.toString(16)}`;
    const loc = byAddress.get(address);
    const key = `${loc?.file}:${loc?.line}:${loc?.inlineChain.join('/')}`;
    const first = key !== lastKey;
    lastKey = key;
    const file = loc?.file ? paths.toClient(loc.file) : undefined;
    return {
      address,
      instructionBytes: d.bytes.toString('hex').replace(/(..)(?!$)/g, '$1 '),
      instruction: d.text,
      symbol: symbolOf(loc),
      // Location and line only where they change, as VS Code groups by them.
      location: first && file ? { name: path.basename(file.replace(/\\/g, '/')), path: file } : undefined,
      line: first ? loc?.line : undefined,
    };
  });
  return { instructions };
}

/** "outer" outside inlined code; "helper (Inline) in middle in outer" inside it. */
function symbolOf(loc: SourceLocation | undefined): string | undefined {
  if (!loc?.function) return undefined;
  if (!loc.inlineChain.length) return loc.function;
  return `${loc.inlineChain[0]}${INLINE_MARKER} in ${[...loc.inlineChain.slice(1), loc.function].join(' in ')}`;
}
