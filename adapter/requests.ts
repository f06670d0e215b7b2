/**
 * Every request as it arrives, before any handler sees it. A debug adapter
 * is driven by whatever the client sends, so:
 *  - a malformed request (no command, arguments that are not an object,
 *    fields of the wrong type) gets an error response naming the field,
 *    and is never dispatched; handlers may trust the shapes listed here;
 *  - a standard request this adapter has no handler for gets an error that
 *    says so. The base class would answer it with an empty success, and a
 *    request that succeeds but does nothing looks to the user like a hang.
 * Unknown (custom) requests go on to customRequest, which answers them.
 */
import type { DebugProtocol } from '@vscode/debugprotocol';
import { errors, UserError } from './errors';

/** The standard requests (the DAP specification's): one without a handler is refused, never answered with an empty success. */
const STANDARD = new Set([
  'initialize', 'launch', 'attach', 'disconnect', 'terminate', 'restart', 'setBreakpoints', 'setFunctionBreakpoints',
  'setExceptionBreakpoints', 'configurationDone', 'continue', 'next', 'stepIn', 'stepOut', 'stepBack',
  'reverseContinue', 'restartFrame', 'goto', 'pause', 'stackTrace', 'scopes', 'variables', 'setVariable',
  'setExpression', 'source', 'threads', 'terminateThreads', 'evaluate', 'stepInTargets', 'gotoTargets', 'completions',
  'exceptionInfo', 'loadedSources', 'dataBreakpointInfo', 'setDataBreakpoints', 'readMemory', 'writeMemory',
  'disassemble', 'cancel', 'breakpointLocations', 'setInstructionBreakpoints',
]);

/** What to say for a standard request without a handler, where there is more to say than "not supported". */
const ADVICE: Record<string, string> = {
  stepBack: 'This debugger cannot run a program backwards.',
  reverseContinue: 'This debugger cannot run a program backwards.',
  restartFrame: 'This debugger cannot restart a frame. Step out of it, or restart the program.',
  goto: 'This debugger cannot move execution to another line. Set a breakpoint there and continue.',
};

type Check = (value: unknown) => string | undefined;

/** The most one readMemory or disassemble request may ask for. */
export const MAX_MEMORY_BYTES = 16 * 1024 * 1024;
export const MAX_INSTRUCTIONS = 100_000;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const wholeNumber = (min: number, max = Number.MAX_SAFE_INTEGER): Check => (v) => (Number.isSafeInteger(v) && (v as number) >= min && (v as number) <= max
  ? undefined
  : max === Number.MAX_SAFE_INTEGER ? `a whole number from ${min}` : `a whole number from ${min} to ${max}`);
const integer: Check = (v) => (Number.isSafeInteger(v) ? undefined : 'a whole number');
const optional = (check: Check): Check => (v) => (v === undefined ? undefined : check(v));
const string: Check = (v) => (typeof v === 'string' ? undefined : 'a string');
const boolean: Check = (v) => (typeof v === 'boolean' ? undefined : 'true or false');
const arrayOf = (item: Check, what: string): Check => (v) => {
  if (!Array.isArray(v)) return `an array of ${what}`;
  const bad = v.findIndex((x) => item(x) !== undefined);
  return bad < 0 ? undefined : `an array of ${what} (item ${bad} is not)`;
};
const shaped = (fields: Record<string, Check>): Check => (v) => {
  if (!isObject(v)) return 'an object';
  for (const [k, check] of Object.entries(fields)) if (check(v[k]) !== undefined) return `an object whose "${k}" is ${check(v[k])}`;
  return undefined;
};

/**
 * The argument fields each request's handler reads, and what they must be.
 * `true`: the request needs an arguments object even with no fields listed.
 */
