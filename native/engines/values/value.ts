/**
 * A typed value and where it lives, and reading its bytes. Pure: the
 * debuggee's memory comes in through `Target`.
 */
import { isSigned, type CType } from './types';

/** A value the user can act on: what is wrong is said, never guessed. */
export class ValueError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ValueError';
  }
}

/** The debuggee's memory as the program sees it. */
export interface Target {
  /** Reads exactly `size` bytes; throws ValueError ("Cannot read memory at 0x...") otherwise. */
  read(address: bigint, size: number): Buffer;
  write(address: bigint, bytes: Buffer): void;
}

export type Location =
  /** In the debuggee's memory. */
  | { kind: 'memory'; address: bigint }
  /** In a register of the frame (its bytes are in `Value.bytes`). */
  | { kind: 'register'; register: string }
  /** Computed: only its bytes exist. */
  | { kind: 'computed' }
  /** The debug information gives no place to read it from. */
  | { kind: 'unavailable'; why: string };

export interface Value {
  type: CType;
  location: Location;
  /** The bytes, when they are not in memory (registers, computed values). */
  bytes?: Buffer;
  /** A bitfield: its bits within the storage unit at `location`. */
  bits?: { position: number; length: number };
}

export const hexAddress = (a: bigint) => `0x${a.toString(16).padStart(16, '0')}`;

export function memoryValue(type: CType, address: bigint): Value {
  return { type, location: { kind: 'memory', address } };
}

/** The bytes of a value (for a bitfield: of its storage unit). */
export function bytesOf(v: Value, target: Target): Buffer {
  if (v.bytes) return v.bytes;
  if (v.location.kind === 'memory') return target.read(v.location.address, storageSize(v));
  if (v.location.kind === 'unavailable') throw new ValueError(v.location.why);
  throw new ValueError('The value has no bytes to read.');
}

/** Bytes a value occupies; a bitfield its whole bits rounded up to bytes. */
export function storageSize(v: Value): number {
  return v.bits ? Math.ceil((v.bits.position + v.bits.length) / 8) : v.type.size;
}

/** A scalar as a number: bigint for integers, enums, pointers and bools; number for floats. */
export function loadScalar(v: Value, target: Target): bigint | number {
  const t = v.type;
  const b = bytesOf(v, target);
  if (t.kind === 'base' && t.base === 'float') {
    if (b.length === 4) return b.readFloatLE(0);
    if (b.length === 8) return b.readDoubleLE(0);
    throw new ValueError(`A ${b.length}-byte floating-point value is not supported.`);
  }
  if (!(t.kind === 'base' || t.kind === 'enum' || t.kind === 'pointer')) throw new ValueError(`A ${t.name} is not a number.`);
  if (t.kind === 'base' && t.base === 'void') throw new ValueError('A void value has no number.');
  let raw = 0n;
  for (let i = b.length - 1; i >= 0; i--) raw = (raw << 8n) | BigInt(b[i]!);
  if (v.bits) {
    raw = (raw >> BigInt(v.bits.position)) & ((1n << BigInt(v.bits.length)) - 1n);
    return isSigned(t) ? BigInt.asIntN(v.bits.length, raw) : raw;
  }
  return isSigned(t) && t.kind !== 'pointer' ? BigInt.asIntN(b.length * 8, raw) : raw;
}

/** The bytes of a scalar of type `t` (integers wrap to its width, as C converts). */
export function encodeScalar(t: CType, n: bigint | number): Buffer {
  const out = Buffer.alloc(t.size);
  if (t.kind === 'base' && t.base === 'float') {
    const f = typeof n === 'number' ? n : Number(n);
    if (t.size === 4) out.writeFloatLE(f);
    else out.writeDoubleLE(f);
    return out;
  }
  let i = typeof n === 'bigint' ? n : BigInt(Math.trunc(n));
  if (t.kind === 'base' && t.base === 'bool') i = i ? 1n : 0n;
  const wrapped = BigInt.asUintN(t.size * 8, i);
  for (let k = 0; k < t.size; k++) out[k] = Number((wrapped >> BigInt(8 * k)) & 0xffn);
  return out;
}

/** A computed scalar of type `t`. */
export function computed(t: CType, n: bigint | number): Value {
  return { type: t, location: { kind: 'computed' }, bytes: encodeScalar(t, n) };
}

/**
 * Stores a scalar into a value that lives in memory (a bitfield: only its
 * bits). Registers are the engine's to write; this says so.
 */
export function storeScalar(v: Value, n: bigint | number, target: Target): void {
  if (v.location.kind !== 'memory') {
    throw new ValueError(v.location.kind === 'unavailable' ? v.location.why : 'Only values in memory can be set here.');
  }
  if (!v.bits) {
    target.write(v.location.address, encodeScalar(v.type, n));
    return;
  }
  const size = storageSize(v);
  const old = target.read(v.location.address, size);
  let unit = 0n;
  for (let i = size - 1; i >= 0; i--) unit = (unit << 8n) | BigInt(old[i]!);
  const mask = ((1n << BigInt(v.bits.length)) - 1n) << BigInt(v.bits.position);
  const bits = (BigInt.asUintN(v.bits.length, typeof n === 'bigint' ? n : BigInt(Math.trunc(n))) << BigInt(v.bits.position)) & mask;
  unit = (unit & ~mask) | bits;
  const out = Buffer.alloc(size);
  for (let i = 0; i < size; i++) out[i] = Number((unit >> BigInt(8 * i)) & 0xffn);
  target.write(v.location.address, out);
}

/** A number typed by the user for a scalar of type `t` ("42", "-1", "0x10", "true", "1.5", an enumerator). */
export function parseScalarText(text: string, t: CType): bigint | number {
  const s = text.trim();
  if (t.kind === 'base' && t.base === 'float') {
    const f = Number(s);
    if (!s || !Number.isFinite(f)) throw new ValueError(`"${text}" is not a number.`);
    return f;
  }
  if (t.kind === 'enum') {
    const e = t.enumerators.find((x) => x.name === s);
    if (e) return e.value;
  }
  if (t.kind === 'base' && t.base === 'void') throw new ValueError('A void value cannot be set.');
  if (!(t.kind === 'base' || t.kind === 'enum' || t.kind === 'pointer')) throw new ValueError(`Only numbers, booleans, enums and pointers can be set; this is a ${t.name}.`);
  if (s === 'true' || s === 'false') return s === 'true' ? 1n : 0n;
  const m = /^(-?)(0x[0-9a-f]+|\d+)$/i.exec(s);
  if (!m) throw new ValueError(`"${text}" is not a number.`);
  const n = BigInt(m[2]!);
  return m[1] ? -n : n;
}
