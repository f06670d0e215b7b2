/**
 * A value as text, the way Visual Studio's and WinDbg's watch windows show
 * it: numbers in decimal, pointers as addresses, enums by their enumerator
 * name, char arrays and char pointers with a quoted string, structs and
 * arrays with a short summary of their first parts. A value that cannot be
 * read says why, in angle brackets; nothing is guessed.
 */
import type { CType } from './types';
import { bytesOf, hexAddress, loadScalar, ValueError, type Target, type Value } from './value';
import { childValues } from './children';

/** Longest string preview, in characters. */
const MAX_STRING = 256;
/** How many parts a struct or array summary lists before "...". */
const SUMMARY_PARTS = 6;
/** A char pointer's string is read this many bytes at a time. */
const STRING_CHUNK = 64;

export function formatValue(v: Value, target: Target): string {
  try {
    return format(v, target, 0);
  } catch (e) {
    if (e instanceof ValueError) return `<${e.message}>`;
    throw e;
  }
}

function format(v: Value, target: Target, depth: number): string {
  const t = v.type;
  switch (t.kind) {
    case 'base': return formatBase(t, loadScalar(v, target));
    case 'enum': {
      const n = loadScalar(v, target) as bigint;
      const e = t.enumerators.find((x) => x.value === n);
      return e ? `${e.name} (${n})` : `${n}`;
    }
    case 'pointer': {
      const a = loadScalar(v, target) as bigint;
      const text = hexAddress(a);
      if (!isText(t.pointee) || a === 0n) return text;
      return `${text} ${stringAt(a, target)}`;
    }
    case 'array':
      if (isText(t.element)) return quote(bytesOf(v, target));
      return depth > 0 ? '{...}' : summary(v, target, true);
    case 'struct':
    case 'union':
      // A type only declared here (struct foo *p, with foo defined elsewhere or nowhere) has no members to show.
      if (!t.size && !t.members().length) return `<${t.name} has no definition in the debug information>`;
      return depth > 0 ? '{...}' : summary(v, target, false);
    case 'function': return v.location.kind === 'memory' ? `${t.name} at ${hexAddress(v.location.address)}` : t.name;
    case 'unknown': return `<${t.why}>`;
  }
}

/** Plain char holds text; unsigned char is more often bytes, shown as numbers. */
function isText(t: CType): boolean {
  return t.kind === 'base' && t.base === 'char' && t.size === 1;
}

function formatBase(t: Extract<CType, { kind: 'base' }>, n: bigint | number): string {
  if (typeof n === 'number') return String(n);
  if (t.base === 'bool') return n ? 'true' : 'false';
  if (t.base === 'char' || t.base === 'uchar') return `${n} ${charLiteral(Number(BigInt.asUintN(8, n)))}`;
  if (t.base === 'wchar') return `${n} ${charLiteral(Number(n))}`;
  return String(n);
}

function charLiteral(code: number): string {
  if (code === 0) return "'\\0'";
  if (code === 39) return "'\\''";
  if (code === 92) return "'\\\\'";
  if (code >= 32 && code < 127) return `'${String.fromCharCode(code)}'`;
  return `'\\x${code.toString(16)}'`;
}

/** The bytes up to the first NUL, as a C string literal. */
function quote(bytes: Buffer): string {
  const end = bytes.indexOf(0);
  const body = bytes.subarray(0, end < 0 ? bytes.length : end);
  let s = '';
  for (const c of body.subarray(0, MAX_STRING)) {
    if (c === 34) s += '\\"';
    else if (c === 92) s += '\\\\';
    else if (c === 10) s += '\\n';
    else if (c === 9) s += '\\t';
    else if (c >= 32 && c < 127) s += String.fromCharCode(c);
    else s += `\\x${c.toString(16).padStart(2, '0')}`;
  }
  return `"${s}"${body.length > MAX_STRING || end < 0 ? '...' : ''}`;
}

/**
 * The string a char pointer points to, read a chunk at a time (a string
 * near the end of readable memory is read a byte at a time); what stops
 * the read is said.
 */
function stringAt(address: bigint, target: Target): string {
  const out: number[] = [];
  let at = address;
  while (out.length <= MAX_STRING) {
    let chunk: Buffer;
    try {
      chunk = target.read(at, STRING_CHUNK);
    } catch {
      try {
        chunk = target.read(at, 1);
      } catch {
        return out.length ? `${quote(Buffer.from([...out, 0]))} <unreadable after ${out.length} bytes>` : '<unreadable string>';
      }
    }
    const end = chunk.indexOf(0);
    if (end >= 0) return quote(Buffer.from([...out, ...chunk.subarray(0, end + 1)]));
    out.push(...chunk);
    at += BigInt(chunk.length);
  }
  return quote(Buffer.from(out));
}

/** `{x=3 y=4}` for a struct, `{0, 1, 4, ...}` for an array. */
function summary(v: Value, target: Target, indexed: boolean): string {
  const parts = childValues(v, 0, SUMMARY_PARTS + 1);
  const shown = parts.slice(0, SUMMARY_PARTS).map((c) => {
    let text: string;
    try {
      text = format(c.value, target, 1);
    } catch (e) {
      if (!(e instanceof ValueError)) throw e;
      text = '<?>';
    }
    return indexed ? text : `${c.name}=${text}`;
  });
  const more = parts.length > SUMMARY_PARTS ? (indexed ? ', ...' : ' ...') : '';
  return `{${shown.join(indexed ? ', ' : ' ')}${more}}`;
}

