/**
 * Debug Console completions (supportsCompletionsRequest): at the start of
 * the line the console's commands (the dbghelp engine's own set, or WinDbg's
 * common ones that the dbgeng engine runs), anywhere the names of the
 * selected frame's locals and parameters (an inline frame its own) and its
 * registers ($rax), each filtered by the word being typed.
 */
import type { DebugProtocol } from '@vscode/debugprotocol';

/** The dbghelp engine's commands (adapter/console/commands.ts), with what each does. */
const DBGHELP_COMMANDS: [string, string][] = [
  ['k', 'stack'], ['kn', 'stack, frame numbers'], ['kv', 'stack with raw InlineFrameContext'], ['.frame', 'select a frame'],
  ['lm', 'modules'], ['r', 'registers'], ['db', 'bytes'], ['dw', 'words'], ['dd', 'double words'], ['dq', 'quad words'],
  ['u', 'disassemble'], ['bl', 'breakpoints'], ['bp', 'breakpoint on a function'], ['bc', 'clear a breakpoint'], ['.inline', 'inline frames on or off'],
];

/** WinDbg commands dbgeng runs, the ones a session uses most. */
const DBGENG_COMMANDS: [string, string][] = [
  ...DBGHELP_COMMANDS.filter(([c]) => c !== 'bp'),
  ['kb', 'stack with arguments'], ['kp', 'stack with parameters'], ['dv', 'locals'], ['dt', 'display type'], ['x', 'examine symbols'],
  ['bp', 'breakpoint'], ['bu', 'unresolved breakpoint'], ['bm', 'breakpoints by pattern (every inlined copy)'], ['ba', 'breakpoint on access'],
  ['ln', 'nearest symbols'], ['.dump', 'write a dump'], ['.reload', 'reload symbols'], ['ld', 'load symbols'], ['?', 'evaluate (MASM)'], ['??', 'evaluate (C++)'],
];

export interface CompletionContext {
  engineKind: string;
  /** The selected frame's locals and parameters. */
  names: string[];
  registers: string[];
}

export function completions(text: string, column: number, ctx: CompletionContext): DebugProtocol.CompletionItem[] {
  // DAP columns count from 1, in UTF-16 code units, as JavaScript strings do.
  const before = text.slice(0, Math.max(0, column - 1));
  const word = /[$@.?A-Za-z_][\w.?]*$/.exec(before)?.[0] ?? '';
  const start = before.length - word.length;
  const atLineStart = before.slice(0, start).trim() === '';
  const out: DebugProtocol.CompletionItem[] = [];
  const offer = (label: string, type: DebugProtocol.CompletionItemType, detail?: string) => {
    if (label.toLowerCase().startsWith(word.toLowerCase())) out.push({ label, type, detail, start, length: word.length });
  };
  if (atLineStart) for (const [c, what] of ctx.engineKind === 'dbgeng' ? DBGENG_COMMANDS : DBGHELP_COMMANDS) offer(c, 'keyword', what);
  for (const n of [...new Set(ctx.names)]) offer(n, 'variable');
  for (const r of ctx.registers) offer(`$${r}`, 'property');
  return out;
}
