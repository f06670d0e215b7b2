/**
 * One address per copy of a source line. Optimized code scatters a line
 * over several address ranges, and a line of an inline function has a copy
 * in every function it was inlined into: a line breakpoint is armed once
 * per copy, at the copy's lowest address, the way Visual Studio and
 * WinDbg's `bp` bind it (arming every range would stop a step over the
 * line again on its own line, as a breakpoint). Both engines bind so.
 */
import { inlineChainAt } from './codeSpots';
import type { SymbolLookup } from './symbolLookup';

/** Identifies one copy: the physical function plus the inline chain at the address. */
function copyKey(lookup: SymbolLookup, address: bigint): string {
  const outer = lookup.nameByOffset(address);
  const start = outer ? address - BigInt(outer.displacement) : address;
  // An inline frame's displacement is measured from the start of its own
  // inlined copy, so name@start tells two copies in one function apart.
  return `${start}:${inlineChainAt(lookup, address).map((s) => `${s.name}@${s.start}`).join('/')}`;
}

/** The lowest of `addresses` (rows of one line) in each copy, in address order. */
export function lowestPerCopy(lookup: SymbolLookup, addresses: Iterable<bigint>): bigint[] {
  const byCopy = new Map<string, bigint>();
  for (const address of addresses) {
    const key = copyKey(lookup, address);
    const prev = byCopy.get(key);
    if (prev === undefined || address < prev) byCopy.set(key, address);
  }
  return [...byCopy.values()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}
