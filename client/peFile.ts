/**
 * What kind of file a launch configuration's `program` is, read from its
 * PE headers: enough to refuse, with a clear message, what the engine
 * cannot debug (not a PE file, a DLL, another architecture) before a
 * session starts. Pure Node, no vscode.
 */
import fs from 'node:fs';

export type PeMachine = 'x64' | 'x86' | 'arm64' | 'arm' | 'unknown';

export interface PeInfo {
  machine: PeMachine;
  machineCode: number;
  /** IMAGE_FILE_DLL */
  dll: boolean;
  /** PE32+ (64-bit optional header). */
  pe32Plus: boolean;
  /** IMAGE_SUBSYSTEM_WINDOWS_CUI */
  console: boolean;
}

const MACHINES: Record<number, PeMachine> = { 0x8664: 'x64', 0x014c: 'x86', 0xaa64: 'arm64', 0x01c4: 'arm' };

export class ProgramError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProgramError';
  }
}

/** Reads the PE headers of a file; throws ProgramError saying what is wrong. */
export function readPe(file: string): PeInfo {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new ProgramError(`The program "${file}" does not exist. Build it first, or correct "program" in launch.json.`);
    if (code === 'EISDIR') throw new ProgramError(`"${file}" is a folder; "program" must name an .exe file.`);
    throw new ProgramError(`The program "${file}" cannot be read: ${(e as Error).message}`);
  }
  try {
    if (fs.fstatSync(fd).isDirectory()) throw new ProgramError(`"${file}" is a folder; "program" must name an .exe file.`);
    const buf = Buffer.alloc(4096);
    const n = fs.readSync(fd, buf, 0, buf.length, 0);
    const notPe = (why: string) => new ProgramError(`"${file}" is not a Windows program (PE file): ${why}. The dbgeng debugger runs Windows .exe files (built with MSVC, or with mingw-w64 on Linux).`);
    if (n < 64 || buf.readUInt16LE(0) !== 0x5a4d) throw notPe('it does not start with "MZ"');
    const peAt = buf.readUInt32LE(0x3c);
    let header = buf;
    let at = peAt;
    if (peAt + 24 + 70 > n) {
      header = Buffer.alloc(24 + 96);
      if (fs.readSync(fd, header, 0, header.length, peAt) < 24) throw notPe('its PE header is cut off');
      at = 0;
    }
    if (header.readUInt32LE(at) !== 0x00004550) throw notPe('there is no "PE" signature where its DOS header points');
    const machineCode = header.readUInt16LE(at + 4);
    const characteristics = header.readUInt16LE(at + 22);
    const magic = header.readUInt16LE(at + 24);
    const subsystem = header.readUInt16LE(at + 24 + 68);
    return {
      machine: MACHINES[machineCode] ?? 'unknown',
      machineCode,
      dll: (characteristics & 0x2000) !== 0,
      pe32Plus: magic === 0x20b,
      console: subsystem === 3,
    };
  } finally {
    fs.closeSync(fd);
  }
}

/** Checks that `file` is an x64 Windows executable the engine can launch. */
export function checkProgram(file: string): PeInfo {
  const pe = readPe(file);
  if (pe.dll) throw new ProgramError(`"${file}" is a DLL, not a program. Set "program" to the .exe that loads it.`);
  if (pe.machine !== 'x64') {
    const what = pe.machine === 'unknown' ? `machine type 0x${pe.machineCode.toString(16)}` : pe.machine;
    throw new ProgramError(`"${file}" is built for ${what}; this debugger debugs x64 programs only. Rebuild it for x64 (x86_64-w64-mingw32-gcc, or MSVC's x64 tools).`);
  }
  return pe;
}
