/**
 * dbgeng's own disassembler: IDebugControl4::DisassembleWide, one
 * instruction a call, each call's EndOffset the next one's address. The
 * text is WinDbg's (`u`), one line per instruction:
 *
 *   00007ff6`12341000 4883ec28        sub     rsp,28h
 *
 * address, bytes, then mnemonic and operands, which are kept as dbgeng
 * spells them with runs of blanks folded to one.
 */
import type { DisassembledInstruction } from '../engines/engine';
import { ComError, readWideString, type ComPtr } from './com';
import { Slots } from './slots';
import { hex } from '../engines/hex';

/**
 * No DEBUG_DISASM_* flag: no effective address column, and no symbol or
 * source lines before the instruction, so the answer is the one line parsed
 * below.
 */
export const DISASM_FLAGS = 0;
/** Most lines fit; a longer one (long operands, symbols in them) is negotiated: S_FALSE and the size needed. */
const FIRST_CHARS = 64;

/** "00000000`012412f0 8b45f0          mov     eax,dword ptr [rbp-10h]" */
const LINE = /^([0-9a-f]+(?:`[0-9a-f]+)?)\s+(\?\?|[0-9a-f]+)(?:\s+(.*))?$/i;

/** One line of dbgeng's disassembly as address, bytes and text; undefined when it is not one. */
export function parseDisassemblyLine(line: string): { address: bigint; bytes: string; text: string } | undefined {
  const m = LINE.exec(line.trim());
  if (!m) return undefined;
  const unreadable = m[2] === '??';
  return {
    address: BigInt(`0x${m[1]!.replace('`', '')}`),
    bytes: unreadable ? '' : m[2]!.toLowerCase(),
    text: unreadable ? '??' : (m[3] ?? '').replace(/\s+/g, ' ').trim(),
  };
}

export class Disassembler {
  /** Grows to the longest line seen, so a long line is negotiated once a session, not every time. */
  private chars = FIRST_CHARS;

  constructor(private readonly control: ComPtr) {}

  list(address: string, count: number): DisassembledInstruction[] {
    const out: DisassembledInstruction[] = [];
    let at = BigInt(address);
    for (let i = 0; i < count; i++) {
      const insn = this.one(at);
      out.push({ address: hex(at), bytes: insn.bytes, text: insn.text });
      at = insn.next > at ? insn.next : at + 1n;
    }
    return out;
  }

  private one(at: bigint): { bytes: string; text: string; next: bigint } {
    const end = [0n];
    let text: string;
    try {
      text = readWideString('IDebugControl4::DisassembleWide', this.chars, (buf, chars, needed) =>
        this.control.invoke(Slots.IDebugControl7.DisassembleWide, 'DisassembleWide',
          'uint64_t offset, uint32_t flags, void *buf, uint32_t size, _Out_ uint32_t *needed, _Out_ uint64_t *endOffset',
          at, DISASM_FLAGS, buf, chars, needed, end));
    } catch (e) {
      // Unreadable memory: dbgeng fails the call; WinDbg shows "??" and goes on at the next byte.
      if (e instanceof ComError) return { bytes: '', text: '??', next: at + 1n };
      throw e;
    }
    this.chars = Math.max(this.chars, text.length + 1);
    const lines = text.split(/\r?\n/).filter((l) => l.trim());
    const parsed = lines.map(parseDisassemblyLine).find((p) => p?.address === at) ?? lines.map(parseDisassemblyLine).find((p) => p);
    const next = BigInt(end[0] as bigint);
    if (!parsed) return { bytes: '', text: lines.join(' ').replace(/\s+/g, ' ').trim() || '??', next };
    return { bytes: parsed.bytes, text: parsed.text, next: parsed.bytes ? next : at + 1n };
  }
}
