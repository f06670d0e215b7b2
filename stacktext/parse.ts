/**
 * A parser for call-stack text: WinDbg's `k`, `kb`, `kn`, `kv` and `kvf`
 * output (x86 and x64, with and without inline rows), the `!gcsex`-style
 * InlineFrameContext lines of seed 004, and this project's own "raw
 * InlineFrameContext" view. Pure: no vscode, no koffi, no language server;
 * the language server, the extension and the CLI all use it.
 *
 * Positions are 0-based (line, character), as LSP and VS Code count them.
 */
import type { InlineContextEncoding } from '../native/engines/inlineContext';

export interface Cell {
  text: string;
  /** Character offsets in the line, end exclusive. */
  start: number;
  end: number;
}

export interface SourceRef {
  file: string;
  line: number;
  /** The whole `[file @ line]`. */
  cell: Cell;
  /** Just the file path inside it. */
  fileCell: Cell;
  lineCell: Cell;
}

export interface FrameRow {
  line: number;
  /** The frame number (`#` column), when the listing has one. */
  index?: number;
  indexCell?: Cell;
  inline: boolean;
  /** The `(Inline)` / `(Inline Function)` marker. */
  inlineCell?: Cell;
  memory?: Cell;
  childSp?: Cell;
  retAddr?: Cell;
  /** Raw view only: the InlineFrameContext column and its decoding. */
  inlineContext?: Cell;
  decoded?: Cell;
  args: Cell[];
  /** Everything from the symbol on: `module!function+0x20 (FPO: ...) [file @ line]`. */
  callSite: Cell;
  /** `module!function+0x20`. */
  symbol: Cell;
  module?: string;
  /** The function name as printed (kv may add a parameter list). */
  function?: string;
  /** The function name without a parameter list. */
  name: string;
  displacement?: string;
  annotations: Cell[];
  source?: SourceRef;
}

export interface ContextValue {
  line: number;
  /** The frame it belongs to, where the text says. */
  frame?: number;
  value: number;
  cell: Cell;
}

export interface Listing {
  /** The command that printed it (`kb`), when a prompt line came first. */
  command?: string;
  /** Line of the prompt or header that starts it. */
  startLine: number;
  endLine: number;
  frames: FrameRow[];
}

export type LineKind = 'blank' | 'comment' | 'prompt' | 'header' | 'frame' | 'context' | 'contextParts' | 'info' | 'unparsed';

export interface Problem {
  line: number;
  start: number;
  end: number;
  message: string;
}

export interface ParsedStackText {
  /** How InlineFrameContext values in this text are encoded. */
  encoding: InlineContextEncoding;
  /** True when the text said so (the raw view's header); else assumed Windows. */
  encodingStated: boolean;
  kinds: LineKind[];
  listings: Listing[];
  frames: FrameRow[];
  contexts: ContextValue[];
  problems: Problem[];
}

type Column = 'memory' | 'childSp' | 'retAddr' | 'inlineContext' | 'decoded' | 'args' | 'callSite';

const HEADER_COLUMNS: [RegExp, Column][] = [
  [/\bMemory\b/, 'memory'],
  [/\bChild(?:-SP|EBP|-BP|SP)\b/, 'childSp'],
  [/\bRetAddr\b/, 'retAddr'],
  [/\bInlineCtx\b/, 'inlineContext'],
  [/\bDecoded\b/, 'decoded'],
  [/\bArgs to Child\b/, 'args'],
  [/\bCall Site\b/, 'callSite'],
];

