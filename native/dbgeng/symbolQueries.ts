/**
 * The dbgeng engine's symbol questions: a frame's name and line by its
 * inline context or by its address (GetNameByInlineContextWide,
 * GetLineByInlineContextWide, and the by-offset calls), a line's addresses
 * in every inlined copy (GetSourceEntriesByLineWide, with and without
 * DEBUG_GSEL_INLINE_CALLSITE), a function's out-of-line and inlined copies,
 * and the recorded source files, the last ones from the dbghelp session
 * dbgeng keeps for its process handle. dbgeng defers symbol loading: a
 * question that finds nothing loads every module's symbols once and asks
 * again (withSymbolsLoaded).
 */
import { INLINE_FRAME_CONTEXT_IGNORE, isInlineContext } from '../engines/inlineContext';
import { sameSourceFile } from '../engines/sourcePaths';
import { inlineSiteAddresses } from '../win32/inlineSites';
import { lowestPerCopy } from '../win32/lineCopies';
import { recordedSourceFiles } from '../win32/sourceFiles';
import { SymbolLookup } from '../win32/symbolLookup';
import { ComError, type ComPtr, readWideString } from './com';
import { Slots } from './slots';
import { hex } from '../engines/hex';

const S = Slots.IDebugSymbols5;
/** DEBUG_SYMBOL_SOURCE_ENTRY: 64 bytes (checked against Microsoft's dbgeng.h by the platform ABI test). */
const SOURCE_ENTRY = { size: 64, Offset: 8, StartLine: 44 } as const;
const DEBUG_GSEL_DEFAULT = 0;
/** Also the addresses of a line inside inlined code (the inline sites' records). */
const DEBUG_GSEL_INLINE_CALLSITE = 0x10;
/** Copies of one line asked for at most: a line inlined into more places than this binds the first ones. */
const MAX_LINE_COPIES = 256;
const NAME_CHARS = 256;

export class SymbolQueries {
  /** dbgeng's handle of the debuggee, taken at the first break; 0 before, and on an engine without it (the C double). */
  process = 0n;
  /** Names and lines from dbgeng's dbghelp session for the process (made on first use). */
  private lookup?: SymbolLookup;
  /** `ld *` has run since the last module load: line look-ups have searched every module's symbols. */
  private allLoaded = false;
  /** The loaded modules' recorded source files, asked once until a module or its symbols load or go. */
  private recordedFiles?: string[];

  constructor(
    private readonly symbols: ComPtr,
    private readonly moduleBases: () => Iterable<bigint>,
    /** Loads every module's symbols (`ld *`). */
    private readonly loadAll: () => void,
  ) {}

  /** A module loaded (`loaded`) or went: its files, and maybe its unloaded symbols, change what is known. */
  modulesChanged(loaded: boolean): void {
    this.recordedFiles = undefined;
    if (loaded) this.allLoaded = false;
  }

  /** dbgeng loaded a module's symbols: the recorded files are asked again. */
  symbolsLoaded(): void {
    this.recordedFiles = undefined;
  }

  /**
   * The first address of each inlined copy of a function (`name` or
   * `module!name`), from dbgeng's own dbghelp session (native/win32/inlineSites.ts):
   * dbgeng's name look-ups (GetOffsetByNameWide) know only out-of-line code.
   */
  inlineCopiesOf(name: string): bigint[] {
    if (!this.process) return [];
    const bang = name.indexOf('!');
    const [moduleMask, fn] = bang < 0 ? ['*', name] : [name.slice(0, bang), name.slice(bang + 1)];
    return inlineSiteAddresses(this.process, 0n, fn, moduleMask);
  }

  /** The out-of-line function of that name, if any (dbgeng searches only modules whose symbols are loaded). */
  offsetOfName(name: string): bigint[] {
    const offset = [0n];
    const hr = this.symbols.invoke(S.GetOffsetByNameWide, 'GetOffsetByNameWide', 'const char16_t *symbol, _Out_ uint64_t *offset', name, offset);
    return hr >= 0 ? [BigInt(offset[0] as bigint)] : [];
  }

