/**
 * What dbgeng knows of a module's symbols (GetModuleParameters), in the
 * words the dbghelp engine uses. dbgeng loads symbols lazily: a module is
 * usually "deferred" when it loads, and ChangeSymbolState(DEBUG_CSS_LOADS)
 * says when that changed.
 */
import type { ComPtr } from './com';
import { DbgengLayouts } from './layouts';
import { Slots } from './slots';

const M = DbgengLayouts.DEBUG_MODULE_PARAMETERS;
export const DEBUG_CSS_LOADS = 0x1;

/** DEBUG_SYMTYPE_*: NONE 0, COFF 1, CODEVIEW 2, PDB 3, EXPORT 4, DEFERRED 5, SYM 6, DIA 7. */
const STATUS: Record<number, string> = {
  0: 'no symbols', 1: 'symbols loaded', 2: 'symbols loaded', 3: 'symbols loaded', 4: 'export symbols only', 5: 'deferred', 6: 'symbols loaded', 7: 'symbols loaded',
};

export function moduleSymbolStatus(symbols: ComPtr, base: bigint): string {
  const params = Buffer.alloc(M.size);
  const hr = symbols.invoke(Slots.IDebugSymbols5.GetModuleParameters, 'GetModuleParameters', 'uint32_t count, void *bases, uint32_t start, void *params',
    1, new BigUint64Array([base]), 0, params);
  if (hr < 0) return 'unknown';
  return STATUS[params.readUInt32LE(M.SymbolType)] ?? 'unknown';
}
