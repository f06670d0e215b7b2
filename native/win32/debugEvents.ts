/**
 * DEBUG_EVENT, decoded from its raw bytes into a tagged union.
 */
import { Layouts } from './layouts';

const L = Layouts;

export const DebugEventCode = {
  EXCEPTION: 1,
  CREATE_THREAD: 2,
  CREATE_PROCESS: 3,
  EXIT_THREAD: 4,
  EXIT_PROCESS: 5,
  LOAD_DLL: 6,
  UNLOAD_DLL: 7,
  OUTPUT_DEBUG_STRING: 8,
  RIP: 9,
} as const;

export const ExceptionCode = {
  BREAKPOINT: 0x80000003,
  SINGLE_STEP: 0x80000004,
  ACCESS_VIOLATION: 0xc0000005,
  ILLEGAL_INSTRUCTION: 0xc000001d,
  INT_DIVIDE_BY_ZERO: 0xc0000094,
  STACK_OVERFLOW: 0xc00000fd,
  WX86_BREAKPOINT: 0x4000001f,
  CPP_EXCEPTION: 0xe06d7363,
  SET_THREAD_NAME: 0x406d1388,
} as const;

export const DBG_CONTINUE = 0x00010002;
export const DBG_EXCEPTION_NOT_HANDLED = 0x80010001;

interface Base { pid: number; tid: number }
export type DebugEvent = Base & (
  | { code: 1; exceptionCode: number; exceptionAddress: bigint; firstChance: boolean; parameters: bigint[] }
  | { code: 2; hThread: bigint; startAddress: bigint }
  | { code: 3; hFile: bigint; hProcess: bigint; hThread: bigint; imageBase: bigint; startAddress: bigint; imageNamePtr: bigint; unicode: boolean }
  | { code: 4; exitCode: number }
  | { code: 5; exitCode: number }
  | { code: 6; hFile: bigint; base: bigint; imageNamePtr: bigint; unicode: boolean }
  | { code: 7; base: bigint }
  | { code: 8; dataPtr: bigint; unicode: boolean; length: number }
  | { code: 9 }
);

export function decodeDebugEvent(buf: Buffer): DebugEvent {
  const code = buf.readUInt32LE(L.DEBUG_EVENT.dwDebugEventCode);
  const pid = buf.readUInt32LE(L.DEBUG_EVENT.dwProcessId);
  const tid = buf.readUInt32LE(L.DEBUG_EVENT.dwThreadId);
  const u = L.DEBUG_EVENT.u;
  const q = (off: number) => buf.readBigUInt64LE(u + off);
  const d = (off: number) => buf.readUInt32LE(u + off);
  switch (code) {
    case DebugEventCode.EXCEPTION: {
      const R = L.EXCEPTION_RECORD64;
      const n = Math.min(d(R.NumberParameters), 15);
      const parameters: bigint[] = [];
      for (let i = 0; i < n; i++) parameters.push(q(R.ExceptionInformation + 8 * i));
      return { code, pid, tid, exceptionCode: d(R.ExceptionCode), exceptionAddress: q(R.ExceptionAddress), firstChance: d(L.EXCEPTION_DEBUG_INFO.dwFirstChance) !== 0, parameters };
    }
    case DebugEventCode.CREATE_THREAD:
      return { code, pid, tid, hThread: q(L.CREATE_THREAD_DEBUG_INFO.hThread), startAddress: q(L.CREATE_THREAD_DEBUG_INFO.lpStartAddress) };
    case DebugEventCode.CREATE_PROCESS: {
      const P = L.CREATE_PROCESS_DEBUG_INFO;
      return { code, pid, tid, hFile: q(P.hFile), hProcess: q(P.hProcess), hThread: q(P.hThread), imageBase: q(P.lpBaseOfImage), startAddress: q(P.lpStartAddress), imageNamePtr: q(P.lpImageName), unicode: buf.readUInt16LE(u + P.fUnicode) !== 0 };
    }
    case DebugEventCode.EXIT_THREAD:
      return { code, pid, tid, exitCode: d(0) };
    case DebugEventCode.EXIT_PROCESS:
      return { code, pid, tid, exitCode: d(L.EXIT_PROCESS_DEBUG_INFO.dwExitCode) };
    case DebugEventCode.LOAD_DLL: {
      const D = L.LOAD_DLL_DEBUG_INFO;
      return { code, pid, tid, hFile: q(D.hFile), base: q(D.lpBaseOfDll), imageNamePtr: q(D.lpImageName), unicode: buf.readUInt16LE(u + D.fUnicode) !== 0 };
    }
    case DebugEventCode.UNLOAD_DLL:
      return { code, pid, tid, base: q(L.UNLOAD_DLL_DEBUG_INFO.lpBaseOfDll) };
    case DebugEventCode.OUTPUT_DEBUG_STRING: {
      const O = L.OUTPUT_DEBUG_STRING_INFO;
      return { code, pid, tid, dataPtr: q(O.lpDebugStringData), unicode: buf.readUInt16LE(u + O.fUnicode) !== 0, length: buf.readUInt16LE(u + O.nDebugStringLength) };
    }
    default:
      return { code: 9, pid, tid };
  }
}
