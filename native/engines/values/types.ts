/**
 * The C type model values are read, shown and computed with. Pure: the
 * dbghelp engine builds these from SymGetTypeInfo (dbghelp/types.ts), the
 * expression evaluator builds base and pointer types for casts and
 * address-of, and both format and evaluate without native code.
 */

/** How a base type's bytes are read. */
export type BaseKind = 'int' | 'uint' | 'char' | 'uchar' | 'wchar' | 'float' | 'bool' | 'void';

export interface Member {
  name: string;
  type: CType;
  /** Byte offset in the struct (of the bitfield's storage unit, for a bitfield). */
  offset: number;
  /** For a bitfield: its first bit in the storage unit, and how many bits. */
  bits?: { position: number; length: number };
}

export interface Enumerator {
  name: string;
  value: bigint;
}

export type CType =
  | { kind: 'base'; name: string; size: number; base: BaseKind }
  | { kind: 'pointer'; name: string; size: number; pointee: CType }
  | { kind: 'array'; name: string; size: number; count: number; element: CType }
  /** Members are read on first use: a struct met through a pointer may never be opened. */
  | { kind: 'struct' | 'union'; name: string; size: number; members: () => Member[] }
  | { kind: 'enum'; name: string; size: number; base: BaseKind; enumerators: Enumerator[] }
  | { kind: 'function'; name: string; size: number }
  /** What the debug information does not describe (or the reader cannot): `why` says which. */
  | { kind: 'unknown'; name: string; size: number; why: string };

export type StructType = Extract<CType, { kind: 'struct' | 'union' }>;

export function pointerTo(t: CType): CType {
  return { kind: 'pointer', name: t.name.endsWith('*') ? `${t.name}*` : `${t.name} *`, size: 8, pointee: t };
}

/** The C names the evaluator knows for casts, with their sizes and kinds (Windows x64: long is 32-bit). */
const BASE_TYPES: Record<string, { size: number; base: BaseKind }> = {
  'char': { size: 1, base: 'char' },
  'signed char': { size: 1, base: 'char' },
  'unsigned char': { size: 1, base: 'uchar' },
  'short': { size: 2, base: 'int' },
  'unsigned short': { size: 2, base: 'uint' },
  'int': { size: 4, base: 'int' },
  'unsigned int': { size: 4, base: 'uint' },
  'long': { size: 4, base: 'int' },
  'unsigned long': { size: 4, base: 'uint' },
  'long long': { size: 8, base: 'int' },
  'unsigned long long': { size: 8, base: 'uint' },
  'float': { size: 4, base: 'float' },
  'double': { size: 8, base: 'float' },
  'bool': { size: 1, base: 'bool' },
  'wchar_t': { size: 2, base: 'wchar' },
  'void': { size: 0, base: 'void' },
  'int8_t': { size: 1, base: 'char' },
  'uint8_t': { size: 1, base: 'uchar' },
  'int16_t': { size: 2, base: 'int' },
  'uint16_t': { size: 2, base: 'uint' },
  'int32_t': { size: 4, base: 'int' },
  'uint32_t': { size: 4, base: 'uint' },
  'int64_t': { size: 8, base: 'int' },
  'uint64_t': { size: 8, base: 'uint' },
  'size_t': { size: 8, base: 'uint' },
  'intptr_t': { size: 8, base: 'int' },
  'uintptr_t': { size: 8, base: 'uint' },
};

/** Spellings that name the same type as one of BASE_TYPES. */
const ALIASES: Record<string, string> = {
  'signed': 'int', 'unsigned': 'unsigned int', 'signed int': 'int', 'short int': 'short', 'signed short': 'short',
  'unsigned short int': 'unsigned short', 'long int': 'long', 'signed long': 'long', 'unsigned long int': 'unsigned long',
  'long long int': 'long long', 'signed long long': 'long long', 'unsigned long long int': 'unsigned long long', '_Bool': 'bool',
  '__int64': 'long long', 'unsigned __int64': 'unsigned long long',
};

/** A base type by its C name ("unsigned char", "int64_t"), or undefined. */
export function baseType(name: string): CType | undefined {
  const key = ALIASES[name] ?? name;
  const t = BASE_TYPES[key];
  return t && { kind: 'base', name: key, size: t.size, base: t.base };
}

export const INT = baseType('int')!;
export const INT64 = baseType('long long')!;
export const UINT64 = baseType('unsigned long long')!;
export const DOUBLE = baseType('double')!;

/** True for the types whose values are one number: base types, enums and pointers. */
export function isScalar(t: CType): boolean {
  return (t.kind === 'base' && t.base !== 'void') || t.kind === 'enum' || t.kind === 'pointer';
}

export function isSigned(t: CType): boolean {
  const base = t.kind === 'base' || t.kind === 'enum' ? t.base : undefined;
  return base === 'int' || base === 'char' || base === 'float';
}
