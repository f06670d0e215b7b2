/**
 * dbghelp's view of one debuggee: modules loaded as they load, names and
 * lines by (address, inline context) (native/win32/symbolLookup.ts), and
 * source lines to addresses.
 */
import koffi from 'koffi';
import { dbghelp, ESLFLAG, SYMOPT } from '../../win32/dbghelp';
import { inlineSiteAddresses } from '../../win32/inlineSites';
import { recordedSourceFiles } from '../../win32/sourceFiles';
import { check, k32, type Handle } from '../../win32/kernel32';
import { Layouts } from '../../win32/layouts';
import { SymbolLookup, WINE_INNERMOST_INLINE } from '../../win32/symbolLookup';
import { lowestPerCopy } from '../../win32/lineCopies';
import { INLINE_FRAME_CONTEXT_IGNORE, type ResolvedBy } from '../inlineContext';
import { sameSourceFile } from '../sourcePaths';
import type { SourceLocation } from '../engine';

const SYM = Layouts.SYMBOL_INFOW;
const SRCW = Layouts.SRCCODEINFOW;
const SRCA = Layouts.SRCCODEINFO;

export interface ModuleInfo {
  base: bigint;
  name: string;
  path: string;
  symbolStatus: string;
}

export interface Resolution {
  function?: string;
  displacement?: number;
  file?: string;
  line?: number;
}

interface LineEntry { file: string; line: number; address: bigint }
interface InlineSite { name: string; address: bigint }

/** Reads one SRCCODEINFO(W) handed to an enumeration callback. */
function readSourceCodeInfo(info: unknown, SRC: typeof SRCA | typeof SRCW, ansi: boolean): LineEntry {
  const view = Buffer.from(koffi.view(info, SRC.size));
  const raw = ansi
    ? view.toString('latin1', SRC.FileName, SRC.FileName + 260)
    : view.toString('utf16le', SRC.FileName, SRC.FileName + 520);
  const nul = raw.indexOf('\0');
  return { file: nul < 0 ? raw : raw.slice(0, nul), line: view.readUInt32LE(SRC.LineNumber), address: view.readBigUInt64LE(SRC.Address) };
}

export class SymbolSession extends SymbolLookup {
  private readonly modules = new Map<bigint, ModuleInfo>();
  private readonly lineTables = new Map<bigint, LineEntry[]>();
  private readonly sourceFileLists = new Map<bigint, string[]>();
  /** Per module: where each inlined copy of a function starts (filled by the sweep). */
  private readonly inlineSites = new Map<bigint, InlineSite[]>();

  /**
   * `wine`: Wine's dbghelp, whose SymEnumLinesW is an aborting stub (its
   * ANSI twin works) and whose inline contexts use Wine's encoding.
   */
  constructor(process: Handle, wine: boolean) {
    super(process, wine);
    // Microsoft's dbghelp (measured under Wine 8) with deferred loads: a
    // module whose symbols are first asked for by StackWalkEx, at a stop
    // before any breakpoint made dbghelp read them, never gets them (the
    // frames are named by address and the walk is lost after two). So it
    // reads each module's symbols when the module loads (about 0.4 s more
    // per launch of a small program); Wine's reads them when first needed.
    dbghelp.SymSetOptions(SYMOPT.UNDNAME | (wine ? SYMOPT.DEFERRED_LOADS : 0) | SYMOPT.LOAD_LINES | SYMOPT.FAIL_CRITICAL_ERRORS | SYMOPT.NO_PROMPTS | SYMOPT.AUTO_PUBLICS);
    check('SymInitializeW', dbghelp.SymInitializeW(process, null, 0));
  }

  loadModule(file: Handle, path: string, base: bigint): ModuleInfo {
    const name = path.replace(/^.*[\\/]/, '').replace(/\.[^.]*$/, '');
    const loaded = dbghelp.SymLoadModuleExW(this.process, file || null, path, null, base, 0, null, 0);
    const info: ModuleInfo = { base, name, path, symbolStatus: loaded ? 'symbols loaded' : 'no symbols' };
    this.modules.set(base, info);
    return info;
  }

