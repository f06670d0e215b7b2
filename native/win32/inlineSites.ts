/**
 * Where a function that was inlined has its copies, from Microsoft's
 * dbghelp: each inlined copy is a symbol of its own (SymTagInlineSite),
 * listed by SymEnumSymbolsExW with SYMENUM_OPTIONS_INLINE at the first
 * address of the copy, one per S_INLINESITE record of the PDB. Used by the
 * dbghelp engine on Microsoft's dbghelp and by the dbgeng engine, whose
 * dbghelp session is keyed by the same process handle dbgeng debugs with
 * (IDebugSystemObjects::GetCurrentProcessHandle). Wine 8's dbghelp does not
 * export SymEnumSymbolsExW: there the answer is none.
 */
import koffi from 'koffi';
import { dbghelp, SYMENUM_OPTIONS, SYMTAG_INLINE_SITE } from './dbghelp';
import type { Handle } from './kernel32';
import { Layouts } from './layouts';

const SYM = Layouts.SYMBOL_INFOW;

/**
 * The first address of every inlined copy of `fn` (a bare name) in the
 * module at `base`, or, with `base` 0, in the modules `moduleMask` matches
 * ("*" for all, or a module name), in address order.
 */
export function inlineSiteAddresses(process: Handle, base: bigint, fn: string, moduleMask = '*'): bigint[] {
  const enumEx = dbghelp.SymEnumSymbolsExW;
  if (!enumEx) return [];
  const found = new Set<bigint>();
  enumEx(process, base, base ? fn : `${moduleMask}!${fn}`, (symbol: unknown) => {
    const b = Buffer.from(koffi.view(symbol, SYM.size + 2 * (fn.length + 1)));
    // Microsoft's NameLen counts the terminating NUL: cut at the first one.
    const len = Math.min(b.readUInt32LE(SYM.NameLen), fn.length + 1);
    const raw = b.toString('utf16le', SYM.Name, SYM.Name + len * 2);
    const nul = raw.indexOf('\0');
    if (b.readUInt32LE(SYM.Tag) === SYMTAG_INLINE_SITE && (nul < 0 ? raw : raw.slice(0, nul)) === fn) found.add(b.readBigUInt64LE(SYM.Address));
    return 1;
  }, null, SYMENUM_OPTIONS.INLINE);
  return [...found].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}
