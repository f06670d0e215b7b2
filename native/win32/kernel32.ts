/**
 * The kernel32 calls of the Win32 debugging API, bound with koffi.
 * Structures travel as raw byte buffers (see layouts.ts); handles and
 * addresses are bigint, as koffi 3 gives pointers.
 */
import koffi from 'koffi';
import { Win32Error } from './errors';

const lib = koffi.load('kernel32.dll');

export type Handle = bigint;
export const NULL_HANDLE = 0n;
export const INVALID_HANDLE_VALUE = 0xffffffffffffffffn;

export const k32 = {
  CreateProcessW: lib.func('int __stdcall CreateProcessW(const char16_t *app, void *cmdline, void *pa, void *ta, int inherit, uint32_t flags, void *env, const char16_t *cwd, void *si, void *pi)'),
  WaitForDebugEvent: lib.func('int __stdcall WaitForDebugEvent(void *event, uint32_t ms)'),
  ContinueDebugEvent: lib.func('int __stdcall ContinueDebugEvent(uint32_t pid, uint32_t tid, uint32_t status)'),
  DebugBreakProcess: lib.func('int __stdcall DebugBreakProcess(void *process)'),
  DebugSetProcessKillOnExit: lib.func('int __stdcall DebugSetProcessKillOnExit(int kill)'),
  DebugActiveProcessStop: lib.func('int __stdcall DebugActiveProcessStop(uint32_t pid)'),
  TerminateProcess: lib.func('int __stdcall TerminateProcess(void *process, uint32_t code)'),
  SetUnhandledExceptionFilter: lib.func('void *__stdcall SetUnhandledExceptionFilter(void *filter)'),
  GetThreadContext: lib.func('int __stdcall GetThreadContext(void *thread, void *ctx)'),
  SetThreadContext: lib.func('int __stdcall SetThreadContext(void *thread, void *ctx)'),
  SuspendThread: lib.func('uint32_t __stdcall SuspendThread(void *thread)'),
  ResumeThread: lib.func('uint32_t __stdcall ResumeThread(void *thread)'),
  ReadProcessMemory: lib.func('int __stdcall ReadProcessMemory(void *process, uint64_t addr, void *buf, uint64_t size, _Out_ uint64_t *read)'),
  WriteProcessMemory: lib.func('int __stdcall WriteProcessMemory(void *process, uint64_t addr, void *buf, uint64_t size, _Out_ uint64_t *written)'),
  FlushInstructionCache: lib.func('int __stdcall FlushInstructionCache(void *process, uint64_t addr, uint64_t size)'),
  CloseHandle: lib.func('int __stdcall CloseHandle(void *h)'),
  GetLastError: lib.func('uint32_t __stdcall GetLastError()'),
  GetThreadDescription: lib.func('long __stdcall GetThreadDescription(void *thread, _Out_ void **description)'),
  LocalFree: lib.func('void *__stdcall LocalFree(void *mem)'),
  DebugActiveProcess: lib.func('int __stdcall DebugActiveProcess(uint32_t pid)'),
  FormatMessageW: lib.func('uint32_t __stdcall FormatMessageW(uint32_t flags, void *src, uint32_t id, uint32_t lang, void *buf, uint32_t size, void *args)'),
  GetFinalPathNameByHandleW: lib.func('uint32_t __stdcall GetFinalPathNameByHandleW(void *file, void *buf, uint32_t chars, uint32_t flags)'),
  GetStdHandle: lib.func('void *__stdcall GetStdHandle(int32_t which)'),
  SetStdHandle: lib.func('int __stdcall SetStdHandle(int32_t which, void *h)'),
  CreatePipe: lib.func('int __stdcall CreatePipe(_Out_ void **read, _Out_ void **write, void *sa, uint32_t size)'),
  SetHandleInformation: lib.func('int __stdcall SetHandleInformation(void *h, uint32_t mask, uint32_t flags)'),
  PeekNamedPipe: lib.func('int __stdcall PeekNamedPipe(void *pipe, void *buf, uint32_t size, void *read, _Out_ uint32_t *avail, void *left)'),
  ReadFile: lib.func('int __stdcall ReadFile(void *file, void *buf, uint32_t size, _Out_ uint32_t *read, void *overlapped)'),
  GetExitCodeProcess: lib.func('int __stdcall GetExitCodeProcess(void *process, _Out_ uint32_t *code)'),
  WaitForSingleObject: lib.func('uint32_t __stdcall WaitForSingleObject(void *h, uint32_t ms)'),
  GetCurrentProcessId: lib.func('uint32_t __stdcall GetCurrentProcessId()'),
  CreateJobObjectW: lib.func('void * __stdcall CreateJobObjectW(void *attributes, const char16_t *name)'),
  SetInformationJobObject: lib.func('int __stdcall SetInformationJobObject(void *job, int infoClass, void *info, uint32_t size)'),
  AssignProcessToJobObject: lib.func('int __stdcall AssignProcessToJobObject(void *job, void *process)'),
  TerminateJobObject: lib.func('int __stdcall TerminateJobObject(void *job, uint32_t code)'),
};

/** The system's text for a Win32 error code. */
export function systemMessage(code: number): string {
  const FORMAT_MESSAGE_FROM_SYSTEM = 0x1000;
  const FORMAT_MESSAGE_IGNORE_INSERTS = 0x200;
  const buf = Buffer.alloc(1024);
  const n = k32.FormatMessageW(FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS, null, code, 0, buf, 512, null);
  return buf.toString('utf16le', 0, n * 2).trim();
}

/** Throws a Win32Error naming `call` when a BOOL result is FALSE. */
export function check(call: string, ok: number | boolean): void {
  if (!ok) {
    const code = k32.GetLastError();
    throw new Win32Error(call, code, systemMessage(code));
  }
}

/** A 16-byte aligned CONTEXT buffer (GetThreadContext requires it). */
export function alignedBuffer(size: number, align: number): Buffer {
  const raw = Buffer.alloc(size + align);
  const addr = koffi.address(raw);
  const pad = Number((BigInt(align) - (addr % BigInt(align))) % BigInt(align));
  return raw.subarray(pad, pad + size);
}

/** Reads `size` bytes of the debuggee; returns what could be read. */
export function readMemory(process: Handle, address: bigint, size: number): Buffer {
  const buf = Buffer.alloc(size);
  const read = [0n];
  const ok = k32.ReadProcessMemory(process, address, buf, BigInt(size), read);
  if (!ok) return buf.subarray(0, Number(read[0] ?? 0n));
  return buf.subarray(0, Number(read[0]));
}

export function writeMemory(process: Handle, address: bigint, data: Buffer): void {
  const written = [0n];
  check('WriteProcessMemory', k32.WriteProcessMemory(process, address, data, BigInt(data.length), written));
  check('FlushInstructionCache', k32.FlushInstructionCache(process, address, BigInt(data.length)));
}

/** Reads a NUL-terminated string of the debuggee (UTF-16 or ANSI). */
export function readRemoteString(process: Handle, address: bigint, unicode: boolean, max = 1024): string {
  if (address === 0n) return '';
  const bytes = readMemory(process, address, unicode ? max * 2 : max);
  if (unicode) {
    let end = 0;
    while (end + 1 < bytes.length && (bytes[end] !== 0 || bytes[end + 1] !== 0)) end += 2;
    return bytes.toString('utf16le', 0, end);
  }
  const end = bytes.indexOf(0);
  return bytes.toString('latin1', 0, end < 0 ? bytes.length : end);
}

export function wideZ(s: string): Buffer {
  return Buffer.from(s + '\0', 'utf16le');
}
