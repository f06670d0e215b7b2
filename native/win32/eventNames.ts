/**
 * The names a debug event leaves the debugger to find: the path of the
 * image a CREATE_PROCESS or LOAD_DLL event maps, and the name a thread gave
 * itself.
 */
import koffi from 'koffi';
import { k32, readMemory, readRemoteString, type Handle } from './kernel32';

/**
 * The image's path: from the file handle the event carries
 * (GetFinalPathNameByHandleW), else from lpImageName, a pointer in the
 * debuggee to a pointer to the name (it may be null, and often is for the
 * first module).
 */
export function imagePath(process: Handle, file: Handle, imageNamePtr: bigint, unicode: boolean): string {
  const fromHandle = fileNameOfHandle(file);
  if (fromHandle || !imageNamePtr || !process) return fromHandle;
  const pointer = readMemory(process, imageNamePtr, 8);
  return pointer.length === 8 ? readRemoteString(process, pointer.readBigUInt64LE(0), unicode) : '';
}

/** The path of an open file (GetFinalPathNameByHandleW), or '' when the system cannot say. */
export function fileNameOfHandle(file: Handle): string {
  if (!file) return '';
  const buf = Buffer.alloc(2048);
  const n = k32.GetFinalPathNameByHandleW(file, buf, 1024, 0);
  if (!n || n > 1024) return '';
  return buf.toString('utf16le', 0, n * 2).replace(/^\\\\\?\\/, '');
}

/** The name a thread gave itself (SetThreadDescription), or ''. */
export function threadDescription(thread: Handle): string {
  const out = [0n];
  if (k32.GetThreadDescription(thread, out) < 0 || !out[0]) return '';
  try {
    return koffi.decode.string16(out[0]);
  } finally {
    k32.LocalFree(out[0]);
  }
}
