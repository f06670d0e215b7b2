/**
 * The parts of a structured value: a struct's or union's members, an
 * array's elements, what a pointer points to (one part, `*name`, as
 * WinDbg and Visual Studio show it). Pure: parts are Values at addresses
 * (or slices of a value's bytes); nothing is read until they are shown.
 */
import type { CType } from './types';
import { ValueError, type Value } from './value';

export interface Part {
  name: string;
  kind: 'member' | 'element';
  value: Value;
}

/** How a value's parts are counted: named (members, the pointee) or indexed (elements). */
export function partCounts(v: Value): { named: number; indexed: number } {
  const t = v.type;
  if (t.kind === 'struct' || t.kind === 'union') return { named: t.members().length, indexed: 0 };
  if (t.kind === 'array') return { named: 0, indexed: t.count };
  if (t.kind === 'pointer' && hasPointee(t.pointee)) return { named: 1, indexed: 0 };
  return { named: 0, indexed: 0 };
}

/** Whether a pointer to `t` is worth opening: not void, not a function. */
function hasPointee(t: CType): boolean {
  return t.kind !== 'function' && !(t.kind === 'base' && t.base === 'void') && t.size > 0;
}

/**
 * Parts [from, from+count) (all when count is undefined; a negative start
 * counts as 0). A pointer's part needs `pointer`: the address it holds, and
 * its own name for `*name`.
 */
export function childValues(v: Value, from = 0, count?: number, pointer?: { address: bigint; name: string }): Part[] {
  const t = v.type;
  const start = Math.max(0, Math.floor(from));
  const end = (n: number) => (count === undefined ? n : Math.min(n, start + count));
  if (t.kind === 'struct' || t.kind === 'union') {
    return t.members().slice(start, end(t.members().length)).map((m) => ({
      name: m.name, kind: 'member' as const, value: { ...slice(v, m.offset, m.type), bits: m.bits },
    }));
  }
  if (t.kind === 'array') {
    const out: Part[] = [];
    for (let i = start; i < end(t.count); i++) out.push({ name: `[${i}]`, kind: 'element', value: slice(v, i * t.element.size, t.element) });
    return out;
  }
  if (t.kind === 'pointer' && pointer && start === 0 && hasPointee(t.pointee)) {
    if (pointer.address === 0n) return [];
    return [{ name: `*${pointer.name}`, kind: 'member', value: { type: t.pointee, location: { kind: 'memory', address: pointer.address } } }];
  }
  return [];
}

/** The part of `v` at byte `offset` with type `t`: at an address, or a slice of its bytes. */
export function slice(v: Value, offset: number, t: CType): Value {
  if (v.location.kind === 'memory') return { type: t, location: { kind: 'memory', address: v.location.address + BigInt(offset) } };
  if (v.bytes) {
    if (offset + t.size > v.bytes.length) throw new ValueError(`The part at offset ${offset} lies outside the value.`);
    return { type: t, location: { kind: 'computed' }, bytes: v.bytes.subarray(offset, offset + t.size) };
  }
  return { type: t, location: v.location };
}
