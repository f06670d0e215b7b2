/**
 * Evaluates a parsed C expression against typed values of one frame. Pure:
 * the frame comes in as a `Scope` (its variables, its registers, the
 * program's types, the debuggee's memory).
 *
 * C's rules, simplified where a debugger needs no more: integers are
 * promoted to int, or to a 64-bit type when either side is one (unsigned
 * if that side is); floating values compute in double; arrays decay to
 * pointers; pointer arithmetic scales by the pointee's size; && and ||
 * stop early, as in C (so `p && p->x` is safe).
 */
import { childValues, slice } from './children';
import type { Node, TypeName } from './parse';
import { baseType, DOUBLE, INT, INT64, isScalar, pointerTo, UINT64, type CType } from './types';
import { computed, loadScalar, memoryValue, ValueError, type Target, type Value } from './value';

export interface Scope {
  /** A local or parameter of the frame (an inline frame its own), or undefined. */
  variable(name: string): Value | undefined;
  /** A register of the frame ("rax", "eax", "rip"), or undefined. */
  register(name: string): Value | undefined;
  /** A struct, union or enum of the program by tag ("point"), or a typedef name. */
  namedType(kind: 'struct' | 'union' | 'enum' | 'typedef', name: string): CType | undefined;
  target: Target;
}

export function evaluateTree(node: Node, scope: Scope): Value {
  return new Evaluator(scope).value(node);
}

class Evaluator {
  constructor(private readonly scope: Scope) {}

  value(n: Node): Value {
    switch (n.kind) {
      case 'int': return computed(n.value > 0x7fffffffn ? (n.value > 0x7fffffffffffffffn ? UINT64 : INT64) : INT, n.value);
      case 'float': return computed(DOUBLE, n.value);
      case 'register': {
        const r = this.scope.register(n.name);
        if (!r) throw new ValueError(`There is no register "${n.name}".`);
        return r;
      }
      case 'name': {
        const v = this.scope.variable(n.name) ?? this.scope.register(n.name.toLowerCase());
        if (!v) throw new ValueError(`"${n.name}" is not a variable of this frame (unknown name).`);
        return v;
      }
      case 'member': return this.member(n.arrow ? this.deref(this.value(n.object), `${describeNode(n.object)}->${n.name}`) : this.value(n.object), n.name);
      case 'index': return this.index(this.value(n.object), this.value(n.index));
      case 'cast': return this.cast(this.typeOf(n.type), this.value(n.operand));
      case 'unary': return this.unary(n.op, n.operand);
      case 'binary': return this.binary(n.op, n.left, n.right);
    }
  }

  private member(v: Value, name: string): Value {
    const t = v.type;
    if (t.kind !== 'struct' && t.kind !== 'union') {
      throw new ValueError(`"${name}" cannot be a member of a ${t.name}${t.kind === 'pointer' ? ' (it is a pointer: use ->)' : ''}.`);
    }
    const part = childValues(v).find((p) => p.name === name);
    if (!part) throw new ValueError(`${t.name} has no member "${name}".`);
    return part.value;
  }

  /** What a pointer (or an array, decayed) points to. */
  private deref(v: Value, what: string): Value {
    const t = v.type;
    if (t.kind === 'array') return slice(v, 0, t.element);
    if (t.kind !== 'pointer') throw new ValueError(`${what}: a ${t.name} is not a pointer.`);
    if (t.pointee.kind === 'base' && t.pointee.base === 'void') throw new ValueError(`${what}: a void * cannot be dereferenced; cast it first.`);
    if (t.pointee.kind === 'function') throw new ValueError(`${what}: a function pointer cannot be dereferenced.`);
    const address = this.scalar(v) as bigint;
    if (address === 0n) throw new ValueError(`${what}: the pointer is null.`);
    return memoryValue(t.pointee, address);
  }

  private index(base: Value, index: Value): Value {
    const t = base.type;
    if (t.kind !== 'array' && t.kind !== 'pointer') throw new ValueError(`A ${t.name} cannot be indexed: it is neither an array nor a pointer.`);
    const i = this.integer(index, 'an index');
    const element = t.kind === 'array' ? t.element : t.pointee;
    if (element.size === 0) throw new ValueError(`A ${t.name} cannot be indexed: its elements have no size.`);
    if (t.kind === 'array' && base.location.kind !== 'memory') {
      if (i < 0n || i >= BigInt(t.count)) throw new ValueError(`Index ${i} is outside ${t.name}.`);
      return slice(base, Number(i) * element.size, element);
    }
    return memoryValue(element, this.addressOf(base, true) + i * BigInt(element.size));
  }

  /** The address a pointer holds, or where an array starts (`decay`). */
  private addressOf(v: Value, decay: boolean): bigint {
    if (decay && v.type.kind === 'array') {
      if (v.location.kind !== 'memory') throw new ValueError('The array is not in memory; it has no address.');
      return v.location.address;
    }
    return this.scalar(v) as bigint;
  }

