/**
 * The dbghelp calls the dbghelp engine makes, bound with koffi.
 * Windows resolves `dbghelp.dll` from System32 (or next to node.exe, so a
 * newer redistributable dbghelp can be dropped there); under Wine it is
 * Wine's builtin, which also reads DWARF, or the one beside the node.exe
 * the client started (client/windowsRuntime.ts). A dbghelp the user named
 * (dbghelpPath, passed as DBGENG_DBGHELP_PATH) is loaded by its path.
 */
import koffi from 'koffi';

export const dbghelpDll = process.env.DBGENG_DBGHELP_PATH || 'dbghelp.dll';
const lib = koffi.load(dbghelpDll);

/** PSYM_ENUMLINES_CALLBACKW: BOOL (PSRCCODEINFOW info, PVOID ctx). */
export const EnumLinesCallback = koffi.proto('int __stdcall EnumLinesCallbackW(void *info, void *ctx)');

/** PSYM_ENUMSOURCEFILES_CALLBACKW: BOOL (PSOURCEFILEW file, PVOID ctx). */
export const EnumSourceFilesCallback = koffi.proto('int __stdcall EnumSourceFilesCallbackW(void *file, void *ctx)');

/**
 * PREAD_PROCESS_MEMORY_ROUTINE64, StackWalkEx's reader of the debuggee:
 * BOOL (HANDLE process, DWORD64 address, PVOID buffer, DWORD size, LPDWORD read).
 * The pointers are declared as integers: a callback then receives numbers,
 * where pointers would each cost it a BigInt (it runs ~16 times a frame).
 * The process handle, which the engine's routine does not use, is declared
 * 32-bit so that it arrives as a small integer (no heap number either).
 */
export const ReadMemoryRoutine = koffi.proto('int __stdcall ReadProcessMemoryRoutine64(uint32_t process, uint64_t address, uint64_t buffer, uint32_t size, uint64_t read)');

/** PSYM_ENUMERATESYMBOLS_CALLBACKW: BOOL (PSYMBOL_INFOW symbol, ULONG size, PVOID ctx). */
export const EnumSymbolsCallback = koffi.proto('int __stdcall EnumSymbolsCallbackW(void *symbol, uint32_t size, void *ctx)');

/** A function that not every dbghelp exports (Wine's lacks some of Microsoft's): undefined where missing. */
function optional<T>(bind: () => T): T | undefined {
  try {
    return bind();
  } catch {
    return undefined;
  }
}

