/**
 * The x64 debug control register, DR7, for a set of watches in slots 0-3
 * (Intel SDM vol. 3, 18.2.4): pure, so that the encoding is tested without
 * a thread to write it into.
 */
import type { DataWatch } from '../dataWatch';

/** DR7's bits for the armed slots: local enable, access (01 write, 11 read or write) and length (00 1, 01 2, 11 4, 10 8 bytes). */
export function dr7For(watches: Pick<DataWatch, 'size' | 'access'>[]): bigint {
  const LEN = { 1: 0b00, 2: 0b01, 4: 0b11, 8: 0b10 } as const;
  let dr7 = 0n;
  watches.forEach((w, slot) => {
    dr7 |= 1n << BigInt(2 * slot);
    dr7 |= BigInt(w.access === 'write' ? 0b01 : 0b11) << BigInt(16 + 4 * slot);
    dr7 |= BigInt(LEN[w.size]) << BigInt(18 + 4 * slot);
  });
  return dr7;
}
