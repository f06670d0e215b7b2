/**
 * Facts about the Windows we run on. Under Wine, ntdll exports
 * wine_get_version; Wine's dbghelp encodes inline frame contexts its own
 * way, so the engine must know which encoding it is reading.
 */
import koffi from 'koffi';

let wineVersion: string | null | undefined;

export function getWineVersion(): string | null {
  if (wineVersion !== undefined) return wineVersion;
  try {
    const ntdll = koffi.load('ntdll.dll');
    const fn = ntdll.func('const char *wine_get_version()');
    wineVersion = fn() as string;
  } catch {
    wineVersion = null;
  }
  return wineVersion;
}
