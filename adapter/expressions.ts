/**
 * A small C-like expression language for breakpoint conditions, logpoint
 * messages, watch and hover: integer literals (decimal, 0x hex), names
 * (locals, parameters, registers such as rcx or $rcx), unary - ! ~,
 * * / % + - << >> < <= > >= == != & ^ | && ||, and parentheses.
 *
 * Values are BigInt. A name that has no readable value makes the whole
 * expression fail with a message saying which, rather than guess.
 */

export class ExpressionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ExpressionError';
  }
}

/** Resolves a name to a value, or undefined when it is not known or not readable. */
export type Lookup = (name: string) => bigint | undefined;

type Token = { kind: 'num'; value: bigint } | { kind: 'name'; value: string } | { kind: 'op'; value: string };

const OPERATORS = ['<<', '>>', '<=', '>=', '==', '!=', '&&', '||', '+', '-', '*', '/', '%', '<', '>', '&', '^', '|', '!', '~', '(', ')'];

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const num = /^(0x[0-9a-fA-F]+|\d+)[uUlL]*/.exec(text.slice(i));
    if (num) {
      tokens.push({ kind: 'num', value: BigInt(num[1]!) });
      i += num[0].length;
      continue;
    }
    const name = /^[$@]?[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i));
    if (name) {
      tokens.push({ kind: 'name', value: name[0].replace(/^[$@]/, '') });
      i += name[0].length;
      continue;
    }
    const op = OPERATORS.find((o) => text.startsWith(o, i));
    if (!op) throw new ExpressionError(`Unexpected "${c}" in "${text}".`);
    tokens.push({ kind: 'op', value: op });
    i += op.length;
  }
  return tokens;
}

/** Binary operators by precedence, lowest first. */
const LEVELS: string[][] = [['||'], ['&&'], ['|'], ['^'], ['&'], ['==', '!='], ['<', '<=', '>', '>='], ['<<', '>>'], ['+', '-'], ['*', '/', '%']];

export function evaluateExpression(text: string, lookup: Lookup): bigint {
  const tokens = tokenize(text);
  if (!tokens.length) throw new ExpressionError('The expression is empty.');
  let pos = 0;
  const peek = () => tokens[pos];
  const binary = (level: number): bigint => {
    if (level === LEVELS.length) return unary();
    let left = binary(level + 1);
    for (;;) {
      const t = peek();
      if (!t || t.kind !== 'op' || !LEVELS[level]!.includes(t.value)) return left;
      pos++;
      // && and || evaluate both sides: conditions have no side effects.
      left = apply(t.value, left, binary(level + 1));
    }
  };
  const unary = (): bigint => {
    const t = peek();
    if (t?.kind === 'op' && (t.value === '-' || t.value === '!' || t.value === '~' || t.value === '+')) {
      pos++;
      const v = unary();
      return t.value === '-' ? -v : t.value === '!' ? (v === 0n ? 1n : 0n) : t.value === '~' ? ~v : v;
    }
    return primary();
  };
  const primary = (): bigint => {
    const t = tokens[pos++];
    if (!t) throw new ExpressionError(`"${text}" ends too early.`);
    if (t.kind === 'num') return t.value;
    if (t.kind === 'name') {
      const v = lookup(t.value);
      if (v === undefined) throw new ExpressionError(`"${t.value}" has no readable value here.`);
      return v;
    }
    if (t.value === '(') {
      const v = binary(0);
      const close = tokens[pos++];
      if (close?.kind !== 'op' || close.value !== ')') throw new ExpressionError(`Missing ")" in "${text}".`);
      return v;
    }
    throw new ExpressionError(`Unexpected "${t.value}" in "${text}".`);
  };
  const value = binary(0);
  if (pos !== tokens.length) throw new ExpressionError(`Unexpected "${(tokens[pos] as Token).value}" in "${text}".`);
  return value;
}

function apply(op: string, a: bigint, b: bigint): bigint {
  const bool = (x: boolean) => (x ? 1n : 0n);
  switch (op) {
    case '||': return bool(a !== 0n || b !== 0n);
    case '&&': return bool(a !== 0n && b !== 0n);
    case '|': return a | b;
    case '^': return a ^ b;
    case '&': return a & b;
    case '==': return bool(a === b);
    case '!=': return bool(a !== b);
    case '<': return bool(a < b);
    case '<=': return bool(a <= b);
    case '>': return bool(a > b);
    case '>=': return bool(a >= b);
    case '<<': return a << b;
    case '>>': return a >> b;
    case '+': return a + b;
    case '-': return a - b;
    case '*': return a * b;
    case '/': if (b === 0n) throw new ExpressionError('Division by zero.'); return a / b;
    case '%': if (b === 0n) throw new ExpressionError('Division by zero.'); return a % b;
  }
  throw new ExpressionError(`Unknown operator ${op}.`);
}

/**
 * A hit condition as VS Code users write them: "5" or "==5" (the 5th hit),
 * ">=5", ">5", "<=5", "<5", "%5" (every 5th hit).
 */
export function hitConditionMet(condition: string, hits: number): boolean {
  const m = /^\s*(==|>=|<=|>|<|%)?\s*(\d+)\s*$/.exec(condition);
  if (!m) throw new ExpressionError(`Hit count "${condition}" is not understood. Write a number (5), or >=5, >5, <=5, <5, ==5 or %5.`);
  const n = Number(m[2]);
  switch (m[1]) {
    case '>=': return hits >= n;
    case '>': return hits > n;
    case '<=': return hits <= n;
    case '<': return hits < n;
    case '%': return n > 0 && hits % n === 0;
    default: return hits === n;
  }
}

/** A logpoint message: text with {expression} parts replaced by their values. */
export function interpolate(message: string, lookup: Lookup): string {
  return message.replace(/\{([^{}]+)\}/g, (_m, expr: string) => {
    try {
      return String(evaluateExpression(expr, lookup));
    } catch (e) {
      return `<${(e as Error).message}>`;
    }
  });
}