  unloadModule(base: bigint): ModuleInfo | undefined {
    const info = this.modules.get(base);
    dbghelp.SymUnloadModule64(this.process, base);
    this.modules.delete(base);
    this.lineTables.delete(base);
    return info;
  }

  moduleAt(address: bigint): ModuleInfo | undefined {
    const base = dbghelp.SymGetModuleBase64(this.process, address);
    return base ? this.modules.get(BigInt(base)) : undefined;
  }

  allModules(): ModuleInfo[] {
    return [...this.modules.values()];
  }

  /**
   * The entry address of a function by name ("main", or "module!main").
   * Wine lacks SymFromNameW, so its ANSI twin serves there (the SYMBOL_INFO
   * header is the same; only the name's characters differ).
   */
  addressOfFunction(name: string): bigint | undefined {
    this.prepareSymbol();
    const ok = this.wine ? dbghelp.SymFromName(this.process, name, this.symbolBuf) : dbghelp.SymFromNameW(this.process, name, this.symbolBuf);
    if (!ok) return undefined;
    return this.symbolBuf.readBigUInt64LE(SYM.Address);
  }

  /**
   * Names a frame. Inline frames are named by their inline context; physical
   * frames by address (the outer function). Lines come from the inline context
   * whenever there is one, so a physical frame whose PC sits in inlined code
   * reports its own call-site line, not the inlinee's.
   */
  resolve(address: bigint, context: number, inline: boolean, lookupAddress: bigint): Resolution & { resolvedBy: ResolvedBy } {
    const named = inline ? this.nameByInlineContext(address, context) : this.nameByOffset(lookupAddress);
    const hasContext = (context >>> 0) !== INLINE_FRAME_CONTEXT_IGNORE;
    const line = hasContext ? this.lineByInlineContext(address, context) ?? (inline ? undefined : this.lineByOffset(lookupAddress)) : this.lineByOffset(lookupAddress);
    return {
      function: named?.name,
      displacement: named?.displacement,
      file: line?.file,
      line: line?.line,
      resolvedBy: named ? (inline ? 'inlineContext' : 'offset') : 'none',
    };
  }

  /**
   * Every code address of `file:line`, one per copy of the line: a line of
   * an inline function has one copy per call site it was inlined into. Of
   * the line-table entries of one copy (optimized code scatters a line), the
   * lowest address is taken.
   */
  addressesOfLine(file: string, line: number): bigint[] {
    const rows: bigint[] = [];
    for (const base of this.modulesWithFile(file)) {
      const entries = this.wine ? this.lineTable(base) : this.sourceLineEntries(base, file, line);
      for (const entry of entries) if (entry.line === line && sameSourceFile(entry.file, file)) rows.push(entry.address);
    }
    return lowestPerCopy(this, rows);
  }

  /**
   * Where a breakpoint on `file:line` binds: the line itself when it has
   * code, else the first line below it (at most `maxMove` lines down) that
   * has. Undefined when none has.
   */
  bindableLine(file: string, line: number, maxMove: number): { line: number; addresses: bigint[] } | undefined {
    const here = this.addressesOfLine(file, line);
    if (here.length) return { line, addresses: here };
    // Microsoft's dbghelp lists an inlined line's copies only when asked for
    // that line (SymEnumSourceLinesW with no line leaves the inline sites
    // out, ESLFLAG_INLINE_SITE or not): ask line by line.
    const candidates = this.wine
      ? [...this.linesWithCode(file)].filter((l) => l > line && l <= line + maxMove).sort((a, b) => a - b)
      : Array.from({ length: maxMove }, (_, i) => line + 1 + i);
    for (const l of candidates) {
      const addresses = this.addressesOfLine(file, l);
      if (addresses.length) return { line: l, addresses };
    }
    return undefined;
  }