  private typeOf(name: TypeName): CType {
    const m = /^(struct|union|enum) (\w+)$/.exec(name.base);
    let t = m ? this.scope.namedType(m[1] as 'struct', m[2]!) : baseType(name.base) ?? this.scope.namedType('typedef', name.base);
    if (!t) throw new ValueError(`Unknown type "${name.base}".`);
    for (let i = 0; i < name.pointers; i++) t = pointerTo(t);
    return t;
  }

  private cast(t: CType, v: Value): Value {
    if (!isScalar(t)) throw new ValueError(`Cannot cast to ${t.name}: only base, enum and pointer types can be cast to.`);
    const from = v.type;
    if (from.kind === 'array') return computed(t, this.addressOf(v, true));
    if (!isScalar(from)) throw new ValueError(`A ${from.name} cannot be cast to ${t.name}.`);
    const n = this.scalar(v);
    if (t.kind === 'pointer' && typeof n === 'number') throw new ValueError(`A floating value cannot be cast to ${t.name}.`);
    return computed(t, t.kind === 'base' && t.base === 'float' ? Number(n) : typeof n === 'number' ? BigInt(Math.trunc(n)) : n);
  }

  private unary(op: string, operand: Node): Value {
    if (op === '&') {
      const v = this.value(operand);
      if (v.bits) throw new ValueError(`${describeNode(operand)} is a bitfield; it has no address.`);
      if (v.location.kind !== 'memory') {
        throw new ValueError(`${describeNode(operand)} has no address${v.location.kind === 'register' ? ` (it lives in ${v.location.register})` : ''}.`);
      }
      return computed(pointerTo(v.type), v.location.address);
    }
    if (op === '*') return this.deref(this.value(operand), `*${describeNode(operand)}`);
    const v = this.value(operand);
    if (op === '!') return computed(INT, this.truthy(v) ? 0n : 1n);
    const n = this.arithmetic(v, `"${op}"`);
    const t = promote(v.type);
    if (op === '-') return computed(t, -n);
    if (op === '~') {
      if (typeof n === 'number') throw new ValueError('"~" needs an integer, not a floating value.');
      return computed(t, ~n);
    }
    return computed(t, n);
  }

  private binary(op: string, l: Node, r: Node): Value {
    if (op === '&&' || op === '||') {
      const left = this.truthy(this.value(l));
      if (op === '&&' && !left) return computed(INT, 0n);
      if (op === '||' && left) return computed(INT, 1n);
      return computed(INT, this.truthy(this.value(r)) ? 1n : 0n);
    }
    const a = this.value(l);
    const b = this.value(r);
    const ap = isPointerish(a.type);
    const bp = isPointerish(b.type);
    if (ap || bp) return this.pointerBinary(op, a, b, ap, bp);
    const x = this.arithmetic(a, `"${op}"`);
    const y = this.arithmetic(b, `"${op}"`);
    const t = common(a.type, b.type);
    if (['==', '!=', '<', '<=', '>', '>='].includes(op)) return computed(INT, compare(op, x, y, t) ? 1n : 0n);
    if (t.kind === 'base' && t.base === 'float') {
      const [fx, fy] = [Number(x), Number(y)];
      switch (op) {
        case '+': return computed(t, fx + fy);
        case '-': return computed(t, fx - fy);
        case '*': return computed(t, fx * fy);
        case '/': if (fy === 0) throw new ValueError('Division by zero.'); return computed(t, fx / fy);
      }
      throw new ValueError(`"${op}" needs integers, not floating values.`);
    }
    const unsigned = t.kind === 'base' && t.base === 'uint';
    const bits = t.size * 8;
    const norm = (n: bigint | number) => (unsigned ? BigInt.asUintN(bits, BigInt(n)) : BigInt.asIntN(bits, BigInt(n)));
    const [ix, iy] = [norm(x), norm(y)];
    switch (op) {
      case '+': return computed(t, ix + iy);
      case '-': return computed(t, ix - iy);
      case '*': return computed(t, ix * iy);
      case '/': if (iy === 0n) throw new ValueError('Division by zero.'); return computed(t, ix / iy);
      case '%': if (iy === 0n) throw new ValueError('Division by zero.'); return computed(t, ix % iy);
      case '<<': return computed(t, ix << (iy & 63n));
      case '>>': return computed(t, ix >> (iy & 63n));
      case '&': return computed(t, ix & iy);
      case '|': return computed(t, ix | iy);
      case '^': return computed(t, ix ^ iy);
    }
    throw new ValueError(`Unknown operator "${op}".`);
  }