const SHAPES: Record<string, { required: boolean; fields: Record<string, Check> }> = {
  initialize: { required: true, fields: { adapterID: optional(string), linesStartAt1: optional(boolean), columnsStartAt1: optional(boolean), pathFormat: optional(string) } },
  launch: { required: true, fields: {} },
  disconnect: { required: false, fields: { terminateDebuggee: optional(boolean), restart: optional(boolean) } },
  setBreakpoints: {
    required: true,
    fields: {
      source: shaped({ path: optional(string) }),
      breakpoints: optional(arrayOf(shaped({ line: wholeNumber(1) }), 'breakpoints with a "line" from 1')),
      lines: optional(arrayOf(wholeNumber(1), 'line numbers from 1')),
    },
  },
  setFunctionBreakpoints: { required: true, fields: { breakpoints: arrayOf(shaped({ name: string }), 'breakpoints with a "name"') } },
  setExceptionBreakpoints: { required: true, fields: { filters: arrayOf(string, 'filter names') } },
  stackTrace: { required: true, fields: { threadId: wholeNumber(0), startFrame: optional(wholeNumber(0)), levels: optional(wholeNumber(0)) } },
  exceptionInfo: { required: true, fields: { threadId: wholeNumber(0) } },
  scopes: { required: true, fields: { frameId: wholeNumber(0) } },
  variables: { required: true, fields: { variablesReference: wholeNumber(0) } },
  cancel: { required: false, fields: { requestId: optional(wholeNumber(0)), progressId: optional(string) } },
  next: { required: true, fields: { threadId: wholeNumber(0) } },
  stepIn: { required: true, fields: { threadId: wholeNumber(0), targetId: optional(wholeNumber(0)) } },
  stepInTargets: { required: true, fields: { frameId: wholeNumber(0) } },
  dataBreakpointInfo: { required: true, fields: { name: string, variablesReference: optional(wholeNumber(0)), frameId: optional(wholeNumber(0)) } },
  setDataBreakpoints: { required: true, fields: { breakpoints: arrayOf((v) => (isObject(v) && typeof v.dataId === 'string' ? undefined : 'an object with a dataId'), 'data breakpoints, each with a dataId') } },
  stepOut: { required: true, fields: { threadId: wholeNumber(0) } },
  evaluate: { required: true, fields: { expression: string, frameId: optional(wholeNumber(0)) } },
  setVariable: { required: true, fields: { variablesReference: wholeNumber(0), name: string, value: string } },
  source: { required: false, fields: { sourceReference: optional(wholeNumber(0)) } },
  // One request may not ask for unbounded work: a client wanting more asks again.
  readMemory: { required: true, fields: { memoryReference: string, offset: optional(integer), count: wholeNumber(0, MAX_MEMORY_BYTES) } },
  writeMemory: { required: true, fields: { memoryReference: string, offset: optional(integer), data: string } },
  disassemble: {
    required: true,
    fields: { memoryReference: string, offset: optional(integer), instructionOffset: optional(integer), instructionCount: wholeNumber(0, MAX_INSTRUCTIONS) },
  },
  breakpointLocations: { required: true, fields: { source: shaped({ path: optional(string) }), line: wholeNumber(1) } },
};

export type Screening =
  | { kind: 'dispatch' }
  | { kind: 'error'; error: UserError };

/**
 * Decides what happens to a request. `handles(command)` says whether the
 * session has a handler for it.
 */
export function screenRequest(request: DebugProtocol.Request, handles: (command: string) => boolean): Screening {
  const { command } = request as { command?: unknown };
  if (typeof command !== 'string' || command === '') {
    return { kind: 'error', error: errors.malformedRequest('(none)', 'A request needs a "command": the name of the request, a string.') };
  }
  const args = (request as { arguments?: unknown }).arguments;
  if (args !== undefined && !isObject(args)) {
    return { kind: 'error', error: errors.malformedRequest(command, '"arguments" must be an object.') };
  }
  // Own properties only: a command named "constructor" or "__proto__" is just an unknown command.
  const shape = Object.hasOwn(SHAPES, command) ? SHAPES[command] : undefined;
  if (shape) {
    if (args === undefined && shape.required) return { kind: 'error', error: errors.malformedRequest(command, 'It needs "arguments" (an object).') };
    for (const [field, check] of Object.entries(shape.fields)) {
      const problem = check(args?.[field]);
      if (problem) return { kind: 'error', error: errors.malformedRequest(command, `"${field}" must be ${problem}.`) };
    }
  }
  if (STANDARD.has(command) && !handles(command)) {
    return { kind: 'error', error: errors.notSupported(command, Object.hasOwn(ADVICE, command) ? ADVICE[command] : undefined) };
  }
  return { kind: 'dispatch' };
}