const RE = {
  prompt: /^\s*(\d+:\d+(?::[\w-]+)?)>\s?(.*)$/,
  header: /^\s*(?:#\s+)?(?:Memory\s+)?Child(?:-SP|EBP|-BP|SP)\b|^\s*#\s.*\bCall Site\b/,
  comment: /^\s*\*/,
  /** `!gcsex`: "Inline Frame Context for frame 0 = 25ed0200" (and seed 004's "Inline Frame Context = for frame 0 = ..."). */
  contextLine: /^(\s*Inline ?Frame ?Context(?:\s*=)?\s+for frame\s+(\d+)\s*=\s*)([0-9a-fA-F]{1,8})\s*(.*)$/i,
  /** Any "InlineFrameContext = 25ed0200" / "InlineFrameContext: 0x25ed0200". */
  contextAnywhere: /\bInline ?Frame ?Context\b\s*[=:]\s*(?:0x)?([0-9a-fA-F]{1,8})\b/gi,
  contextParts: /^\s*Frameid\s*=\s*([0-9a-fA-F]+)\s+FrameType\s*=\s*([0-9a-fA-F]+)\s+Frame ?Signature\s*=\s*([0-9a-fA-F]+)\s*$/i,
  wineParts: /^\s*Mode\s*=\s*(\w+)\s+Depth\s*=\s*(\d+)\b.*$/i,
  framesFilled: /^\s*Frames Filled\s*=\s*[0-9a-fA-F]+\s*$/i,
  inlineSetting: /^\s*Include inline function queries is\b/i,
  /** Unambiguous (no nested quantifier over the same characters): linear even on a long run that ends badly. */
  hexOnly: /^\s*[0-9a-fA-F`]+(?:\s+[0-9a-fA-F`]+)*\s*$/,
  encoding: /\bencoding:?\s*(wine|windows)\b/i,
  /** A frame row: the index column (2+ hex digits) then at least one more token. */
  indexed: /^(\s*)([0-9a-fA-F]{2,4})(\s+)(?=\S)/,
  inlineMarker: /^\(Inline(?: Function)?\)/,
  dashes: /^-{4,}(?:`-{4,})?(?=\s|$)/,
  address: /^(?:[0-9a-fA-F]{8}`[0-9a-fA-F]{8}|[0-9a-fA-F]{16}|[0-9a-fA-F]{8})(?=\s|$)/,
  colon: /^:(?=\s|$)/,
  /** kvf memory column: a frame's stack use, short (an address has 8+ digits). */
  shortHex: /^[0-9a-fA-F]{1,7}(?=\s)/,
  decodedToken: /^\S*=\S*(?=\s|$)/,
  /** Tested on the text from the last "[" on (see trailingSource): anchored, so linear. */
  source: /^\[([\s\S]*) @ (\d+)\]$/,
  /** Tested on the text from the last "(" on (see trailingAnnotation). */
  annotation: /^\((?:Inline Function @ [0-9a-fA-F`]+|FPO: [^()]*|CONV: [^()]*)\)$/,
  /** [\s\S], not ".": a lone \r or U+2028 in a line must not make it fail. */
  symbol: /^(?:([^\s!]+)!)?([\s\S]*?)(?:\+(0x[0-9a-fA-F]+))?$/,
};

/** Parses a whole document. Never throws: what it cannot read becomes a problem. */
export function parseStackText(text: string): ParsedStackText {
  const lines = text.split(/\r?\n/);
  const out: ParsedStackText = { encoding: 'windows', encodingStated: false, kinds: [], listings: [], frames: [], contexts: [], problems: [] };
  let columns: Column[] | undefined;
  let pendingCommand: { command: string; line: number } | undefined;
  let listing: Listing | undefined;
  let gcsexFrame = -1;

  const closeListing = () => {
    if (listing) out.listings.push(listing);
    listing = undefined;
  };

  lines.forEach((raw, ln) => {
    const kind = classify(raw);
    out.kinds[ln] = kind;
    switch (kind) {
      case 'blank':
        return;
      case 'comment': {
        const enc = RE.encoding.exec(raw);
        if (enc && !out.encodingStated) {
          out.encoding = enc[1]!.toLowerCase() as InlineContextEncoding;
          out.encodingStated = true;
        }
        collectContexts(raw, ln, out);
        return;
      }
      case 'prompt': {
        closeListing();
        columns = undefined;
        const m = RE.prompt.exec(raw)!;
        pendingCommand = { command: m[2]!.trim(), line: ln };
        return;
      }
      case 'header': {
        closeListing();
        columns = headerColumns(raw);
        listing = { command: pendingCommand?.command || undefined, startLine: pendingCommand?.line ?? ln, endLine: ln, frames: [] };
        pendingCommand = undefined;
        return;
      }
      case 'context': {
        const m = RE.contextLine.exec(raw)!;
        const start = m[1]!.length;
        gcsexFrame = Number(m[2]);
        out.contexts.push({ line: ln, frame: gcsexFrame, value: parseInt(m[3]!, 16) >>> 0, cell: { text: m[3]!, start, end: start + m[3]!.length } });
        return;
      }
      case 'contextParts':
      case 'info':
        return;
      case 'frame': {
        const row = parseFrameRow(raw, ln, columns, out.problems);
        if (!row) {
          out.kinds[ln] = 'unparsed';
          return;
        }
        if (!listing) {
          listing = { command: pendingCommand?.command || undefined, startLine: pendingCommand?.line ?? ln, endLine: ln, frames: [] };
          pendingCommand = undefined;
        }
        listing.frames.push(row);
        listing.endLine = ln;
        out.frames.push(row);
        if (row.inlineContext) {
          const v = parseInt(row.inlineContext.text, 16) >>> 0;
          out.contexts.push({ line: ln, frame: row.index, value: v, cell: row.inlineContext });
        }
        return;
      }
      case 'unparsed':
        collectContexts(raw, ln, out);
        out.problems.push({
          line: ln,
          start: raw.length - raw.trimStart().length,
          end: raw.trimEnd().length,
          message: 'Not a line of a call stack: WinDbg k/kb/kn/kv/kvf output, !gcsex InlineFrameContext lines, or the raw InlineFrameContext view. It is left out of the outline.',
        });
        return;
    }
  });
  closeListing();
  return out;
}

function classify(raw: string): LineKind {
  if (raw.trim() === '') return 'blank';
  if (RE.comment.test(raw)) return 'comment';
  if (RE.prompt.test(raw)) return 'prompt';
  if (RE.header.test(raw)) return 'header';
  if (RE.contextLine.test(raw)) return 'context';
  if (RE.contextParts.test(raw) || RE.wineParts.test(raw)) return 'contextParts';
  if (RE.framesFilled.test(raw) || RE.inlineSetting.test(raw)) return 'info';
  if (looksLikeFrameRow(raw)) return 'frame';
  if (RE.hexOnly.test(raw)) return 'info';
  return 'unparsed';
}

function looksLikeFrameRow(raw: string): boolean {
  const m = RE.indexed.exec(raw);
  const rest = m ? raw.slice(m[0].length) : raw.trimStart();
  // With or without the `#` column, a row goes on with a column (address,
  // "(Inline)", dashes, a kvf memory size) or, in `kn` without addresses, a symbol.
  return RE.inlineMarker.test(rest) || RE.dashes.test(rest) || RE.address.test(rest) || (!!m && (RE.shortHex.test(rest) || /^[^\s!]+!\S/.test(rest)));
}

function headerColumns(raw: string): Column[] {
  const found: { at: number; col: Column }[] = [];
  for (const [re, col] of HEADER_COLUMNS) {
    const m = re.exec(raw);
    if (m) found.push({ at: m.index, col });
  }
  return found.sort((a, b) => a.at - b.at).map((f) => f.col);
}

function parseFrameRow(raw: string, ln: number, columns: Column[] | undefined, problems: Problem[]): FrameRow | undefined {
  let pos = 0;
  let index: number | undefined;
  let indexCell: Cell | undefined;
  const m = RE.indexed.exec(raw);
  // Without a `#` column the first token is an address (8+ digits); a 2-4
  // digit first token followed by more is the frame number.
  if (m) {
    const start = m[1]!.length;
    indexCell = { text: m[2]!, start, end: start + m[2]!.length };
    index = parseInt(m[2]!, 16);
    pos = m[0].length;
  }
  const skipSpace = () => {
    while (pos < raw.length && /\s/.test(raw[pos]!)) pos++;
  };
  const take = (re: RegExp): Cell | undefined => {
    skipSpace();
    // Matched in place (sticky), never on a copy of the rest of the line:
    // a line of thousands of columns stays linear.
    const st = sticky(re);
    st.lastIndex = pos;
    const hit = st.exec(raw);
    if (!hit) return undefined;
    const cell = { text: hit[0], start: pos, end: pos + hit[0].length };
    pos = cell.end;
    return cell;
  };

  const row: Partial<FrameRow> & { args: Cell[]; annotations: Cell[] } = { line: ln, index, indexCell, inline: false, args: [], annotations: [] };
  const cols = columns ?? ['childSp', 'retAddr', 'args', 'callSite'];
  if (cols[0] === 'memory') {
    // kvf: a frame's stack use, blank for the first frame.
    const save = pos;
    const mem = take(RE.shortHex);
    const next = sticky(/^\s+(?:\(Inline|-{4,}|[0-9a-fA-F]{8})/);
    next.lastIndex = pos;
    if (mem && next.test(raw)) row.memory = mem;
    else pos = save;
  }
  const columnCell = (): Cell | undefined => take(RE.inlineMarker) ?? take(RE.dashes) ?? take(RE.address);
  const fixed = cols.filter((c) => c === 'childSp' || c === 'retAddr' || c === 'inlineContext' || c === 'decoded');
  for (const col of fixed) {
    take(RE.colon);
    const cell = col === 'decoded' ? take(RE.decodedToken) : col === 'inlineContext' ? take(/^[0-9a-fA-F]{8}(?=\s|$)/) : columnCell();
    if (!cell) break;
    if (col === 'childSp' && RE.inlineMarker.test(cell.text)) {
      row.inline = true;
      row.inlineCell = cell;
    } else {
      row[col] = cell;
    }
  }
  for (;;) {
    if (take(RE.colon)) continue;
    const cell = columnCell();
    if (!cell) break;
    if (RE.inlineMarker.test(cell.text)) {
      row.inline = true;
      row.inlineCell = cell;
    } else {
      row.args.push(cell);
    }
  }
  skipSpace();
  const rest = raw.slice(pos).trimEnd();
  if (!rest) {
    problems.push({ line: ln, start: indexCell?.start ?? 0, end: raw.trimEnd().length, message: 'A frame row without a call site (module!function).' });
    return undefined;
  }
  const callSite: Cell = { text: rest, start: pos, end: pos + rest.length };
  let symText = rest;
  // `[file @ line]` and the kv annotations end the call site: found from the
  // end (lastIndexOf), then checked with anchored patterns, so no pattern
  // is ever retried at every position of a long line.
  const open = symText.lastIndexOf('[');
  const src = open >= 0 ? RE.source.exec(symText.slice(open)) : null;
  if (src) {
    const cellStart = pos + open;
    const fileStart = cellStart + 1;
    const lineStart = fileStart + src[1]!.length + 3;
    row.source = {
      file: src[1]!,
      line: Number(src[2]),
      cell: { text: src[0], start: cellStart, end: cellStart + src[0].length },
      fileCell: { text: src[1]!, start: fileStart, end: fileStart + src[1]!.length },
      lineCell: { text: src[2]!, start: lineStart, end: lineStart + src[2]!.length },
    };
    symText = symText.slice(0, open);
  }
  for (;;) {
    symText = symText.trimEnd();
    if (!symText.endsWith(')')) break;
    const at = symText.lastIndexOf('(');
    if (at < 0 || !RE.annotation.test(symText.slice(at))) break;
    const text = symText.slice(at);
    row.annotations.unshift({ text, start: pos + at, end: pos + at + text.length });
    symText = symText.slice(0, at);
  }
  const sym = RE.symbol.exec(symText);
  if (!sym) {
    problems.push({ line: ln, start: pos, end: pos + rest.length, message: 'A call site that is not module!function+offset.' });
    return undefined;
  }
  row.symbol = { text: symText, start: pos, end: pos + symText.length };
  row.module = sym[1];
  row.function = sym[2] || undefined;
  row.displacement = sym[3];
  if (!row.module && row.function && /^[\w.-]+$/.test(row.function) && row.displacement && !/^0x/i.test(row.function)) {
    // `sample+0x13ae`: a module and an offset, no symbol.
    row.module = row.function;
    row.function = undefined;
  }
  row.name = row.function ? stripParameters(row.function) : symText;
  row.callSite = callSite;
  return row as FrameRow;
}

const stickies = new Map<RegExp, RegExp>();

/** The same pattern without its `^`, matching exactly at lastIndex. */
function sticky(re: RegExp): RegExp {
  let st = stickies.get(re);
  if (!st) {
    st = new RegExp(re.source.replace(/^\^/, ''), re.flags.replace('g', '') + 'y');
    stickies.set(re, st);
  }
  return st;
}

/** `main(void)` -> `main`; leaves `operator()` and template arguments alone. */
function stripParameters(fn: string): string {
  if (/operator\s*\(\)$/.test(fn)) return fn;
  return fn.replace(/\((?:[^()]*)\)$/, '') || fn;
}

function collectContexts(raw: string, ln: number, out: ParsedStackText): void {
  for (const m of raw.matchAll(RE.contextAnywhere)) {
    const start = m.index! + m[0].length - m[1]!.length;
    out.contexts.push({ line: ln, value: parseInt(m[1]!, 16) >>> 0, cell: { text: m[1]!, start, end: start + m[1]!.length } });
  }
}

/** The frame row, context value or source reference under a position. */
export function itemAt(parsed: ParsedStackText, line: number, character: number):
  | { kind: 'context'; context: ContextValue }
  | { kind: 'inline'; frame: FrameRow; cell: Cell }
  | { kind: 'frame'; frame: FrameRow; cell: Cell }
  | undefined {
  const inCell = (c: Cell | undefined) => !!c && character >= c.start && character <= c.end;
  const ctx = parsed.contexts.find((c) => c.line === line && inCell(c.cell));
  if (ctx) return { kind: 'context', context: ctx };
  const frame = parsed.frames.find((f) => f.line === line);
  if (!frame) return undefined;
  if (frame.inlineCell && inCell(frame.inlineCell)) return { kind: 'inline', frame, cell: frame.inlineCell };
  if (inCell(frame.symbol)) return { kind: 'frame', frame, cell: frame.symbol };
  return undefined;
}

/**
 * A file URI for a path as WinDbg prints it (`e:\src\a.cpp`) or as the
 * adapter maps it under Wine (`/work/src/a.c`), with `#L<line>`, which
 * VS Code opens at that line. Undefined for relative paths.
 */
export function sourceUri(file: string, line?: number): string | undefined {
  const frag = line ? `#L${line}` : '';
  const enc = (segments: string[]) => segments.map((s) => encodeURIComponent(s)).join('/');
  const win = /^([a-zA-Z]):[\\/](.*)$/.exec(file);
  if (win) return `file:///${win[1]!.toLowerCase()}%3A/${enc(win[2]!.split(/[\\/]+/))}${frag}`;
  const unc = /^\\\\([^\\]+)\\(.*)$/.exec(file);
  if (unc) return `file://${unc[1]}/${enc(unc[2]!.split(/\\+/))}${frag}`;
  if (file.startsWith('/')) return `file:///${enc(file.slice(1).split('/'))}${frag}`;
  return undefined;
}
