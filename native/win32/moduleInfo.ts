/**
 * Which DLL a process really loaded, and whose it is: the engines say in
 * their one-line description whether they run on Microsoft's dbgeng and
 * dbghelp or on Wine's, and which version, because the two differ in what
 * they can read (PDB, DWARF) and in what they answer.
 */
import koffi from 'koffi';
import { getWineVersion } from './platform';

const k32 = koffi.load('kernel32.dll');
const version = koffi.load('version.dll');
/** Made once: koffi types are never freed, and this is asked at every session's start. */
const FOUR_DWORDS = koffi.array('uint32_t', 4);
const GetModuleHandleW = k32.func('void * __stdcall GetModuleHandleW(const char16_t *name)');
const GetModuleFileNameW = k32.func('uint32_t __stdcall GetModuleFileNameW(void *module, _Out_ void *buf, uint32_t chars)');
const GetFileVersionInfoSizeW = version.func('uint32_t __stdcall GetFileVersionInfoSizeW(const char16_t *file, _Out_ uint32_t *handle)');
const GetFileVersionInfoW = version.func('int __stdcall GetFileVersionInfoW(const char16_t *file, uint32_t handle, uint32_t size, _Out_ void *data)');
const VerQueryValueW = version.func('int __stdcall VerQueryValueW(const void *block, const char16_t *sub, _Out_ void **buffer, _Out_ uint32_t *len)');

/** The file a loaded module (by name, e.g. "dbghelp.dll") was loaded from; undefined when none is. */
export function loadedModulePath(name: string): string | undefined {
  const h = GetModuleHandleW(name);
  if (!h) return undefined;
  const buf = Buffer.alloc(2048);
  const n = GetModuleFileNameW(h, buf, 1024) as number;
  return n ? buf.toString('utf16le', 0, n * 2) : undefined;
}

/** The file version of a DLL ("10.0.29507.1001", from VS_FIXEDFILEINFO), or undefined without one. */
export function fileVersion(file: string): string | undefined {
  const handle = [0];
  const size = GetFileVersionInfoSizeW(file, handle) as number;
  if (!size) return undefined;
  const data = Buffer.alloc(size);
  if (!GetFileVersionInfoW(file, 0, size, data)) return undefined;
  const ptr = [null as unknown];
  const len = [0];
  if (!VerQueryValueW(data, '\\', ptr, len) || !ptr[0]) return undefined;
  // VS_FIXEDFILEINFO: dwSignature, dwStrucVersion, dwFileVersionMS, dwFileVersionLS, ...
  const fixed = koffi.decode(ptr[0], FOUR_DWORDS) as number[];
  const ms = fixed[2]!;
  const ls = fixed[3]!;
  return `${ms >>> 16}.${ms & 0xffff}.${ls >>> 16}.${ls & 0xffff}`;
}

/** Wine's builtin DLLs are loaded from system32 (placeholders there); Microsoft's from wherever the file is. */
function isWineBuiltin(path: string, wine: boolean): boolean {
  return wine && /\\windows\\system32\\/i.test(path);
}

/**
 * True when this process's dbghelp.dll is Wine's own (with Wine's inline
 * context encoding and Wine's quirks), false for Microsoft's (on Windows,
 * or Microsoft's platform loaded under Wine).
 */
export function dbghelpIsWines(): boolean {
  const path = loadedModulePath('dbghelp.dll');
  return !!path && isWineBuiltin(path, getWineVersion() !== null);
}

/**
 * "Microsoft's dbghelp 10.0.29507.1001 (Z:\...\dbghelp.dll)" or "Wine's
 * builtin dbghelp (C:\windows\system32\dbghelp.dll)". Wine's builtin DLLs
 * live in system32 as placeholders and carry Wine's version numbers; a DLL
 * loaded from elsewhere under Wine, or any DLL on Windows, is the file's own.
 */
export function describeModule(name: string, path: string | undefined, wine: boolean): string {
  const base = name.replace(/\.dll$/i, '');
  if (!path) return `${base} (not loaded)`;
  const v = fileVersion(path);
  if (isWineBuiltin(path, wine)) return `Wine's builtin ${base}${v ? ` ${v}` : ''} (${path})`;
  return `${wine ? "Microsoft's " : ''}${base}${v ? ` ${v}` : ''} (${path})`;
}
