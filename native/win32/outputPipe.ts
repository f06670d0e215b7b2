/**
 * The pipe a launched program writes its stdout and stderr to, and the
 * reading of it. Its write end is inheritable (the child gets it); ours
 * is not, or the pipe would never report its end.
 */
import { check, k32, type Handle } from './kernel32';

const HANDLE_FLAG_INHERIT = 0x1;
const STD_OUTPUT_HANDLE = -11;
const STD_ERROR_HANDLE = -12;

export interface OutputPipe { read: Handle; write: Handle }

export function createOutputPipe(): OutputPipe {
  const sa = Buffer.alloc(24);
  sa.writeUInt32LE(24, 0);
  sa.writeUInt32LE(1, 16); // bInheritHandle: the child gets the write end
  const readEnd = [0n];
  const writeEnd = [0n];
  check('CreatePipe', k32.CreatePipe(readEnd, writeEnd, sa, 0));
  const pipe = { read: readEnd[0] as bigint, write: writeEnd[0] as bigint };
  if (!k32.SetHandleInformation(pipe.read, HANDLE_FLAG_INHERIT, 0)) {
    k32.CloseHandle(pipe.read);
    k32.CloseHandle(pipe.write);
    check('SetHandleInformation', 0);
  }
  return pipe;
}

/**
 * Runs `start` with this process's stdout and stderr on `write`, for a
 * start that takes no standard handles (dbgeng's CreateProcessAndAttach2Wide):
 * the child inherits them. Else it would write to the adapter's own
 * (under Wine its log; on Windows, with DAP over stdio, the protocol
 * stream). What this process writes meanwhile goes to the pipe too: the
 * window is the one call.
 */
export function withStdHandles<T>(write: Handle, start: () => T): T {
  const out = k32.GetStdHandle(STD_OUTPUT_HANDLE) as Handle;
  const err = k32.GetStdHandle(STD_ERROR_HANDLE) as Handle;
  k32.SetStdHandle(STD_OUTPUT_HANDLE, write);
  k32.SetStdHandle(STD_ERROR_HANDLE, write);
  try {
    return start();
  } finally {
    k32.SetStdHandle(STD_OUTPUT_HANDLE, out);
    k32.SetStdHandle(STD_ERROR_HANDLE, err);
  }
}

/** Reads whatever the pipe holds now, without blocking; null at EOF. */
export function drainPipe(pipe: Handle): string | null {
  const avail = [0];
  if (!k32.PeekNamedPipe(pipe, null, 0, null, avail, null)) return null;
  if (!avail[0]) return '';
  const buf = Buffer.alloc(avail[0] as number);
  const got = [0];
  if (!k32.ReadFile(pipe, buf, buf.length, got, null)) return null;
  return buf.toString('utf8', 0, got[0] as number);
}
