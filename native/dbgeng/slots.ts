/**
 * dbgeng vtable slots (zero based; 0-2 are IUnknown) and interface IDs.
 * Each IDebugXxxN interface repeats its predecessors' methods first, so a
 * slot holds for every newer interface too.
 *
 * Source: Microsoft's Windows SDK metadata (win32metadata), as listed in
 * ../shared/notes/dbgeng-abi.md and cross-checked there against
 * windows-rs, LLVM Dexter and ClrMD; IDebugSymbolGroup2, IDebugRegisters2
 * and IDebugDataSpaces4 from the same metadata's generated projections
 * (their VTableNames lists), and every slot an older interface already had
 * is checked against mingw-w64's dbgeng.h by the ABI test. The test double
 * (test/fixtures/dbgeng-double) lays its vtables out by method *name* from
 * its own header, so a wrong number here calls the wrong method there and
 * the double reports it.
 */
export const Slots = {
  IUnknown: { QueryInterface: 0, AddRef: 1, Release: 2 },
  IDebugClient5: {
    AttachProcess: 12,
    TerminateProcesses: 24,
    DetachProcesses: 25,
    EndSession: 26,
    GetExitCode: 27,
    CreateProcessAndAttachWide: 59,
    CreateProcessAndAttach2Wide: 84,
    OpenDumpFileWide: 60,
    SetOutputCallbacksWide: 74,
    SetEventCallbacksWide: 80,
  },
  IDebugControl7: {
    SetInterrupt: 4,
    Disassemble: 26,
    /** IDebugControl4's; five before ExecuteWide. */
    DisassembleWide: 128,
    GetStackTrace: 31,
    GetExecutionStatus: 49,
    SetExecutionStatus: 50,
    SetCodeLevel: 52,
    AddEngineOptions: 54,
    SetEngineOptions: 56,
    Execute: 66,
    WaitForEvent: 93,
    GetLastEventInformation: 94,
    ExecuteWide: 133,
    AddBreakpoint2: 137,
    RemoveBreakpoint2: 138,
    GetContextStackTrace: 163,
    GetStackTraceEx: 169,
    GetContextStackTraceEx: 171,
  },
  IDebugSymbols5: {
    GetSymbolOptions: 3,
    AddSymbolOptions: 4,
    GetNameByOffset: 7,
    GetLineByOffset: 10,
    GetModuleByOffset: 15,
    GetModuleParameters: 17,
    GetNameByOffsetWide: 60,
    GetOffsetByNameWide: 61,
    GetLineByOffsetWide: 63,
    GetScopeSymbolGroup2: 71,
    CreateSymbolGroup2: 72,
    ReloadWide: 75,
    SetSymbolPathWide: 77,
    GetModuleNameStringWide: 89,
    GetSourceEntriesByLineWide: 121,
    GetNameByInlineContextWide: 129,
    GetLineByInlineContextWide: 131,
    SetScopeFrameByIndexEx: 134,
  },
  IDebugSymbolGroup2: {
    GetNumberSymbols: 3,
    RemoveSymbolByIndex: 6,
    GetSymbolParameters: 8,
    ExpandSymbol: 9,
    AddSymbolWide: 13,
    GetSymbolNameWide: 15,
    WriteSymbolWide: 16,
    GetSymbolTypeNameWide: 19,
    GetSymbolOffset: 21,
    GetSymbolValueTextWide: 24,
  },
  IDebugRegisters2: {
    GetNumberRegisters: 3,
    GetDescriptionWide: 14,
    GetValues2: 23,
    SetValues2: 24,
  },
  IDebugDataSpaces4: {
    ReadVirtual: 3,
    WriteVirtual: 4,
  },
  IDebugSystemObjects4: {
    GetCurrentThreadId: 5,
    SetCurrentThreadId: 6,
    GetNumberThreads: 9,
    GetThreadIdsByIndex: 11,
    GetCurrentThreadSystemId: 17,
    GetThreadIdBySystemId: 18,
    GetCurrentProcessSystemId: 27,
    GetCurrentProcessHandle: 29,
  },
  IDebugBreakpoint2: {
    GetId: 3,
    GetFlags: 6,
    AddFlags: 7,
    GetOffset: 10,
    SetOffset: 11,
    SetDataParameters: 13,
    SetMatchThreadId: 18,
  },
  /** Implemented by us: the order dbgeng calls them in. */
  IDebugEventCallbacksWide: {
    GetInterestMask: 3, Breakpoint: 4, Exception: 5, CreateThread: 6, ExitThread: 7, CreateProcess: 8, ExitProcess: 9,
    LoadModule: 10, UnloadModule: 11, SystemError: 12, SessionStatus: 13, ChangeDebuggeeState: 14, ChangeEngineState: 15, ChangeSymbolState: 16,
  },
  IDebugOutputCallbacksWide: { Output: 3 },
} as const;

export const IIDs = {
  IUnknown: '00000000-0000-0000-c000-000000000046',
  IDebugClient: '27fe5639-8407-4f47-8364-ee118fb08ac8',
  IDebugClient5: 'e3acb9d7-7ec2-4f0c-a0da-e81e0cbbe628',
  IDebugControl: '5182e668-105e-416e-ad92-24ef800424ba',
  IDebugControl5: 'b2ffe162-2412-429f-8d1d-5bf6dd824696',
  IDebugControl7: 'b86fb3b1-80d4-475b-aea3-cf06539cf63a',
  IDebugSymbols3: 'f02fbecc-50ac-4f36-9ad9-c975e8f32ff8',
  IDebugSymbols5: 'c65fa83e-1e69-475e-8e0e-b5d79e9cc17e',
  IDebugSystemObjects: '6b86fe2c-2c4f-4f0c-9da2-174311acc327',
  IDebugRegisters2: '1656afa9-19c6-4e3a-97e7-5dc9160cf9c4',
  IDebugDataSpaces4: 'd98ada1f-29e9-4ef5-a6c0-e53349883212',
  IDebugEventCallbacksWide: '0690e046-9c23-45ac-a04f-987ac29ad0d3',
  IDebugOutputCallbacksWide: '4c7fd663-c394-4e26-8ef1-34ad5ed3764c',
} as const;

export const HRESULT = {
  S_OK: 0,
  S_FALSE: 1,
  E_NOTIMPL: 0x80004001 | 0,
  E_NOINTERFACE: 0x80004002 | 0,
  E_FAIL: 0x80004005 | 0,
  E_UNEXPECTED: 0x8000ffff | 0,
} as const;

export const DEBUG_STATUS = { NO_CHANGE: 0, GO: 1, GO_HANDLED: 2, GO_NOT_HANDLED: 3, STEP_OVER: 4, STEP_INTO: 5, BREAK: 6, NO_DEBUGGEE: 7 } as const;
