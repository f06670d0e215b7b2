/**
 * What a program's own debug records say a debugger must show, for either
 * format, decoded without any debugger engine:
 *   PDB    test/support/pdbRecords.ts (llvm-pdbutil's dump, S_INLINESITE
 *          annotations decoded here);
 *   DWARF  llvm-symbolizer --inlining, which reads DW_TAG_inlined_subroutine
 *          and the line program correctly (its PDB reader is the one that
 *          reads inline rows one step early, so it is not used for PDB).
 * Both answer in the same shape: the rows of a stack whose physical frames
 * are at the given addresses, each caller looked up at its return address
 * minus one (the call instruction), innermost first.
 */
import { execFileSync } from 'node:child_process';
import { imageBase, stackShownAt as pdbStackShownAt, type ShownFrame } from './pdbRecords';

export type { ShownFrame };

export interface DebugRecords {
  format: 'pdb' | 'dwarf';
  stackShownAt(addresses: bigint[]): ShownFrame[];
}

export function pdbRecords(image: string, pdb: string): DebugRecords {
  const base = imageBase(image);
  return { format: 'pdb', stackShownAt: (addresses) => pdbStackShownAt(pdb, base, addresses) };
}

export function dwarfRecords(image: string): DebugRecords {
  return {
    format: 'dwarf',
    stackShownAt: (addresses) => addresses.flatMap((a, i) => symbolize(image, a - (i > 0 ? 1n : 0n))),
  };
}

/** llvm-symbolizer's inline chain at a virtual address of the image: "name\nfile:line:col\n" per frame, innermost first. */
function symbolize(image: string, address: bigint): ShownFrame[] {
  const out = execFileSync('llvm-symbolizer', [`--obj=${image}`, '--inlining', '--functions=short', `0x${address.toString(16)}`], { encoding: 'utf8' });
  const lines = out.split('\n').filter((l) => l.length > 0);
  const frames: ShownFrame[] = [];
  for (let i = 0; i + 1 < lines.length; i += 2) {
    const line = Number(/:(\d+):\d+$/.exec(lines[i + 1]!)?.[1] ?? 0);
    frames.push({ name: lines[i]!, inline: true, line: line || undefined });
  }
  if (frames.length === 0 || frames[0]!.name === '??') throw new Error(`${image}: llvm-symbolizer knows nothing at 0x${address.toString(16)}`);
  // The outermost function of the chain is the physical one.
  frames[frames.length - 1]!.inline = false;
  return frames;
}
