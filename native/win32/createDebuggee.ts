/**
 * Starts a program under the debugger (DEBUG_ONLY_THIS_PROCESS) with its
 * stdout and stderr on a pipe we read, so the program's output reaches the
 * user as DAP output events. The command line is built with Windows'
 * quoting rules; nothing passes through a shell.
 *
 * The debuggee goes into a job object, and with it everything it starts:
 * ending the session ends the whole tree (TerminateJobObject), and if the
 * adapter itself dies, closing the job's last handle does it
 * (JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE).
 */
import { Layouts } from './layouts';
import { k32, systemMessage, wideZ, type Handle } from './kernel32';
import { Win32Error } from './errors';
import { startDespiteLostStarts } from './lostStarts';
import { createOutputPipe } from './outputPipe';
import { buildCommandLine, buildEnvironmentBlock } from './commandLine';

const DEBUG_ONLY_THIS_PROCESS = 0x2;
const CREATE_UNICODE_ENVIRONMENT = 0x400;
const CREATE_NO_WINDOW = 0x08000000;
const STARTF_USESTDHANDLES = 0x100;
const ERROR_GEN_FAILURE = 31;
const JobObjectExtendedLimitInformation = 9;
const JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE = 0x2000;

export interface DebuggeeStart {
  processId: number;
  threadId: number;
  /** Read end of the program's stdout/stderr pipe. */
  outputPipe: Handle;
  /** The job holding the program and its children (0 when the system refused one). */
  job: Handle;
  /** How many tries the start took (more than 1 when the system lost a start). */
  attempts: number;
}

export function createDebuggee(program: string, args: readonly string[], cwd: string | undefined, env: Record<string, string | null> | undefined): DebuggeeStart {
  const { read: outRead, write: outWrite } = createOutputPipe();
  try {
    const S = Layouts.STARTUPINFOW;
    const si = Buffer.alloc(S.size);
    si.writeUInt32LE(S.size, S.cb);
    si.writeUInt32LE(STARTF_USESTDHANDLES, S.dwFlags);
    si.writeBigUInt64LE(outWrite, S.hStdOutput);
    si.writeBigUInt64LE(outWrite, S.hStdError);
    const pi = Buffer.alloc(Layouts.PROCESS_INFORMATION.size);

    const commandLine = wideZ(buildCommandLine(program, args));
    const block = buildEnvironmentBlock(process.env, env ?? {});
    const { attempts, error } = startDespiteLostStarts(program, () => (k32.CreateProcessW(
      program, commandLine, null, null, 1,
      DEBUG_ONLY_THIS_PROCESS | CREATE_UNICODE_ENVIRONMENT | CREATE_NO_WINDOW,
      block, cwd ?? null, si, pi,
    ) ? 0 : k32.GetLastError() || ERROR_GEN_FAILURE)); // a failure never reads as a start
    if (error) throw new Win32Error('CreateProcessW', error, systemMessage(error));
    const P = Layouts.PROCESS_INFORMATION;
    // The program cannot run before its CREATE_PROCESS event is continued,
    // so it is in the job before it can start anything.
    const job = jobFor(pi.readBigUInt64LE(P.hProcess));
    // The debug events hand us our own process and thread handles.
    k32.CloseHandle(pi.readBigUInt64LE(P.hProcess));
    k32.CloseHandle(pi.readBigUInt64LE(P.hThread));
    return { processId: pi.readUInt32LE(P.dwProcessId), threadId: pi.readUInt32LE(P.dwThreadId), outputPipe: outRead, job, attempts };
  } catch (e) {
    k32.CloseHandle(outRead);
    throw e;
  } finally {
    k32.CloseHandle(outWrite);
  }
}

/** A kill-on-close job holding `process`; 0 if the system refuses (the session then works without one). */
function jobFor(process: Handle): Handle {
  const job = k32.CreateJobObjectW(null, null) as Handle;
  if (!job) return 0n;
  if (!setJobKillOnClose(job, true) || !k32.AssignProcessToJobObject(job, process)) {
    k32.CloseHandle(job);
    return 0n;
  }
  return job;
}

/** Turns the job's kill-on-close limit on or off. */
export function setJobKillOnClose(job: Handle, kill: boolean): boolean {
  const J = Layouts.JOBOBJECT_EXTENDED_LIMIT_INFORMATION;
  const info = Buffer.alloc(J.size);
  info.writeUInt32LE(kill ? JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE : 0, J.LimitFlags);
  return k32.SetInformationJobObject(job, JobObjectExtendedLimitInformation, info, J.size) !== 0;
}
