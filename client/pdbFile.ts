/**
 * Which build a PDB file is of, read from its own records: the MSF
 * container's superblock, its stream directory, and stream 1 (the PDB
 * info stream: Version, Signature, Age, GUID), whose GUID and age are what
 * a program's CodeView (RSDS) record names. Or what is wrong with the file:
 * not a PDB, cut short, unreadable. The layout is LLVM's documented MSF
 * format (llvm.org/docs/PDB/MsfFile.html, PdbStream.html). Pure Node.
 */
import fs from 'node:fs';

const MSF_MAGIC = Buffer.from('Microsoft C/C++ MSF 7.00\r\n\x1aDS\0\0\0', 'latin1');
const SUPERBLOCK_SIZE = 56;
const PDB_INFO_STREAM = 1;

/** A GUID and age as a program's RSDS record and a PDB's info stream both hold them, in the form WinDbg prints. */
export function pdbSignature(guid: Buffer, age: number): string {
  const hex = (b: Buffer) => b.toString('hex');
  const le = (n: number, width: number) => n.toString(16).padStart(width, '0');
  const text = `${le(guid.readUInt32LE(0), 8)}-${le(guid.readUInt16LE(4), 4)}-${le(guid.readUInt16LE(6), 4)}-${hex(guid.subarray(8, 10))}-${hex(guid.subarray(10, 16))}`;
  return `{${text.toUpperCase()}} age ${age}`;
}

export type PdbRead =
  | { kind: 'pdb'; signature: string }
  | { kind: 'unreadable'; why: string }
  | { kind: 'notPdb'; why: string }
  | { kind: 'damaged'; why: string };

/** Reads a PDB's signature, or says why it has none. Never throws for a bad file. */
export function readPdb(file: string): PdbRead {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch (e) {
    return { kind: 'unreadable', why: (e as Error).message };
  }
  try {
    const size = fs.fstatSync(fd).size;
    const read = (at: number, length: number): Buffer | undefined => {
      if (at < 0 || length < 0 || at + length > size) return undefined;
      const b = Buffer.alloc(length);
      fs.readSync(fd, b, 0, length, at);
      return b;
    };
    const sb = read(0, SUPERBLOCK_SIZE);
    if (!sb || !sb.subarray(0, MSF_MAGIC.length).equals(MSF_MAGIC)) {
      const start = JSON.stringify(read(0, Math.min(12, size))!.toString('latin1').replace(/[^\x20-\x7e]/g, '.'));
      return { kind: 'notPdb', why: size === 0 ? 'it is empty' : `it starts with ${start}, not "Microsoft C/C++ MSF 7.00"` };
    }
    const blockSize = sb.readUInt32LE(32);
    const numBlocks = sb.readUInt32LE(40);
    const directoryBytes = sb.readUInt32LE(44);
    const blockMapAddr = sb.readUInt32LE(52);
    if (![512, 1024, 2048, 4096].includes(blockSize)) return { kind: 'damaged', why: `its block size, ${blockSize}, is not one a PDB uses` };
    if (size < numBlocks * blockSize) return { kind: 'damaged', why: `it is cut short: ${size} bytes of the ${numBlocks * blockSize} its header says it has` };
    const block = (n: number, length = blockSize) => (n < numBlocks ? read(n * blockSize, length) : undefined);
    const blocksOf = (bytes: number) => Math.ceil(bytes / blockSize);
    /** A stream's bytes, gathered from the blocks `numbers` lists. */
    const gather = (numbers: number[], bytes: number): Buffer | undefined => {
      const parts = numbers.map((n) => block(n));
      if (parts.some((p) => !p)) return undefined;
      return Buffer.concat(parts as Buffer[]).subarray(0, bytes);
    };
    const map = block(blockMapAddr, blocksOf(directoryBytes) * 4);
    if (!map) return { kind: 'damaged', why: 'its stream directory lies outside the file' };
    const dir = gather(Array.from({ length: blocksOf(directoryBytes) }, (_, i) => map.readUInt32LE(i * 4)), directoryBytes);
    if (!dir || dir.length < 4) return { kind: 'damaged', why: 'its stream directory lies outside the file' };
    const streams = dir.readUInt32LE(0);
    if (streams <= PDB_INFO_STREAM || 4 + streams * 4 > dir.length) return { kind: 'damaged', why: 'it has no PDB info stream' };
    const sizes = Array.from({ length: streams }, (_, i) => dir.readUInt32LE(4 + i * 4));
    // Each stream's block numbers follow the sizes, in stream order; a deleted stream's size is -1 and it has none.
    let at = 4 + streams * 4;
    for (let i = 0; i < PDB_INFO_STREAM; i++) at += sizes[i] === 0xffffffff ? 0 : blocksOf(sizes[i]!) * 4;
    const infoSize = sizes[PDB_INFO_STREAM]!;
    if (infoSize < 28 || at + blocksOf(infoSize) * 4 > dir.length) return { kind: 'damaged', why: 'its PDB info stream is missing or too short' };
    const info = gather(Array.from({ length: blocksOf(infoSize) }, (_, i) => dir.readUInt32LE(at + i * 4)), infoSize);
    if (!info) return { kind: 'damaged', why: 'its PDB info stream lies outside the file' };
    return { kind: 'pdb', signature: pdbSignature(info.subarray(12, 28), info.readUInt32LE(8)) };
  } finally {
    fs.closeSync(fd);
  }
}
