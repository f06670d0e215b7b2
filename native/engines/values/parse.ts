/**
 * C expressions as the watch window, hover, Debug Console and breakpoint
 * conditions write them, parsed into a tree. Pure. The grammar is C's,
 * minus assignment, calls, the comma and the conditional operator (an
 * expression here has no side effects):
 *   names (locals, parameters), registers ($rax, @rax, or rax when no
 *   variable has that name), integer literals (decimal, 0x hex, WinDbg's 0n decimal, suffixes
 *   u/l ignored), floating literals, character literals ('a'),
 *   postfix . -> [], unary - + ! ~ * & and casts to base and pointer types
 *   ((int)x, (unsigned char *)p, (struct point *)q), and the binary
 *   operators with C's precedence.
 */
import { ValueError } from './value';

export interface TypeName {
  /** "int", "unsigned char", "struct point", "union word", "enum color". */
  base: string;
  pointers: number;
}

export type Node =
  | { kind: 'int'; value: bigint }
  | { kind: 'float'; value: number }
  | { kind: 'name'; name: string }
  | { kind: 'register'; name: string }
  | { kind: 'unary'; op: '-' | '+' | '!' | '~' | '*' | '&'; operand: Node }
  | { kind: 'binary'; op: string; left: Node; right: Node }
  | { kind: 'member'; object: Node; name: string; arrow: boolean }
  | { kind: 'index'; object: Node; index: Node }
  | { kind: 'cast'; type: TypeName; operand: Node };

type Token =
  | { kind: 'int'; value: bigint; at: number }
  | { kind: 'float'; value: number; at: number }
  | { kind: 'name'; value: string; at: number }
  | { kind: 'register'; value: string; at: number }
  | { kind: 'op'; value: string; at: number };

const OPERATORS = ['->', '<<', '>>', '<=', '>=', '==', '!=', '&&', '||', '+', '-', '*', '/', '%', '<', '>', '&', '^', '|', '!', '~', '(', ')', '[', ']', '.'];

/** Words that start a type name in a cast. */
const TYPE_WORDS = new Set([
  'struct', 'union', 'enum', 'unsigned', 'signed', 'char', 'short', 'int', 'long', 'float', 'double', 'void', 'bool', '_Bool', 'wchar_t', '__int64',
  'int8_t', 'uint8_t', 'int16_t', 'uint16_t', 'int32_t', 'uint32_t', 'int64_t', 'uint64_t', 'size_t', 'intptr_t', 'uintptr_t', 'const', 'volatile',
]);

export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const rest = text.slice(i);
    const space = /^\s+/.exec(rest);
    if (space) {
      i += space[0].length;
      continue;
    }
    const float = /^(\d+\.\d*(e[+-]?\d+)?|\d+e[+-]?\d+|\.\d+(e[+-]?\d+)?)f?/i.exec(rest);
    if (float) {
      tokens.push({ kind: 'float', value: Number(float[1]), at: i });
      i += float[0].length;
      continue;
    }
    // C's decimal and 0x literals, and WinDbg's 0n decimal (what dbgeng writes and WinDbg users type).
    const int = /^(0x[0-9a-f]+|0n\d+|\d+)(?![0-9a-z_])|^(0x[0-9a-f]+|0n\d+|\d+)[ul]+(?![0-9a-z_])/i.exec(rest);
    if (int) {
      const text = int[1] ?? int[2]!;
      tokens.push({ kind: 'int', value: BigInt(/^0n/i.test(text) ? text.slice(2) : text), at: i });
      i += int[0].length;
      continue;
    }
    if (/^\d/.test(rest)) throw new ValueError(`"${/^\w+/.exec(rest)![0]}" is not a number.`);
    const char = /^'(\\x[0-9a-f]{1,2}|\\[0nt\\'"]|[^\\'])'/i.exec(rest);
    if (char) {
      tokens.push({ kind: 'int', value: BigInt(charCode(char[1]!)), at: i });
      i += char[0].length;
      continue;
    }
    const reg = /^[$@]([a-z][a-z0-9]*)/i.exec(rest);
    if (reg) {
      tokens.push({ kind: 'register', value: reg[1]!.toLowerCase(), at: i });
      i += reg[0].length;
      continue;
    }
    const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(rest);
    if (name) {
      tokens.push({ kind: 'name', value: name[0], at: i });
      i += name[0].length;
      continue;
    }
    const op = OPERATORS.find((o) => text.startsWith(o, i));
    if (!op) throw new ValueError(`Unexpected "${text[i]}" at position ${i + 1}.`);
    tokens.push({ kind: 'op', value: op, at: i });
    i += op.length;
  }
  return tokens;
}