export const dbghelp = {
  /** Microsoft's dbghelp only (Wine 8's does not export it). With SYMENUM_OPTIONS.INLINE it lists inline sites (SymTagInlineSite). */
  SymEnumSymbolsExW: optional(() => lib.func('int __stdcall SymEnumSymbolsExW(void *process, uint64_t base, const char16_t *mask, EnumSymbolsCallbackW *callback, void *ctx, uint32_t options)')),
  SymSetScopeFromAddr: lib.func('int __stdcall SymSetScopeFromAddr(void *process, uint64_t addr)'),
  SymSetScopeFromInlineContext: lib.func('int __stdcall SymSetScopeFromInlineContext(void *process, uint64_t addr, uint32_t inlineContext)'),
  SymEnumSymbolsW: lib.func('int __stdcall SymEnumSymbolsW(void *process, uint64_t base, const char16_t *mask, EnumSymbolsCallbackW *callback, void *ctx)'),
  SymGetTypeInfo: lib.func('int __stdcall SymGetTypeInfo(void *process, uint64_t modBase, uint32_t typeId, uint32_t getType, void *info)'),
  /** The same call for TI_GET_SYMNAME, which answers a WCHAR* the caller frees with LocalFree. */
  SymGetTypeInfoName: lib.func('int __stdcall SymGetTypeInfo(void *process, uint64_t modBase, uint32_t typeId, uint32_t getType, _Out_ void **name)'),
  SymGetTypeFromName: lib.func('int __stdcall SymGetTypeFromName(void *process, uint64_t modBase, const char *name, void *symbol)'),
  SymEnumSourceFilesW: lib.func('int __stdcall SymEnumSourceFilesW(void *process, uint64_t base, const char16_t *mask, EnumSourceFilesCallbackW *callback, void *ctx)'),
  SymSetOptions: lib.func('uint32_t __stdcall SymSetOptions(uint32_t options)'),
  SymGetOptions: lib.func('uint32_t __stdcall SymGetOptions()'),
  SymInitializeW: lib.func('int __stdcall SymInitializeW(void *process, const char16_t *searchPath, int invade)'),
  SymCleanup: lib.func('int __stdcall SymCleanup(void *process)'),
  SymLoadModuleExW: lib.func('uint64_t __stdcall SymLoadModuleExW(void *process, void *file, const char16_t *image, const char16_t *module, uint64_t base, uint32_t size, void *data, uint32_t flags)'),
  SymUnloadModule64: lib.func('int __stdcall SymUnloadModule64(void *process, uint64_t base)'),
  SymGetModuleInfoW64: lib.func('int __stdcall SymGetModuleInfoW64(void *process, uint64_t addr, void *info)'),
  SymGetModuleBase64: lib.func('uint64_t __stdcall SymGetModuleBase64(void *process, uint64_t addr)'),
  StackWalkEx: lib.func('int __stdcall StackWalkEx(uint32_t machine, void *process, void *thread, void *frame, void *context, void *readMemory, void *functionTableAccess, void *getModuleBase, void *translateAddress, uint32_t flags)'),
  StackWalk64: lib.func('int __stdcall StackWalk64(uint32_t machine, void *process, void *thread, void *frame, void *context, void *readMemory, void *functionTableAccess, void *getModuleBase, void *translateAddress)'),
  SymFromName: lib.func('int __stdcall SymFromName(void *process, const char *name, void *symbol)'),
  SymFromNameW: lib.func('int __stdcall SymFromNameW(void *process, const char16_t *name, void *symbol)'),
  SymFromAddrW: lib.func('int __stdcall SymFromAddrW(void *process, uint64_t addr, _Out_ uint64_t *displacement, void *symbol)'),
  SymFromInlineContextW: lib.func('int __stdcall SymFromInlineContextW(void *process, uint64_t addr, uint32_t inlineContext, _Out_ uint64_t *displacement, void *symbol)'),
  SymGetLineFromAddrW64: lib.func('int __stdcall SymGetLineFromAddrW64(void *process, uint64_t addr, _Out_ uint32_t *displacement, void *line)'),
  SymGetLineFromInlineContextW: lib.func('int __stdcall SymGetLineFromInlineContextW(void *process, uint64_t addr, uint32_t inlineContext, uint64_t moduleBase, _Out_ uint32_t *displacement, void *line)'),
  SymAddrIncludeInlineTrace: lib.func('uint32_t __stdcall SymAddrIncludeInlineTrace(void *process, uint64_t addr)'),
  SymQueryInlineTrace: lib.func('int __stdcall SymQueryInlineTrace(void *process, uint64_t startAddress, uint32_t startContext, uint64_t startRetAddress, uint64_t curAddress, _Out_ uint32_t *curContext, _Out_ uint32_t *curFrameIndex)'),
  SymEnumLines: lib.func('int __stdcall SymEnumLines(void *process, uint64_t base, const char *obj, const char *file, EnumLinesCallbackW *callback, void *ctx)'),
  SymEnumLinesW: lib.func('int __stdcall SymEnumLinesW(void *process, uint64_t base, const char16_t *obj, const char16_t *file, EnumLinesCallbackW *callback, void *ctx)'),
  SymEnumSourceLinesW: lib.func('int __stdcall SymEnumSourceLinesW(void *process, uint64_t base, const char16_t *obj, const char16_t *file, uint32_t line, uint32_t flags, EnumLinesCallbackW *callback, void *ctx)'),
};

/**
 * Addresses of dbghelp's own routines, for StackWalkEx's callback slots.
 * Windows' StackWalkEx needs real function-table and module-base routines
 * (Wine tolerates NULL, Windows does not), so we hand it dbghelp's.
 */
export const dbghelpRoutines = {
  SymFunctionTableAccess64: lib.symbol('SymFunctionTableAccess64') as unknown as bigint,
  SymGetModuleBase64: lib.symbol('SymGetModuleBase64') as unknown as bigint,
};

export const SYMOPT = {
  CASE_INSENSITIVE: 0x1,
  UNDNAME: 0x2,
  DEFERRED_LOADS: 0x4,
  LOAD_LINES: 0x10,
  FAIL_CRITICAL_ERRORS: 0x200,
  INCLUDE_32BIT_MODULES: 0x2000,
  AUTO_PUBLICS: 0x10000,
  NO_PROMPTS: 0x80000,
} as const;

/** SymEnumSymbolsEx options (dbghelp.h). */
export const SYMENUM_OPTIONS = { DEFAULT: 0x1, INLINE: 0x2 } as const;

/** SymTagInlineSite, the tag of an inlined copy of a function (cvconst.h SymTagEnum). */
export const SYMTAG_INLINE_SITE = 32;

export const ESLFLAG = { FULLPATH: 0x1, NEAREST: 0x2, PREV: 0x4, NEXT: 0x8, INLINE_SITE: 0x10 } as const;

export const IMAGE_FILE_MACHINE_AMD64 = 0x8664;
