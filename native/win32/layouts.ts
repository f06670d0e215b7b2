/**
 * x64 layouts of the Win32 and dbghelp structures we read and write as raw
 * bytes. Raw buffers with explicit offsets (instead of koffi struct types)
 * keep hot paths like the stack walk free of per-call conversions, and make
 * every offset a number a test can check.
 *
 * test/native/layouts.test.ts compiles a C probe with mingw-w64 that prints
 * sizeof/offsetof for each entry from the real headers, runs it under Wine,
 * and compares it with this table. Change a number here only with the probe.
 */
export const Layouts = {
  CONTEXT: {
    size: 1232,
    align: 16,
    ContextFlags: 0x30,
    SegCs: 0x38,
    EFlags: 0x44,
    Dr0: 0x48,
    Dr7: 0x70,
    Rax: 0x78,
    Rcx: 0x80,
    Rdx: 0x88,
    Rbx: 0x90,
    Rsp: 0x98,
    Rbp: 0xa0,
    Rsi: 0xa8,
    Rdi: 0xb0,
    R8: 0xb8,
    R9: 0xc0,
    R10: 0xc8,
    R11: 0xd0,
    R12: 0xd8,
    R13: 0xe0,
    R14: 0xe8,
    R15: 0xf0,
    Rip: 0xf8,
  },
  DEBUG_EVENT: {
    size: 176,
    dwDebugEventCode: 0,
    dwProcessId: 4,
    dwThreadId: 8,
    u: 16,
  },
  EXCEPTION_RECORD64: {
    // EXCEPTION_DEBUG_INFO.ExceptionRecord, at DEBUG_EVENT.u
    ExceptionCode: 0,
    ExceptionFlags: 4,
    ExceptionAddress: 16,
    NumberParameters: 24,
    ExceptionInformation: 32,
  },
  EXCEPTION_DEBUG_INFO: { dwFirstChance: 152 },
  CREATE_PROCESS_DEBUG_INFO: {
    hFile: 0,
    hProcess: 8,
    hThread: 16,
    lpBaseOfImage: 24,
    lpStartAddress: 48,
    lpImageName: 56,
    fUnicode: 64,
  },
  CREATE_THREAD_DEBUG_INFO: { hThread: 0, lpThreadLocalBase: 8, lpStartAddress: 16 },
  EXIT_PROCESS_DEBUG_INFO: { dwExitCode: 0 },
  LOAD_DLL_DEBUG_INFO: { hFile: 0, lpBaseOfDll: 8, lpImageName: 24, fUnicode: 32 },
  UNLOAD_DLL_DEBUG_INFO: { lpBaseOfDll: 0 },
  OUTPUT_DEBUG_STRING_INFO: { lpDebugStringData: 0, fUnicode: 8, nDebugStringLength: 10 },
  STARTUPINFOW: { size: 104, cb: 0, dwFlags: 60, hStdInput: 80, hStdOutput: 88, hStdError: 96 },
  PROCESS_INFORMATION: { size: 24, hProcess: 0, hThread: 8, dwProcessId: 16, dwThreadId: 20 },
  // BasicLimitInformation.LimitFlags, spelled flat: the probe measures the nested member.
  JOBOBJECT_EXTENDED_LIMIT_INFORMATION: { size: 144, LimitFlags: 16 },
  ADDRESS64: { size: 16, Offset: 0, Segment: 8, Mode: 12 },
  STACKFRAME_EX: {
    size: 272,
    AddrPC: 0,
    AddrReturn: 16,
    AddrFrame: 32,
    AddrStack: 48,
    AddrBStore: 64,
    StackFrameSize: 264,
    InlineFrameContext: 268,
  },
  SYMBOL_INFOW: {
    size: 88, // sizeof() includes Name[1] and padding; SizeOfStruct wants this
    SizeOfStruct: 0,
    TypeIndex: 4,
    Index: 24,
    Size: 28,
    ModBase: 32,
    Flags: 40,
    Value: 48,
    Address: 56,
    Register: 64,
    Scope: 68,
    Tag: 72,
    NameLen: 76,
    MaxNameLen: 80,
    Name: 84,
  },
  IMAGEHLP_LINEW64: { size: 40, SizeOfStruct: 0, LineNumber: 16, FileName: 24, Address: 32 },
  // ANSI twin: Wine 8 implements SymEnumLines but not SymEnumLinesW.
  SRCCODEINFO: { size: 560, SizeOfStruct: 0, ModBase: 16, Obj: 24, FileName: 285, LineNumber: 548, Address: 552 },
  SRCCODEINFOW: { size: 1080, SizeOfStruct: 0, ModBase: 16, Obj: 24, FileName: 546, LineNumber: 1068, Address: 1072 },
  IMAGEHLP_MODULEW64: { SizeOfStruct: 0, BaseOfImage: 8, ImageSize: 16, SymType: 32, ModuleName: 36, ImageName: 100, LoadedImageName: 612 },
} as const;

export type LayoutName = keyof typeof Layouts;
