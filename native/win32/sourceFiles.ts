/**
 * The source files a module's debug information records, as it spells
 * them (SymEnumSourceFilesW). Used by the dbghelp engine, and by the dbgeng
 * engine on dbgeng's own dbghelp session (keyed by dbgeng's process handle),
 * to find the recorded path a breakpoint's file names: a bare "fanout.c"
 * or the end of a path, as gdb and WinDbg take it.
 */
import koffi from 'koffi';
import { dbghelp } from './dbghelp';
import type { Handle } from './kernel32';

export function recordedSourceFiles(process: Handle, base: bigint): string[] {
  const found: string[] = [];
  dbghelp.SymEnumSourceFilesW(process, base, null, (info: unknown) => {
    // SOURCEFILEW: ModBase (8 bytes), then a pointer to the file name.
    const ptr = Buffer.from(koffi.view(info, 16)).readBigUInt64LE(8);
    if (ptr) found.push(koffi.decode.string16(ptr));
    return 1;
  }, null);
  return found;
}