  /**
   * Microsoft's dbghelp: the rows of `file:line` in one module, from the
   * line table (flags 0) and from the inline sites' line records
   * (ESLFLAG_INLINE_SITE, one row per inlined copy). It matches the file
   * name exactly as the PDB records it, so the module's own spelling of
   * the file is asked for. (Its SymGetLineFromNameW64 answers the nearest
   * line-table row instead, which for a line of inlined code is another
   * line: sample.c:21 gave line 34 with displacement -13.)
   */
  private sourceLineEntries(base: bigint, file: string, line: number): LineEntry[] {
    const out: LineEntry[] = [];
    const seen = new Set<string>();
    for (const recorded of this.sourceFiles(base).filter((f) => sameSourceFile(f, file))) {
      for (const flags of [0, ESLFLAG.INLINE_SITE]) {
        dbghelp.SymEnumSourceLinesW(this.process, base, null, recorded, line, flags, (info: unknown) => {
          const e = readSourceCodeInfo(info, SRCW, false);
          const key = `${e.address}:${e.line}`;
          if (e.line === line && !seen.has(key)) {
            seen.add(key);
            out.push(e);
          }
          return 1;
        }, null);
      }
    }
    return out;
  }

  /** Lines with code in `file`, for moving a breakpoint to the next line that has code. */
  linesWithCode(file: string): Set<number> {
    const lines = new Set<number>();
    for (const base of this.modulesWithFile(file)) {
      for (const entry of this.lineTable(base)) if (sameSourceFile(entry.file, file)) lines.add(entry.line);
    }
    return lines;
  }

  private modulesWithFile(file: string): bigint[] {
    return [...this.modules.keys()].filter((base) => this.sourceFiles(base).some((f) => sameSourceFile(f, file)));
  }

  dispose(): void {
    dbghelp.SymCleanup(this.process);
    this.modules.clear();
    this.lineTables.clear();
  }

  /**
   * The module's line table: every (file, line, address) where a line starts,
   * inlined code included. Built once per module, on the first breakpoint.
   */
  private lineTable(base: bigint): LineEntry[] {
    let table = this.lineTables.get(base);
    if (table) return table;
    table = this.enumLines(base);
    // Wine's SymEnumLines lists only the lines of top-level functions, not
    // those of inlined code. So does Microsoft's, and its
    // SymEnumSourceLinesW gives inlined lines only line by line (see
    // sourceLineEntries), which is how lines are bound on it.
    if (this.wine) table.push(...this.sweepInlineLines(base, table));
    this.lineTables.set(base, table);
    return table;
  }

  /** Every source file the loaded modules' debug information records. */
  allSourceFiles(): string[] {
    return [...this.modules.keys()].flatMap((base) => this.sourceFiles(base));
  }

  /** The program's own source files, for Loaded Sources: not those of the system's DLLs or Wine's. */
  programSourceFiles(): string[] {
    const files = new Set<string>();
    for (const m of this.allModules()) {
      if (/[\\/](windows[\\/]system32|wine)[\\/]/i.test(m.path)) continue;
      for (const f of this.sourceFiles(m.base)) files.add(f);
    }
    return [...files];
  }

  /** Where an address is: its function, module and line, and the inline chain there (innermost first). */
  sourceLocation(pc: bigint): Omit<SourceLocation, 'address'> {
    const contexts = this.inlineContextsAt(pc);
    const chain = contexts.map((ctx) => this.nameByInlineContext(pc, ctx)?.name ?? '?');
    const line = contexts.length ? this.lineByInlineContext(pc, contexts[0]!) : this.lineByOffset(pc);
    return { function: this.nameByOffset(pc)?.name, module: this.moduleAt(pc)?.name, file: line?.file, line: line?.line, inlineChain: chain };
  }

  /** Source files the module's debug information names. */
  sourceFiles(base: bigint): string[] {
    let files = this.sourceFileLists.get(base);
    if (files) return files;
    files = recordedSourceFiles(this.process, base);
    this.sourceFileLists.set(base, files);
    return files;
  }

  private enumLines(base: bigint): LineEntry[] {
    const entries: LineEntry[] = [];
    const SRC = this.wine ? SRCA : SRCW;
    const collect = (info: unknown) => {
      entries.push(readSourceCodeInfo(info, SRC, this.wine));
      return 1;
    };
    if (this.wine) dbghelp.SymEnumLines(this.process, base, null, null, collect, null);
    else dbghelp.SymEnumLinesW(this.process, base, null, null, collect, null);
    return entries;
  }