function charCode(body: string): number {
  if (!body.startsWith('\\')) return body.charCodeAt(0);
  const escapes: Record<string, number> = { '0': 0, 'n': 10, 't': 9, '\\': 92, "'": 39, '"': 34 };
  return body[1] === 'x' || body[1] === 'X' ? parseInt(body.slice(2), 16) : escapes[body[1]!]!;
}

const MAX_NESTING = 256;

/** Binary operators by precedence, lowest first. */
const LEVELS: string[][] = [['||'], ['&&'], ['|'], ['^'], ['&'], ['==', '!='], ['<', '<=', '>', '>='], ['<<', '>>'], ['+', '-'], ['*', '/', '%']];

export function parseExpression(text: string): Node {
  const tokens = tokenize(text);
  if (!tokens.length) throw new ValueError('The expression is empty.');
  let pos = 0;
  const peek = (k = 0) => tokens[pos + k];
  const isOp = (t: Token | undefined, v: string) => t?.kind === 'op' && t.value === v;
  const describe = (t: Token | undefined) => (t ? `"${t.kind === 'int' || t.kind === 'float' ? String(t.value) : t.kind === 'register' ? `$${t.value}` : t.value}" at position ${t.at + 1}` : 'the end');
  const expect = (v: string) => {
    const t = tokens[pos];
    if (!isOp(t, v)) throw new ValueError(`Expected "${v}" but found ${describe(t)}.`);
    pos++;
  };

  const binary = (level: number): Node => {
    if (level === LEVELS.length) return unary();
    let left = binary(level + 1);
    for (;;) {
      const t = peek();
      if (t?.kind !== 'op' || !LEVELS[level]!.includes(t.value)) return left;
      pos++;
      left = { kind: 'binary', op: t.value, left, right: binary(level + 1) };
    }
  };

  const startsType = () => {
    const t = peek(1);
    return isOp(peek(), '(') && t?.kind === 'name' && TYPE_WORDS.has(t.value);
  };

  const typeName = (): TypeName => {
    const words: string[] = [];
    while (peek()?.kind === 'name') {
      const w = peek()!.value as string;
      pos++;
      if (w === 'const' || w === 'volatile') continue;
      words.push(w);
      if (w === 'struct' || w === 'union' || w === 'enum') {
        const tag = peek();
        if (tag?.kind !== 'name') throw new ValueError(`"${w}" must be followed by a name.`);
        words.push(tag.value);
        pos++;
        break;
      }
    }
    let pointers = 0;
    for (;;) {
      if (isOp(peek(), '*')) pointers++;
      else if (!(peek()?.kind === 'name' && (peek()!.value === 'const' || peek()!.value === 'volatile'))) break;
      pos++;
    }
    return { base: words.join(' '), pointers };
  };

  let depth = 0;
  const unary = (): Node => {
    // Every nesting (parentheses, unary operators, casts) passes here: bound it before the stack does.
    if (++depth > MAX_NESTING) throw new ValueError(`The expression nests deeper than ${MAX_NESTING} levels.`);
    try {
      return unaryBody();
    } finally {
      depth--;
    }
  };
  const unaryBody = (): Node => {
    const t = peek();
    if (t?.kind === 'op' && ['-', '+', '!', '~', '*', '&'].includes(t.value)) {
      pos++;
      return { kind: 'unary', op: t.value as '-', operand: unary() };
    }
    if (startsType()) {
      pos++;
      const type = typeName();
      expect(')');
      return { kind: 'cast', type, operand: unary() };
    }
    return postfix(primary());
  };

  const postfix = (node: Node): Node => {
    for (;;) {
      const t = peek();
      if (isOp(t, '.') || isOp(t, '->')) {
        pos++;
        const name = peek();
        if (name?.kind !== 'name') throw new ValueError(`Expected a member name after "${t!.value}" but found ${describe(name)}.`);
        pos++;
        node = { kind: 'member', object: node, name: name.value, arrow: t!.value === '->' };
      } else if (isOp(t, '[')) {
        pos++;
        const index = binary(0);
        expect(']');
        node = { kind: 'index', object: node, index };
      } else {
        return node;
      }
    }
  };

  const primary = (): Node => {
    const t = tokens[pos++];
    if (!t) throw new ValueError(`"${text.trim()}" ends too early.`);
    if (t.kind === 'int') return { kind: 'int', value: t.value };
    if (t.kind === 'float') return { kind: 'float', value: t.value };
    if (t.kind === 'register') return { kind: 'register', name: t.value };
    if (t.kind === 'name') return { kind: 'name', name: t.value };
    if (t.value === '(') {
      const inner = binary(0);
      expect(')');
      return inner;
    }
    throw new ValueError(`Unexpected ${describe(t)}.`);
  };

  const tree = binary(0);
  if (pos !== tokens.length) throw new ValueError(`Unexpected ${describe(tokens[pos])}.`);
  return tree;
}
