/**
 * The disassemble request. The instructions come from the engine's own
 * disassembler when it has one (dbgeng: Disassemble, WinDbg's text), else
 * from the bytes of readMemory decoded with iced-x86 (the dbghelp engine).
 * Each instruction is annotated with its source line and, in inlined code,
 * the inline function it belongs to (innermost first, as the Call Stack
 * shows it).
 */
import { Decoder, DecoderOptions, Formatter, FormatterSyntax } from 'iced-x86';
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { EngineClient, SourceLocation } from '../native/api';
import { INLINE_MARKER } from './stack/frameNames';
import type { SourceOf } from './stack/sources';

/** The longest x86-64 instruction. */
const MAX_INSN = 15;

interface Decoded { address: bigint; bytes: Buffer; text: string }

const hex = (v: bigint) => `0x${v.toString(16)}`;

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

/**
 * The instructions [first, first+count) relative to the one at `anchor`,
 * decoded here with iced-x86; undefined where there is none to show.
 */
async function decodeAround(engine: EngineClient, anchor: bigint, first: number, count: number): Promise<(Decoded | undefined)[]> {
  // Instructions before the anchor: x86 cannot be decoded backwards, so decode
  // from far enough back and keep the run that lands exactly on the anchor.
  const back = first < 0 ? -first * MAX_INSN + 64 : 0;
  const start = anchor - BigInt(back);
  const forward = Math.max(0, first + count) * MAX_INSN + MAX_INSN;
  const block = await engine.readMemory(hex(start), back + forward);
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
  return picked;
}

/**
 * The same window from the engine's own disassembler, or undefined when the
 * engine has none. Forward it lists from the anchor, each instruction
 * starting where the one before ended (dbgeng's EndOffset). Backward there
 * is nothing to follow: x86 code cannot be decoded backwards, by dbgeng no
 * more than by anyone, so where the instructions before an address start is
 * a guess. The guess is the one decodeAround makes: the iced-x86 run from
 * far enough back that lands exactly on the anchor. The engine then lists
 * from the earliest start wanted, so all the text is the engine's. Should
 * its instructions not land on the anchor (it measured one differently),
 * the ones before the anchor are shown as unknown rather than guessed twice.
 */
async function listAround(engine: EngineClient, anchor: bigint, first: number, count: number): Promise<(Decoded | undefined)[] | undefined> {
  if (!(await engine.describe()).capabilities.disassembler) return undefined;
  let starts: bigint[] = [];
  if (first < 0) {
    const run = await decodeAround(engine, anchor, first, -first + 1);
    // The run landed on the anchor when its last entry is the anchor itself.
    if (run[run.length - 1]?.address === anchor) starts = run.slice(0, -1).filter((d): d is Decoded => !!d).map((d) => d.address);
  }
  // Listing index k is the instruction `k - starts.length` relative to the anchor.
  const end = Math.max(0, first + count);
  let listed = (await engine.disassemble(hex(starts[0] ?? anchor), starts.length ? starts.length + Math.max(end, 1) : end));
  if (starts.length && listed[starts.length]?.address !== hex(anchor)) {
    starts = [];
    listed = await engine.disassemble(hex(anchor), end);
  }
  const picked: (Decoded | undefined)[] = [];
  for (let i = first; i < first + count; i++) {
    const l = i + starts.length >= 0 ? listed[i + starts.length] : undefined;
    picked.push(l && { address: BigInt(l.address), bytes: Buffer.from(l.bytes, 'hex'), text: l.text });
  }
  return picked;
}

export async function disassemble(engine: EngineClient, sourceOf: SourceOf, args: DebugProtocol.DisassembleArguments): Promise<DebugProtocol.DisassembleResponse['body']> {
  const anchor = BigInt(args.memoryReference) + BigInt(args.offset ?? 0);
  const first = args.instructionOffset ?? 0;
  const count = args.instructionCount;
  const picked = (await listAround(engine, anchor, first, count)) ?? (await decodeAround(engine, anchor, first, count));
  const locations = await engine.sourceLocations(picked.filter((p): p is Decoded => !!p && p.bytes.length > 0).map((p) => hex(p.address)));
  const byAddress = new Map<string, SourceLocation>(locations.map((l) => [l.address, l]));
  let lastKey = '';
  const instructions = picked.map((d, i): DebugProtocol.DisassembledInstruction => {
    if (!d || !d.bytes.length) {
      // Before readable memory (or before a run we could decode), or unreadable: say so, as the protocol asks.
      const address = d?.address ?? placeholderAddress(picked, i, anchor, first);
      return { address: hex(address), instruction: '??', presentationHint: 'invalid' };
    }
    const address = hex(d.address);
    const loc = byAddress.get(address);
    const key = `${loc?.file}:${loc?.line}:${loc?.inlineChain.join('/')}`;
    const changed = key !== lastKey;
    lastKey = key;
    return {
      address,
      instructionBytes: d.bytes.toString('hex').replace(/(..)(?!$)/g, '$1 '),
      instruction: d.text,
      symbol: symbolOf(loc),
      // Location and line only where they change, as VS Code groups by them.
      location: changed && loc?.file ? sourceOf(loc.file) : undefined,
      line: changed ? loc?.line : undefined,
    };
  });
  return { instructions };
}

/**
 * An address for an instruction slot with nothing in it: one byte before the
 * next known instruction per slot (the protocol wants distinct addresses), or
 * after the last one.
 */
function placeholderAddress(picked: (Decoded | undefined)[], i: number, anchor: bigint, first: number): bigint {
  for (let j = i + 1; j < picked.length; j++) {
    const d = picked[j];
    if (d) return d.address - BigInt(j - i);
  }
  return anchor + BigInt(first + i);
}

/** "outer" outside inlined code; "helper (Inline) in middle in outer" inside it. */
function symbolOf(loc: SourceLocation | undefined): string | undefined {
  if (!loc?.function) return undefined;
  if (!loc.inlineChain.length) return loc.function;
  return `${loc.inlineChain[0]}${INLINE_MARKER} in ${[...loc.inlineChain.slice(1), loc.function].join(' in ')}`;
}