  private pointerBinary(op: string, a: Value, b: Value, ap: boolean, bp: boolean): Value {
    if (ap && bp) {
      const [x, y] = [this.addressOf(a, true), this.addressOf(b, true)];
      if (['==', '!=', '<', '<=', '>', '>='].includes(op)) return computed(INT, compare(op, x, y, UINT64) ? 1n : 0n);
      if (op === '-') {
        const size = BigInt(Math.max(1, pointee(a.type).size));
        return computed(INT64, (BigInt.asIntN(64, x - y)) / size);
      }
      throw new ValueError(`"${op}" cannot combine two pointers.`);
    }
    const [p, n] = ap ? [a, b] : [b, a];
    const address = this.addressOf(p, true);
    const pt = p.type.kind === 'array' ? pointerTo(p.type.element) : p.type;
    if (['==', '!=', '<', '<=', '>', '>='].includes(op)) {
      const other = this.integer(n, `a comparison with a pointer`);
      return computed(INT, compare(op, ap ? address : other, ap ? other : address, UINT64) ? 1n : 0n);
    }
    if (op !== '+' && !(op === '-' && ap)) throw new ValueError(`"${op}" cannot be applied to a pointer and a number.`);
    const size = BigInt(pointee(pt).size);
    if (size === 0n) throw new ValueError(`Pointer arithmetic on a ${pt.name} needs a pointee with a size; cast it first.`);
    const offset = this.integer(n, 'a pointer offset') * size;
    return computed(pt, op === '+' ? address + offset : address - offset);
  }

  /** A scalar's number; structs, unions and unavailable values are refused with the reason. */
  private scalar(v: Value): bigint | number {
    if (!isScalar(v.type)) throw new ValueError(`A ${v.type.name} is not a number.`);
    return loadScalar(v, this.scope.target);
  }

  private arithmetic(v: Value, what: string): bigint | number {
    if (!isScalar(v.type)) throw new ValueError(`${what} cannot be applied to a ${v.type.name}.`);
    return this.scalar(v);
  }

  private integer(v: Value, what: string): bigint {
    const n = this.arithmetic(v, what);
    if (typeof n === 'number') throw new ValueError(`${what} must be an integer, not a floating value.`);
    return n;
  }

  /** C truthiness: non-zero numbers and non-null pointers (an array is never null). */
  private truthy(v: Value): boolean {
    if (v.type.kind === 'array') return true;
    const n = this.arithmetic(v, 'A condition');
    return typeof n === 'number' ? n !== 0 : n !== 0n;
  }
}

function isPointerish(t: CType): boolean {
  return t.kind === 'pointer' || t.kind === 'array';
}

function pointee(t: CType): CType {
  if (t.kind === 'pointer') return t.pointee;
  if (t.kind === 'array') return t.element;
  return t;
}

/** Integer promotion: below int becomes int; bools and enums too. */
function promote(t: CType): CType {
  if (t.kind === 'base' && t.base === 'float') return DOUBLE;
  if (t.size < 4 || t.kind === 'enum' || (t.kind === 'base' && t.base === 'bool')) return INT;
  if (t.kind === 'base' && (t.base === 'uint' || t.base === 'uchar' || t.base === 'wchar')) return t.size === 8 ? UINT64 : baseType('unsigned int')!;
  return t.size === 8 ? INT64 : INT;
}

/** The usual arithmetic conversions, for the sizes a debugger meets. */
function common(a: CType, b: CType): CType {
  const [x, y] = [promote(a), promote(b)];
  if (x === DOUBLE || y === DOUBLE) return DOUBLE;
  const size = Math.max(x.size, y.size);
  const unsigned = (t: CType) => t.kind === 'base' && t.base === 'uint';
  const eitherUnsigned = (x.size === size && unsigned(x)) || (y.size === size && unsigned(y));
  return size === 8 ? (eitherUnsigned ? UINT64 : INT64) : eitherUnsigned ? baseType('unsigned int')! : INT;
}

function compare(op: string, x: bigint | number, y: bigint | number, t: CType): boolean {
  let a: bigint | number = x;
  let b: bigint | number = y;
  if (typeof a === 'number' || typeof b === 'number') [a, b] = [Number(a), Number(b)];
  else if (t.kind === 'base' && t.base === 'uint') [a, b] = [BigInt.asUintN(t.size * 8, a), BigInt.asUintN(t.size * 8, b)];
  switch (op) {
    case '==': return a === b;
    case '!=': return a !== b;
    case '<': return a < b;
    case '<=': return a <= b;
    case '>': return a > b;
    default: return a >= b;
  }
}

/** An expression's text for messages. */
function describeNode(n: Node): string {
  switch (n.kind) {
    case 'name': return n.name;
    case 'register': return `$${n.name}`;
    case 'int': return String(n.value);
    case 'float': return String(n.value);
    case 'member': return `${describeNode(n.object)}${n.arrow ? '->' : '.'}${n.name}`;
    case 'index': return `${describeNode(n.object)}[${describeNode(n.index)}]`;
    case 'unary': return `${n.op}${describeNode(n.operand)}`;
    case 'cast': return `(${n.type.base}${'*'.repeat(n.type.pointers)})${describeNode(n.operand)}`;
    case 'binary': return `(${describeNode(n.left)} ${n.op} ${describeNode(n.right)})`;
  }
}
