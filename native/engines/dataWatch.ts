/**
 * Data breakpoints, the part every engine shares: which values can be
 * watched (a scalar of 1, 2, 4 or 8 bytes at an address aligned to its
 * size: what the x64 debug registers, and so dbgeng's `ba`, can watch),
 * and how a stop says what changed, the value shown as its type reads it.
 */

export type WatchSize = 1 | 2 | 4 | 8;
/** x64 has four debug registers: at most four values are watched at once. */
export const MAX_WATCHES = 4;
export type WatchAccess = 'write' | 'readWrite';

/** One watched value, as the adapter hands it to an engine. */
export interface DataWatch {
  address: string;
  size: WatchSize;
  access: WatchAccess;
  /** The expression the user watches, and its type: for the stop's description. */
  name: string;
  type: string;
}

/** Size of a scalar type as the engines spell it (Windows x64: long is 4 bytes), or undefined for anything else. */
export function scalarSize(type: string): WatchSize | undefined {
  const t = type.replace(/\b(const|volatile|signed)\b/g, ' ').replace(/\s+/g, ' ').trim();
  if (/\*$/.test(t) || /\(\*\)/.test(t)) return 8;
  const base = t.replace(/^unsigned\s*/, '').trim() || 'int';
  const sizes: Record<string, WatchSize> = {
    char: 1, bool: 1, _Bool: 1, __int8: 1, int8_t: 1, uint8_t: 1, BYTE: 1, UCHAR: 1,
    short: 2, 'short int': 2, wchar_t: 2, __int16: 2, int16_t: 2, uint16_t: 2, WORD: 2, USHORT: 2,
    int: 4, long: 4, 'long int': 4, float: 4, __int32: 4, int32_t: 4, uint32_t: 4, DWORD: 4, ULONG: 4, LONG: 4,
    'long long': 8, 'long long int': 8, double: 8, __int64: 8, int64_t: 8, uint64_t: 8, size_t: 8, ULONG64: 8, DWORD64: 8,
  };
  return sizes[base];
}

/** Why a data breakpoint is refused when four are armed already. */
export const noRegisterLeft = `the processor has ${MAX_WATCHES} debug registers, and ${MAX_WATCHES} data breakpoints are set already; remove one first`;

/** Why a value cannot be watched, or undefined when it can. */
export function unwatchable(address: string | undefined, type: string): string | undefined {
  if (!address) return 'it is not in memory (a register or a computed value); watch a variable that lives in memory';
  const size = scalarSize(type);
  if (!size) return `its type (${type}) is not a scalar of 1, 2, 4 or 8 bytes, which is what the processor's debug registers can watch; watch one of its members instead`;
  if (BigInt(address) % BigInt(size) !== 0n) return `it is not aligned to its size (${size} bytes at ${address}), which the processor's debug registers require`;
  return undefined;
}

/** A value of the watched type from its bytes (little-endian), as the Variables view shows it. */
export function formatWatched(bytes: Buffer, type: string): string {
  const size = bytes.length;
  const t = type.replace(/\b(const|volatile)\b/g, ' ').trim();
  if (size !== scalarSize(type)) return `0x${Buffer.from(bytes).reverse().toString('hex')}`;
  if (/\*$/.test(t)) return `0x${bytes.readBigUInt64LE(0).toString(16).padStart(16, '0')}`;
  if (/^float$/.test(t)) return String(bytes.readFloatLE(0));
  if (/^double$/.test(t)) return String(bytes.readDoubleLE(0));
  const unsigned = /\bunsigned\b|^(uint\d+_t|size_t|BYTE|UCHAR|WORD|USHORT|DWORD|ULONG|ULONG64|DWORD64|bool|_Bool)$/.test(t);
  const n = size === 8 ? bytes.readBigUInt64LE(0) : BigInt(bytes.readUIntLE(0, size));
  return String(unsigned ? n : BigInt.asIntN(size * 8, n));
}

/** What a data breakpoint's stop says: the value's name, and its old and new value. */
export function describeDataHit(watch: DataWatch, before: Buffer, after: Buffer): string {
  const was = formatWatched(before, watch.type);
  const now = formatWatched(after, watch.type);
  return was === now ? `${watch.name} was ${watch.access === 'write' ? 'written' : 'accessed'} (value ${now})` : `${watch.name} changed from ${was} to ${now}`;
}
