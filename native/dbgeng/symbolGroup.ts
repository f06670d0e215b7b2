/**
 * One IDebugSymbolGroup2: dbgeng's list of symbols (a frame's locals and
 * parameters, or watched expressions), each with a name, type and value
 * text, some expandable into members or elements.
 *
 * Expanding a symbol inserts its children right after it, and removing a
 * top-level symbol takes its children with it, so every index behind the
 * change moves. Whoever keeps an index past such a change holds an
 * `Anchor`; the group moves anchors along with the entries they denote.
 */
import { ComError, readWideString, type ComPtr } from './com';
import { DbgengLayouts } from './layouts';
import { HRESULT, Slots } from './slots';

const G = Slots.IDebugSymbolGroup2;
const P = DbgengLayouts.DEBUG_SYMBOL_PARAMETERS;
const TEXT_CHARS = 256;
/** What a variable with no location here shows, as the dbghelp engine (and WinDbg's dv) writes it. */
export const VALUE_UNAVAILABLE = '<value unavailable>';
export const DEBUG_ANY_ID = 0xffffffff;

export const DEBUG_SYMBOL = {
  EXPANDED: 0x10,
  READ_ONLY: 0x20,
  IS_ARRAY: 0x40,
  IS_ARGUMENT: 0x100,
  IS_LOCAL: 0x200,
} as const;

export interface SymbolParameters {
  /** DEBUG_ANY_ID for a top-level symbol. */
  parent: number;
  subElements: number;
  flags: number;
}

/** An index into a group that follows its entry as the group changes; -1 once the entry is gone. */
export interface Anchor {
  index: number;
}

export class SymbolGroup {
  private readonly anchors = new Set<Anchor>();

  constructor(private readonly group: ComPtr) {}

  count(): number {
    const n = [0];
    this.group.call(G.GetNumberSymbols, 'GetNumberSymbols', '_Out_ uint32_t *n', n);
    return Number(n[0]);
  }

  parameters(start: number, count: number): SymbolParameters[] {
    if (count <= 0) return [];
    const buf = Buffer.alloc(count * P.size);
    this.group.call(G.GetSymbolParameters, 'GetSymbolParameters', 'uint32_t start, uint32_t count, void *params', start, count, buf);
    return Array.from({ length: count }, (_, i) => ({
      parent: buf.readUInt32LE(i * P.size + P.ParentSymbol),
      subElements: buf.readUInt32LE(i * P.size + P.SubElements),
      flags: buf.readUInt32LE(i * P.size + P.Flags),
    }));
  }

  name(index: number): string {
    return this.text('GetSymbolNameWide', G.GetSymbolNameWide, index);
  }

  typeName(index: number): string {
    return this.text('GetSymbolTypeNameWide', G.GetSymbolTypeNameWide, index);
  }

  /**
   * The value as dbgeng writes it. A variable optimized out at this address
   * (no location covers it: `dv` shows "<value unavailable>") makes
   * Microsoft's dbgeng fail the call with E_FAIL; that is an answer about
   * the variable, not an error of the session.
   */
  valueText(index: number): string {
    try {
      return withoutMasmDecimalPrefix(this.text('GetSymbolValueTextWide', G.GetSymbolValueTextWide, index));
    } catch (e) {
      if (e instanceof ComError && e.hr === HRESULT.E_FAIL) return VALUE_UNAVAILABLE;
      throw e;
    }
  }

  /** Where the symbol lives in memory; undefined for one in a register or a computed value. */
  address(index: number): bigint | undefined {
    const out = [0n];
    const hr = this.group.invoke(G.GetSymbolOffset, 'GetSymbolOffset', 'uint32_t index, _Out_ uint64_t *offset', index, out);
    return hr < 0 ? undefined : BigInt(out[0] as bigint);
  }

  /** Inserts the children of `index` after it (once; expanding again changes nothing). */
  expand(index: number): void {
    const before = this.count();
    this.group.call(G.ExpandSymbol, 'ExpandSymbol', 'uint32_t index, int expand', index, 1);
    this.shift(index + 1, this.count() - before);
  }

  /** Children of `index`, by index: the entries after it whose parent it is. */
  children(index: number): number[] {
    const [own] = this.parameters(index, 1);
    if (!own?.subElements) return [];
    if (!(own.flags & DEBUG_SYMBOL.EXPANDED)) this.expand(index);
    const total = this.count();
    // Grandchildren expanded earlier sit between the children: keep only direct ones.
    const after = this.parameters(index + 1, total - index - 1);
    const found: number[] = [];
    for (let i = 0; i < after.length && found.length < own.subElements; i++) if (after[i]!.parent === index) found.push(index + 1 + i);
    return found;
  }

  /** Sets the symbol's value from text (evaluated by dbgeng as an expression). */
  write(index: number, value: string): void {
    this.group.call(G.WriteSymbolWide, 'WriteSymbolWide', 'uint32_t index, const char16_t *value', index, value);
  }

  /** Adds an expression at the end; throws the ComError when dbgeng cannot evaluate it. */
  add(expression: string): number {
    const index = [DEBUG_ANY_ID];
    this.group.call(G.AddSymbolWide, 'AddSymbolWide', 'const char16_t *name, _Inout_ uint32_t *index', expression, index);
    return Number(index[0]);
  }

  /** Removes a top-level symbol and its expanded children. */
  remove(index: number): void {
    const before = this.count();
    this.group.call(G.RemoveSymbolByIndex, 'RemoveSymbolByIndex', 'uint32_t index', index);
    const removed = before - this.count();
    for (const a of this.anchors) if (a.index >= index && a.index < index + removed) a.index = -1;
    this.shift(index + removed, -removed);
  }

  anchor(index: number): Anchor {
    const a = { index };
    this.anchors.add(a);
    return a;
  }

  release(): void {
    for (const a of this.anchors) a.index = -1;
    this.anchors.clear();
    this.group.release();
  }

  /** Entries from `from` on moved by `by`. */
  private shift(from: number, by: number): void {
    if (!by) return;
    for (const a of this.anchors) if (a.index >= from) a.index += by;
  }

  private text(method: string, slot: number, index: number): string {
    return readWideString(`IDebugSymbolGroup2::${method}`, TEXT_CHARS, (buf, chars, needed) =>
      this.group.invoke(slot, method, 'uint32_t index, void *buf, uint32_t size, _Out_ uint32_t *needed', index, buf, chars, needed));
  }
}

/**
 * dbgeng writes a decimal integer in MASM's notation, "0n6" ("0n-1" for a
 * negative one), as `dv` shows it. The Variables view, hover and watch speak
 * C, where 6 is 6 (the dbghelp engine says so too); hex ("0x...") and every
 * other text stay as dbgeng wrote them.
 */
export function withoutMasmDecimalPrefix(text: string): string {
  return /^0n-?\d+$/.test(text) ? text.slice(2) : text;
}

