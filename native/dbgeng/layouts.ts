/**
 * Byte offsets of the dbgeng structures the engine reads and writes
 * itself. Checked by test/native/dbgengAbi.test.ts against mingw-w64's
 * dbgeng.h (the compiler's offsetof), a source independent of both this
 * table and the test double.
 */
export const DbgengLayouts = {
  /** IDebugSymbolGroup2::GetSymbolParameters fills one per symbol. */
  DEBUG_SYMBOL_PARAMETERS: { size: 32, Module: 0, TypeId: 8, ParentSymbol: 12, SubElements: 16, Flags: 20, Reserved: 24 },
  /** A register's value: a 24-byte union, then TailOfRawBytes and Type. */
  DEBUG_VALUE: { size: 32, I64: 0, I32: 0, TailOfRawBytes: 24, Type: 28 },
  DEBUG_REGISTER_DESCRIPTION: { size: 32, Type: 0, Flags: 4, SubregMaster: 8, SubregLength: 12, SubregMask: 16, SubregShift: 24, Reserved0: 28 },
  /** IDebugSymbols::GetModuleParameters fills one per module. */
  DEBUG_MODULE_PARAMETERS: { size: 64, Base: 0, Size: 8, TimeDateStamp: 12, Checksum: 16, Flags: 20, SymbolType: 24, Reserved: 48 },
  /** IDebugControl::GetLastEventInformation's extra information for an exception: the record, then FirstChance. */
  DEBUG_LAST_EVENT_INFO_EXCEPTION: { size: 160, ExceptionRecord: 0, FirstChance: 152 },
  EXCEPTION_RECORD64: { size: 152, ExceptionCode: 0, ExceptionFlags: 4, ExceptionRecord: 8, ExceptionAddress: 16, NumberParameters: 24, ExceptionInformation: 32 },
} as const;
