/** An address or other 64-bit value as the engines hand it to the adapter: 0x and lower-case hex digits, no padding. */
export const hex = (v: bigint): string => `0x${v.toString(16)}`;
