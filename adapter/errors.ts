/**
 * One factory per user-facing error, each saying what to do about it.
 * Ids are stable so tests and the extension can recognise them.
 */
import type { DebugProtocol } from '@vscode/debugprotocol';

export class UserError extends Error {
  constructor(readonly id: number, message: string, readonly showUser = true) {
    super(message);
    this.name = 'UserError';
  }

  toMessage(): DebugProtocol.Message {
    return { id: this.id, format: this.message, showUser: this.showUser };
  }
}

export const errors = {
  missingProgram: () => new UserError(1001, 'The launch configuration has no "program". Set "program" to the full path of the Windows .exe to debug, or "dumpFile" to the full path of a crash dump (.dmp) to open.'),
  programAndDump: () => new UserError(1010, 'The launch configuration has both "program" and "dumpFile". Keep "program" to debug a program, or "dumpFile" to open a crash dump, not both.'),
  noDumpFile: (file: string) => new UserError(1011, `The crash dump "${file}" does not exist. Set "dumpFile" to the full path of a .dmp file.`),
  dumpReadOnly: (what: string) => new UserError(1012, `Cannot ${what}: this session is a crash dump, which cannot run or be changed. Its stacks, variables, registers and memory can be read.`),
  badArgs: () => new UserError(1002, '"args" must be an array of strings, for example ["--verbose", "input file.txt"].'),
  badEnv: () => new UserError(1003, '"env" must be an object of strings, for example {"NAME": "value"} (null removes a variable).'),
  badAttribute: (name: string, expected: string) => new UserError(1004, `"${name}" must be ${expected}.`),
  notLaunched: () => new UserError(1005, 'No program is being debugged yet. Start one with a launch request first.'),
  cannotRestartAttached: () => new UserError(1009, 'Restart starts the launched program again; this session attached to a running process. Disconnect, then attach again.'),
  notStopped: () => new UserError(1006, 'The program is running. Pause it first.'),
  engine: (message: string) => new UserError(1100, message),
  engineDied: (message: string) => new UserError(1101, `The debugger engine stopped working: ${message} The session has ended; start it again.`),
  noException: (threadId: number) => new UserError(1007, `Thread ${threadId} did not stop for an exception.`),
  unknownVariables: (reference: number) => new UserError(1202, `There are no variables ${reference} (they are forgotten when the program continues). Ask for the scopes again.`),
  cannotEvaluate: (expression: string, why: string) => new UserError(1203, `Cannot evaluate "${expression}": ${why}`),
  noStoppedThread: () => new UserError(1008, 'The program has not stopped yet; there is nothing to evaluate in.'),
  unknownRequest: (command: string) => new UserError(1200, `Unknown request "${command}". This adapter does not implement it.`),
  malformedRequest: (command: string, problem: string) => new UserError(1202, `Malformed "${command}" request: ${problem} The request was ignored.`),
  notSupported: (command: string, advice?: string) => new UserError(1203, advice ?? `The "${command}" request is not supported by this debugger yet.`),
  /** DAP: a cancelled request answers with success false and the message "cancelled". */
  cancelled: () => new UserError(1204, 'cancelled', false),
  sourceNotHere: (name: string, recordedPath?: string) => new UserError(1013, recordedPath
    ? `The source file ${name} is not on this machine: the debug information names "${recordedPath}", which does not exist. The frame's line and disassembly are still there.`
    : `There is no source "${name}" to show: this debugger shows source files from disk, and names no other.`),
  unknownFrame: (frameId: number) => new UserError(1201, `There is no stack frame ${frameId} (frames are forgotten when the program continues). Ask for the stack trace again.`),
};
