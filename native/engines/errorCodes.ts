/**
 * The catalogue of engine error codes: each code an engine (or the engine
 * client) reports, its own DAP error id, and what it means. EngineError
 * takes only these codes, so a new one must be added here; the adapter
 * answers a failed request with the code's id and the engine's message,
 * which says what to do. Ids are stable (tests, the extension and users'
 * scripts recognise them) and never shared with the adapter's own
 * (adapter/errors.ts: 1000-1299); test/unit/errorCatalogue.test.ts checks
 * that no id is used twice.
 */
export const ENGINE_ERRORS = {
  // The program and the session's start.
  programMissing: { id: 3001, means: 'the program file does not exist' },
  programIsDirectory: { id: 3002, means: 'the program is a folder' },
  notPE: { id: 3003, means: 'the program is not a Windows executable' },
  wrongArchitecture: { id: 3004, means: 'the program is not x64' },
  badCwd: { id: 3005, means: 'the working folder does not exist' },
  alreadyLaunched: { id: 3006, means: 'the session already has a debuggee' },
  exitedDuringLaunch: { id: 3007, means: 'the program ended before its first instruction' },
  launchTimeout: { id: 3008, means: 'the program did not reach its first instruction in time' },
  startLost: { id: 3009, means: 'the system lost the new process while starting it' },
  startHung: { id: 3010, means: 'the call that starts the program never returned' },
  badPid: { id: 3011, means: 'not a process id' },
  attachFailed: { id: 3012, means: 'the system refused the attach' },
  attachTimeout: { id: 3013, means: 'the process did not break in in time' },
  exitedDuringAttach: { id: 3014, means: 'the process ended while attaching' },
  // Crash dumps.
  noDumpFile: { id: 3020, means: 'the dump file does not exist' },
  dumpNeedsDbgeng: { id: 3021, means: 'dumps need the dbgeng engine' },
  dumpOpenFailed: { id: 3022, means: 'dbgeng could not load the dump' },
  dumpTimeout: { id: 3023, means: 'the dump did not load in time' },
  dumpReadOnly: { id: 3024, means: 'a dump cannot run or be changed' },
  // The engine itself.
  unknownEngine: { id: 3030, means: 'no engine of that name' },
  dbgengUnavailable: { id: 3031, means: 'dbgeng.dll is missing or too old' },
  unknownMethod: { id: 3032, means: 'the engine thread has no such request' },
  unsupported: { id: 3033, means: 'this engine cannot do that' },
  fault: { id: 3034, means: 'something failed that should not have (a bug)' },
  engineDead: { id: 3035, means: 'the engine thread ended' },
  disposed: { id: 3036, means: 'the session ended before the engine answered' },
  cancelled: { id: 3037, means: 'the client cancelled the request' },
  // State: what the program must be doing for the request.
  notLaunched: { id: 3040, means: 'there is no program' },
  notStopped: { id: 3041, means: 'the program is running' },
  noThread: { id: 3042, means: 'no such thread' },
  noFrame: { id: 3043, means: 'no such frame' },
  noCaller: { id: 3044, means: 'the outermost frame has no caller to step out to' },
  noStepTarget: { id: 3045, means: "not one of this stop's step-in targets" },
  // Values and memory.
  badExpression: { id: 3050, means: 'the expression does not parse or names nothing here' },
  badValue: { id: 3051, means: 'the new value is not one the variable can take' },
  noVariable: { id: 3052, means: 'no such variable or register' },
  noHandle: { id: 3053, means: 'the value is gone (the program ran)' },
  writeFailed: { id: 3054, means: 'the memory could not be written' },
} as const satisfies Record<string, { id: number; means: string }>;

export type EngineErrorCode = keyof typeof ENGINE_ERRORS;

/** The DAP error id of a code (for a code from elsewhere, a fault's). */
export const engineErrorId = (code: string): number => (ENGINE_ERRORS as Record<string, { id: number }>)[code]?.id ?? ENGINE_ERRORS.fault.id;
