/**
 * DAP value formatting (supportsValueFormattingOptions): VS Code's "hex"
 * toggle asks for `format: { hex: true }` on variables and evaluate. The
 * engines write integers in decimal; here a decimal integer becomes hex in
 * its type's width (a negative one as its two's complement, as a debugger
 * shows the bits: an int -1 is 0xffffffff). Everything else (pointers,
 * already hex; floats; structures; text) stays as the engine wrote it.
 */
import type { DebugProtocol } from '@vscode/debugprotocol';

/** Width in bits of a C integer type, as Windows x64 (LLP64) has them; undefined when not known to be an integer. */
function integerBits(type: string | undefined): number | undefined {
  if (!type) return undefined;
  const t = type.replace(/\b(const|volatile|signed|unsigned)\b/g, ' ').replace(/\s+/g, ' ').trim();
  if (/^(char|__int8|bool|_Bool|int8_t|uint8_t|BYTE|BOOLEAN)$/.test(t)) return 8;
  if (/^(short|short int|__int16|wchar_t|char16_t|int16_t|uint16_t|WORD)$/.test(t)) return 16;
  if (/^(int|long|long int|__int32|int32_t|uint32_t|char32_t|DWORD|BOOL|LONG|ULONG|UINT)$/.test(t) || t === '') return 32;
  if (/^(long long|long long int|__int64|int64_t|uint64_t|size_t|ssize_t|ptrdiff_t|intptr_t|uintptr_t|DWORD64|ULONG64|LONG64|ULONGLONG|LONGLONG|SIZE_T)$/.test(t)) return 64;
  return undefined;
}

export function formatValue(value: string, type: string | undefined, format: DebugProtocol.ValueFormat | undefined): string {
  if (!format?.hex || !/^-?\d+$/.test(value)) return value;
  const n = BigInt(value);
  const bits = integerBits(type) ?? (n >= -(2n ** 31n) && n < 2n ** 32n ? 32 : 64);
  return `0x${BigInt.asUintN(bits, n).toString(16)}`;
}