  /** dbghelp's names and lines on the session dbgeng keeps for its process. */
  lookupOf(): SymbolLookup {
    return this.lookup ??= new SymbolLookup(this.process, false);
  }

  resolve(pc: bigint, context: number) {
    const inline = isInlineContext(context, 'windows');
    const disp = [0n];
    const read = (method: string, slot: number, signature: string, ...lead: unknown[]) =>
      readWideString(`IDebugSymbols5::${method}`, NAME_CHARS, (buf, chars, needed) =>
        this.symbols.invoke(slot, method, signature, ...lead, buf, chars, needed, disp));
    let qualified: string | undefined;
    try {
      qualified = inline
        ? read('GetNameByInlineContextWide', S.GetNameByInlineContextWide, 'uint64_t offset, uint32_t context, void *buf, uint32_t size, _Out_ uint32_t *needed, _Out_ uint64_t *displacement', pc, context)
        : read('GetNameByOffsetWide', S.GetNameByOffsetWide, 'uint64_t offset, void *buf, uint32_t size, _Out_ uint32_t *needed, _Out_ uint64_t *displacement', pc);
    } catch (e) {
      if (!(e instanceof ComError)) throw e;
    }
    // A "displacement" past 2^63 is negative: the address lies before the
    // nearest symbol dbgeng found (code of a static function the PDB has no
    // name for, as mingw's CRT start-up). That name would be a lie: the
    // frame goes by module+offset instead. A name without "!" is the
    // module's own: dbgeng's answer for a module without symbols (its
    // displacement is the offset from the module's base), no function.
    const bang = qualified?.indexOf('!') ?? -1;
    const module = qualified && bang > 0 ? qualified.slice(0, bang) : qualified || undefined;
    const named = qualified !== undefined && bang > 0 && BigInt(disp[0] as bigint) < 1n << 63n;
    const displacement = named ? Number(disp[0]) : undefined;
    const line = [0];
    let file: string | undefined;
    try {
      // The frame's own context gives its own line; by offset alone a line
      // inside inlined code would be the inlinee's.
      file = context !== INLINE_FRAME_CONTEXT_IGNORE
        ? readWideString('IDebugSymbols5::GetLineByInlineContextWide', NAME_CHARS, (buf, chars, needed) =>
          this.symbols.invoke(S.GetLineByInlineContextWide, 'GetLineByInlineContextWide',
            'uint64_t offset, uint32_t context, _Out_ uint32_t *line, void *buf, uint32_t size, _Out_ uint32_t *needed, _Out_ uint64_t *displacement', pc, context, line, buf, chars, needed, disp))
        : readWideString('IDebugSymbols5::GetLineByOffsetWide', NAME_CHARS, (buf, chars, needed) =>
          this.symbols.invoke(S.GetLineByOffsetWide, 'GetLineByOffsetWide',
            'uint64_t offset, _Out_ uint32_t *line, void *buf, uint32_t size, _Out_ uint32_t *needed, _Out_ uint64_t *displacement', pc, line, buf, chars, needed, disp));
    } catch (e) {
      if (!(e instanceof ComError)) throw e;
    }
    return {
      inline,
      module,
      moduleBase: this.moduleBase(pc),
      function: named ? qualified!.slice(bang + 1) : undefined,
      displacement,
      file,
      line: file ? Number(line[0]) : undefined,
      resolvedBy: !named ? 'none' as const : inline ? 'inlineContext' as const : 'offset' as const,
    };
  }

  /** The base of the module holding an address (GetModuleByOffset), for module+offset names and module ids. */
  private moduleBase(pc: bigint): string | undefined {
    const base = [0n];
    const hr = this.symbols.invoke(S.GetModuleByOffset, 'GetModuleByOffset', 'uint64_t offset, uint32_t start, _Out_ uint32_t *index, _Out_ uint64_t *base', pc, 0, [0], base);
    return hr < 0 ? undefined : hex(BigInt(base[0] as bigint));
  }