  /**
   * Recovers the lines of inlined code by asking, address by address through
   * each function, for the innermost inline frame's line (Wine's inline
   * context for depth 0). A run of addresses on one line yields one entry.
   * About 1 µs per byte of code under Wine; done once per module.
   */
  private sweepInlineLines(base: bigint, physical: LineEntry[]): LineEntry[] {
    const functions = new Map<bigint, bigint>();
    for (const e of physical) {
      const sym = this.symbolRange(e.address);
      if (sym && !functions.has(sym.start)) functions.set(sym.start, sym.end);
    }
    const out: LineEntry[] = [];
    const sites: InlineSite[] = [];
    const seen = new Set<string>();
    for (const [start, end] of functions) {
      let prev = '';
      for (let a = start; a < end; a++) {
        const depth = dbghelp.SymAddrIncludeInlineTrace(this.process, a);
        if (depth === 0) {
          prev = '';
          continue;
        }
        // An inlined copy (named and placed by its site) starts at the first
        // address it covers; a copy spread over several ranges has no
        // address with displacement zero, so the first address is taken.
        for (let i = 0; i < depth; i++) {
          const n = this.nameByInlineContext(a, (WINE_INNERMOST_INLINE + i) >>> 0);
          if (!n) continue;
          const key = `${n.name}@${a - BigInt(n.displacement)}`;
          if (seen.has(key)) continue;
          seen.add(key);
          sites.push({ name: n.name, address: a });
        }
        const line = this.lineByInlineContext(a, WINE_INNERMOST_INLINE);
        if (!line) continue;
        const key = `${line.file}:${line.line}`;
        if (key !== prev) out.push({ file: line.file, line: line.line, address: a });
        prev = key;
      }
    }
    this.inlineSites.set(base, sites);
    return out;
  }

  /**
   * Where a function that exists only inlined starts, in each copy: for
   * function breakpoints on it. Searched in the modules with line
   * information outside the system's folders (under Wine, from the same
   * sweep that completes the line table).
   */
  inlineSitesOf(name: string): bigint[] {
    if (!this.wine) return this.inlineSymbolsOf(name);
    const found: bigint[] = [];
    for (const info of this.modules.values()) {
      if (/[\\/](windows[\\/]system32|wine)[\\/]/i.test(info.path)) continue;
      this.lineTable(info.base); // sweeps the module once, noting its inline sites
      for (const s of this.inlineSites.get(info.base) ?? []) if (s.name === name) found.push(s.address);
    }
    return [...new Set(found)];
  }

  /**
   * The line a function breakpoint on an inlined copy starting at `address`
   * shows. Under Wine, as before, the line table's (the caller's) line; on
   * Microsoft's dbghelp, the copy's own first line (its innermost inline
   * context's), as the PDB's inline site records it.
   */
  lineOfInlineSite(address: bigint): { file: string; line: number } | undefined {
    if (this.wine) return this.lineByOffset(address);
    const [innermost] = this.inlineContextsAt(address);
    return innermost === undefined ? this.lineByOffset(address) : this.lineByInlineContext(address, innermost);
  }

  /** Microsoft's dbghelp: the inlined copies of `name` (native/win32/inlineSites.ts), in the program's own modules. */
  private inlineSymbolsOf(name: string): bigint[] {
    const bang = name.indexOf('!');
    const moduleName = bang < 0 ? undefined : name.slice(0, bang).toLowerCase();
    const fn = bang < 0 ? name : name.slice(bang + 1);
    const found: bigint[] = [];
    for (const info of this.modules.values()) {
      if (moduleName ? info.name.toLowerCase() !== moduleName : /[\\/](windows[\\/]system32|wine)[\\/]/i.test(info.path)) continue;
      found.push(...inlineSiteAddresses(this.process, info.base, fn));
    }
    return [...new Set(found)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  }
}

export function closeQuietly(h: Handle): void {
  if (h) k32.CloseHandle(h);
}
