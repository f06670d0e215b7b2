/**
 * What debug information a Windows program carries, read from its PE
 * headers without running anything: the CodeView (RSDS) record of its debug
 * directory, which names the PDB an MSVC or lld link wrote, and whether DWARF
 * sections (.debug_info) are in the image, as gcc and clang/mingw leave them.
 *
 * It decides which dbghelp reads the program: Microsoft's reads PDB only,
 * Wine's reads DWARF (and some PDB).
 */
import fs from 'node:fs';
import { pdbSignature } from './pdbFile';

export interface DebugInfo {
  /** The PDB path the image's CodeView record names (as the linker wrote it). */
  pdb?: string;
  /** The PDB's GUID and age, as in the RSDS record (for messages). */
  pdbSignature?: string;
  /** The image has a .debug_info section (DWARF). */
  dwarf: boolean;
}

const IMAGE_DEBUG_TYPE_CODEVIEW = 2;
const RSDS = 0x53445352;

export class NotAProgramError extends Error {}

/** Reads the headers of a PE file; throws NotAProgramError when it is not one. */
export function readDebugInfo(file: string): DebugInfo {
  const fd = fs.openSync(file, 'r');
  try {
    const size = fs.fstatSync(fd).size;
    const read = (at: number, length: number): Buffer => {
      const b = Buffer.alloc(length);
      if (at < 0 || at + length > size) throw new NotAProgramError(`${file} is not a Windows program (its headers run past the end of the file)`);
      fs.readSync(fd, b, 0, length, at);
      return b;
    };
    if (read(0, 2).toString('latin1') !== 'MZ') throw new NotAProgramError(`${file} is not a Windows program (no MZ header)`);
    const pe = read(0x3c, 4).readUInt32LE(0);
    if (read(pe, 4).readUInt32LE(0) !== 0x4550) throw new NotAProgramError(`${file} is not a Windows program (no PE signature)`);
    const coff = read(pe + 4, 20);
    const sectionCount = coff.readUInt16LE(2);
    const symbolTable = coff.readUInt32LE(8);
    const symbolCount = coff.readUInt32LE(12);
    const optionalSize = coff.readUInt16LE(16);
    const optional = read(pe + 24, optionalSize);
    const pe32plus = optional.readUInt16LE(0) === 0x20b;
    // Data directory 6 is the debug directory.
    const dirs = pe32plus ? 112 : 96;
    const debugRva = optionalSize >= dirs + 7 * 8 ? optional.readUInt32LE(dirs + 6 * 8) : 0;
    const debugSize = optionalSize >= dirs + 7 * 8 ? optional.readUInt32LE(dirs + 6 * 8 + 4) : 0;
    const sections = read(pe + 24 + optionalSize, sectionCount * 40);
    // Long section names (/4 -> offset into the COFF string table), as mingw writes .debug_info.
    const stringTable = symbolTable ? symbolTable + symbolCount * 18 : 0;
    const names: string[] = [];
    const table: { va: number; vsize: number; raw: number }[] = [];
    for (let i = 0; i < sectionCount; i++) {
      const s = sections.subarray(i * 40, i * 40 + 40);
      let name = s.subarray(0, 8).toString('latin1').replace(/\0.*$/, '');
      if (name.startsWith('/') && stringTable) {
        const at = stringTable + Number(name.slice(1));
        name = at < size ? read(at, Math.min(64, size - at)).toString('latin1').replace(/\0.*$/s, '') : name;
      }
      names.push(name);
      table.push({ va: s.readUInt32LE(12), vsize: Math.max(s.readUInt32LE(8), s.readUInt32LE(16)), raw: s.readUInt32LE(20) });
    }
    const fileOffset = (rva: number) => {
      const s = table.find((t) => rva >= t.va && rva < t.va + t.vsize);
      return s ? s.raw + (rva - s.va) : undefined;
    };
    const info: DebugInfo = { dwarf: names.includes('.debug_info') };
    const dirAt = debugRva ? fileOffset(debugRva) : undefined;
    if (dirAt !== undefined) {
      for (let k = 0; k + 28 <= debugSize; k += 28) {
        const entry = read(dirAt + k, 28);
        if (entry.readUInt32LE(12) !== IMAGE_DEBUG_TYPE_CODEVIEW) continue;
        const dataSize = entry.readUInt32LE(16);
        const dataAt = entry.readUInt32LE(24);
        if (dataSize < 24) continue;
        const cv = read(dataAt, Math.min(dataSize, 24 + 1024));
        if (cv.readUInt32LE(0) !== RSDS) continue;
        info.pdbSignature = pdbSignature(cv.subarray(4, 20), cv.readUInt32LE(20));
        info.pdb = cv.subarray(24).toString('utf8').replace(/\0.*$/s, '');
      }
    }
    return info;
  } finally {
    fs.closeSync(fd);
  }
}
