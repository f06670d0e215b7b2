/**
 * Names and lines of code addresses, asked of dbghelp for a process it
 * already knows (SymInitialize done by whoever owns the session): the
 * dbghelp engine's own session, or the one dbgeng keeps for the process it
 * debugs, keyed by the same process handle.
 *
 * Inline frames are named with SymFromInlineContextW: naming them by
 * address alone gives the outer function's name, which is the bug this
 * project exists to fix.
 */
import koffi from 'koffi';
import { dbghelp } from './dbghelp';
import type { Handle } from './kernel32';
import { Layouts } from './layouts';

const SYM = Layouts.SYMBOL_INFOW;
const LINE = Layouts.IMAGEHLP_LINEW64;
const MAX_NAME = 1024;

/** Wine's context of the innermost inline frame at an address (mode inline, depth 0). */
export const WINE_INNERMOST_INLINE = 0x40000000;

export class SymbolLookup {
  protected readonly symbolBuf = Buffer.alloc(SYM.size + MAX_NAME * 2);
  private readonly lineBuf = Buffer.alloc(LINE.size);

  /** `wine`: Wine's dbghelp, whose inline contexts use Wine's encoding. */
  constructor(readonly process: Handle, readonly wine: boolean) {}

  /** Name of the function at `address` in the given inline context. */
  nameByInlineContext(address: bigint, context: number): { name: string; displacement: number } | undefined {
    this.prepareSymbol();
    const disp = [0n];
    if (!dbghelp.SymFromInlineContextW(this.process, address, context >>> 0, disp, this.symbolBuf)) return undefined;
    return this.named(BigInt(disp[0]!));
  }

  nameByOffset(address: bigint): { name: string; displacement: number } | undefined {
    this.prepareSymbol();
    const disp = [0n];
    if (!dbghelp.SymFromAddrW(this.process, address, disp, this.symbolBuf)) return undefined;
    return this.named(BigInt(disp[0]!));
  }

  /**
   * The symbol dbghelp found, unless the address lies before it. Both
   * dbghelps answer an address below the nearest symbol (start-up code the
   * PDB has no record of, say) with that symbol and a negative displacement,
   * as an unsigned 64-bit number (WinMainCRTStartup+0xfffffffffffffefe): the
   * address is in no known function, and is named by module+offset instead.
   */
  private named(displacement: bigint): { name: string; displacement: number } | undefined {
    if (BigInt.asIntN(64, displacement) < 0n) return undefined;
    return { name: this.symbolName(), displacement: Number(displacement) };
  }

  lineByInlineContext(address: bigint, context: number): { file: string; line: number } | undefined {
    this.lineBuf.fill(0);
    this.lineBuf.writeUInt32LE(LINE.size, LINE.SizeOfStruct);
    const disp = [0];
    if (!dbghelp.SymGetLineFromInlineContextW(this.process, address, context >>> 0, 0n, disp, this.lineBuf)) return undefined;
    return this.lineResult();
  }

  lineByOffset(address: bigint): { file: string; line: number } | undefined {
    this.lineBuf.fill(0);
    this.lineBuf.writeUInt32LE(LINE.size, LINE.SizeOfStruct);
    const disp = [0];
    if (!dbghelp.SymGetLineFromAddrW64(this.process, address, disp, this.lineBuf)) return undefined;
    return this.lineResult();
  }

  /** The inline contexts at an address, innermost first. */
  inlineContextsAt(address: bigint): number[] {
    const depth = dbghelp.SymAddrIncludeInlineTrace(this.process, address);
    if (!depth) return [];
    let first = WINE_INNERMOST_INLINE;
    if (!this.wine) {
      const ctx = [0];
      const idx = [0];
      if (!dbghelp.SymQueryInlineTrace(this.process, address, 0, address, address, ctx, idx)) return [];
      first = ctx[0] as number;
    }
    return Array.from({ length: depth }, (_, i) => (first + i) >>> 0);
  }

  /** The physical function holding `address`: its first address and the one past its end. */
  symbolRange(address: bigint): { start: bigint; end: bigint } | undefined {
    const named = this.nameByOffset(address);
    if (!named) return undefined;
    const start = address - BigInt(named.displacement);
    const size = this.symbolBuf.readUInt32LE(SYM.Size);
    return size ? { start, end: start + BigInt(size) } : undefined;
  }

  protected prepareSymbol(): void {
    this.symbolBuf.fill(0, 0, SYM.size);
    this.symbolBuf.writeUInt32LE(SYM.size, SYM.SizeOfStruct);
    this.symbolBuf.writeUInt32LE(MAX_NAME, SYM.MaxNameLen);
  }

  private symbolName(): string {
    const len = Math.min(this.symbolBuf.readUInt32LE(SYM.NameLen), MAX_NAME);
    return this.symbolBuf.toString('utf16le', SYM.Name, SYM.Name + len * 2);
  }

  private lineResult(): { file: string; line: number } | undefined {
    const ptr = this.lineBuf.readBigUInt64LE(LINE.FileName);
    const file = ptr ? koffi.decode.string16(ptr) : '';
    return { file, line: this.lineBuf.readUInt32LE(LINE.LineNumber) };
  }
}
