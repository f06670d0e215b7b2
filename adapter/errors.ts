/**
 * One factory per user-facing error, each saying what to do about it.
 * Ids are stable so tests and the extension can recognise them, and each
 * is used once: the adapter's own in ADAPTER_ERRORS, the engines' in their
 * catalogue (native/engines/errorCodes.ts); test/unit/errorCatalogue.test.ts
 * checks that no id is used twice.
 */
import type { DebugProtocol } from '@vscode/debugprotocol';
import { ENGINE_ERRORS, engineErrorId, type EngineRequestError } from '../native/api';

/**
 * The adapter's own error ids (1000-1299). An error the adapter finds that
 * an engine can also report (no program, running, a dump) takes the
 * engine's catalogue entry (native/engines/errorCodes.ts): one id a condition.
 */
export const ADAPTER_ERRORS = {
  missingProgram: 1001,
  badArgs: 1002,
  badEnv: 1003,
  badAttribute: 1004,
  noException: 1007,
  noStoppedThread: 1008,
  cannotRestartAttached: 1009,
  programAndDump: 1010,
  stillStarting: 1012,
  badDump: 1011,
  sourceNotHere: 1013,
  internal: 1100,
  engineDied: 1101,
  unknownRequest: 1200,
  unknownFrame: 1201,
  malformedRequest: 1202,
  notSupported: 1203,
  cancelled: 1204,
  unknownVariables: 1205,
  cannotEvaluate: 1206,
  unsupportedConvention: 1207,
} as const;

type AdapterError = keyof typeof ADAPTER_ERRORS;

export class UserError extends Error {
  readonly id: number;

  /** `error`: one of the adapter's (its id from ADAPTER_ERRORS), or an engine error's id. */
  constructor(error: AdapterError | number, message: string, readonly showUser = true) {
    super(message);
    this.name = 'UserError';
    this.id = typeof error === 'number' ? error : ADAPTER_ERRORS[error];
  }

  toMessage(): DebugProtocol.Message {
    return { id: this.id, format: this.message, showUser: this.showUser };
  }
}

export const errors = {
  missingProgram: () => new UserError('missingProgram', 'The launch configuration has no "program". Set "program" to the full path of the Windows .exe to debug, or "dumpFile" to the full path of a crash dump (.dmp) to open.'),
  programAndDump: () => new UserError('programAndDump', 'The launch configuration has both "program" and "dumpFile". Keep "program" to debug a program, or "dumpFile" to open a crash dump, not both.'),
  /** The file is there but is no minidump dbgeng can open here: `message` says what it is. */
  badDump: (message: string) => new UserError('badDump', message),
  noDumpFile: (file: string) => new UserError(ENGINE_ERRORS.noDumpFile.id, `The crash dump "${file}" does not exist. Set "dumpFile" to the full path of a .dmp file.`),
  dumpReadOnly: (what: string) => new UserError(ENGINE_ERRORS.dumpReadOnly.id, `Cannot ${what}: this session is a crash dump, which cannot run or be changed. Its stacks, variables, registers and memory can be read.`),
  badArgs: () => new UserError('badArgs', '"args" must be an array of strings, for example ["--verbose", "input file.txt"].'),
  badEnv: () => new UserError('badEnv', '"env" must be an object of strings, for example {"NAME": "value"} (null removes a variable).'),
  badAttribute: (name: string, expected: string) => new UserError('badAttribute', `"${name}" must be ${expected}.`),
  notLaunched: () => new UserError(ENGINE_ERRORS.notLaunched.id, 'No program is being debugged yet. Start one with a launch request first.'),
  stillStarting: () => new UserError('stillStarting', 'The program is still starting. Send this once the launch or attach request has been answered (after the initialized event).'),
  cannotRestartAttached: () => new UserError('cannotRestartAttached', 'Restart starts the launched program again; this session attached to a running process. Disconnect, then attach again.'),
  notStopped: () => new UserError(ENGINE_ERRORS.notStopped.id, 'The program is running. Pause it first.'),
  /** Something failed that should not have: a bug, said as it is. */
  internal: (message: string) => new UserError('internal', `Internal error: ${message}`),
  /** An engine request that failed: the engine's message, under its code's own id (native/engines/errorCodes.ts). */
  fromEngine: (e: EngineRequestError) => (e.code === 'engineDead' ? errors.engineDied(e.message)
    : e.code === 'cancelled' ? errors.cancelled()
      : new UserError(engineErrorId(e.code), e.message)),
  engineDied: (message: string) => new UserError('engineDied', `The debugger engine stopped working: ${message} The session has ended; start it again.`),
  noException: (threadId: number) => new UserError('noException', `Thread ${threadId} did not stop for an exception.`),
  unknownVariables: (reference: number) => new UserError('unknownVariables', `There are no variables ${reference} (they are forgotten when the program continues). Ask for the scopes again.`),
  cannotEvaluate: (expression: string, why: string) => new UserError('cannotEvaluate', `Cannot evaluate "${expression}": ${why}`),
  noStoppedThread: () => new UserError('noStoppedThread', 'The program has not stopped yet; there is nothing to evaluate in.'),
  unsupportedConvention: (asked: string, use: string) => new UserError('unsupportedConvention', `This debugger cannot work with ${asked}. Use ${use}.`),
  unknownRequest: (command: string) => new UserError('unknownRequest', `Unknown request "${command}". This adapter does not implement it.`),
  malformedRequest: (command: string, problem: string) => new UserError('malformedRequest', `Malformed "${command}" request: ${problem} The request was ignored.`),
  notSupported: (command: string, advice?: string) => new UserError('notSupported', advice ?? `The "${command}" request is not supported by this debugger yet.`),
  /** DAP: a cancelled request answers with success false and the message "cancelled". */
  cancelled: () => new UserError('cancelled', 'cancelled', false),
  sourceNotHere: (name: string, recordedPath?: string) => new UserError('sourceNotHere', recordedPath
    ? `The source file ${name} is not on this machine: the debug information names "${recordedPath}", which does not exist. The frame's line and disassembly are still there.`
    : `There is no source "${name}" to show: this debugger shows source files from disk, and names no other.`),
  unknownFrame: (frameId: number) => new UserError('unknownFrame', `There is no stack frame ${frameId} (frames are forgotten when the program continues). Ask for the stack trace again.`),
};