  /**
   * Every address where a line's code starts, inlined copies included.
   * GetSourceEntriesByLineWide answers from the line tables by default, and
   * from the inline sites' records with DEBUG_GSEL_INLINE_CALLSITE (a line
   * that exists only inlined has no line-table row); the two together are
   * every copy. The path is tried as given, then as the debug information
   * may record it: a PDB written on Linux records "/home/u/a.c", which the
   * adapter under Wine hands us as "Z:\\home\\u\\a.c". dbgeng defers symbol
   * loading, and a deferred module's lines are not searched: when nothing is
   * found, every module's symbols are loaded once (`ld *`) and it is asked again.
   */
  lineAddresses(path: string, line: number): bigint[] {
    // Every recorded file the path names: a bare "util.h" may name several, and binds in each.
    const lookUp = () => {
      const found = new Set<bigint>();
      for (const file of this.recordedForms(path)) {
        for (const flags of [DEBUG_GSEL_DEFAULT, DEBUG_GSEL_INLINE_CALLSITE]) {
          for (const entry of this.sourceEntries(file, line, flags)) if (entry.line === line) found.add(entry.offset);
        }
      }
      return this.process ? lowestPerCopy(this.lookupOf(), found) : [...found].sort((a, b) => (a < b ? -1 : 1));
    };
    return this.withSymbolsLoaded(lookUp);
  }

  /**
   * Asks `lookUp`; if it finds nothing, loads every module's symbols once
   * (`ld *`: dbgeng defers symbol loading, and a deferred module is not
   * searched) and asks again.
   */
  withSymbolsLoaded<T>(lookUp: () => T[]): T[] {
    const found = lookUp();
    if (found.length || this.allLoaded) return found;
    this.allLoaded = true;
    this.loadAll();
    this.recordedFiles = undefined;
    return lookUp();
  }

  /**
   * The spellings under which the debug information may record `path`: as
   * given; in Unix form, for a Z: path of a PDB written on Linux; and every
   * recorded file it is the end of, whole components, any case and either
   * separator ("sample.c", "src\\sample.c"), from dbgeng's own dbghelp
   * session: dbgeng itself matches only whole paths.
   */
  private recordedForms(path: string): string[] {
    const forms = [path];
    if (/^[zZ]:\\/.test(path)) forms.push(path.slice(2).replace(/\\/g, '/'));
    for (const recorded of this.recordedSourceFiles()) if (sameSourceFile(recorded, path) && !forms.includes(recorded)) forms.push(recorded);
    return forms;
  }

  /** Every source file the loaded modules' debug information records, from dbgeng's own dbghelp session. */
  recordedSourceFiles(): string[] {
    if (!this.process) return [];
    this.recordedFiles ??= [...this.moduleBases()].flatMap((base) => recordedSourceFiles(this.process, base));
    return this.recordedFiles;
  }

  private sourceEntries(file: string, line: number, flags: number): { offset: bigint; line: number }[] {
    const entries = Buffer.alloc(SOURCE_ENTRY.size * MAX_LINE_COPIES);
    const avail = [0];
    const hr = this.symbols.invoke(S.GetSourceEntriesByLineWide, 'GetSourceEntriesByLineWide',
      'uint32_t line, const char16_t *file, uint32_t flags, void *entries, uint32_t count, _Out_ uint32_t *avail', line, file, flags, entries, MAX_LINE_COPIES, avail);
    if (hr < 0) return [];
    return Array.from({ length: Math.min(Number(avail[0]), MAX_LINE_COPIES) }, (_, i) => ({
      offset: entries.readBigUInt64LE(i * SOURCE_ENTRY.size + SOURCE_ENTRY.Offset),
      line: entries.readUInt32LE(i * SOURCE_ENTRY.size + SOURCE_ENTRY.StartLine),
    }));
  }
}
