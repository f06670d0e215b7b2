/**
 * What kind of file a `dumpFile` is, read from its own header before
 * dbgeng is given it: a user-mode minidump of an x64 process, whole, or
 * something to refuse with a message that says what the file is. dbgeng
 * itself answers a bad file with a bare HRESULT (or, for a cut-off one,
 * with a stack that ends in nothing); this says why.
 *
 * The layout is minidumpapiset.h's: MINIDUMP_HEADER (32 bytes: Signature
 * "MDMP", Version, NumberOfStreams, StreamDirectoryRva, ...), then the
 * stream directory, an array of MINIDUMP_DIRECTORY (StreamType, DataSize,
 * Rva: 12 bytes each); SystemInfoStream (7) begins with
 * ProcessorArchitecture. Pure Node, no vscode.
 */
import fs from 'node:fs';

const MINIDUMP_SIGNATURE = 0x504d444d; // "MDMP"
const MINIDUMP_VERSION = 0xa793;
const HEADER_SIZE = 32;
const DIRECTORY_ENTRY = 12;
const SYSTEM_INFO_STREAM = 7;
const THREAD_LIST_STREAM = 3;
/** PROCESSOR_ARCHITECTURE_* as SYSTEM_INFO and MINIDUMP_SYSTEM_INFO give it. */
const ARCHITECTURES: Record<number, string> = { 0: '32-bit x86', 5: 'ARM', 6: 'Itanium', 9: 'x64', 12: 'ARM64' };
const AMD64 = 9;

export class DumpError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DumpError';
  }
}

export interface DumpInfo {
  streams: number;
  /** The process's architecture, from SystemInfoStream. */
  architecture: string;
}

/** Reads a crash dump's header and stream directory; throws DumpError saying what the file is when it is not one dbgeng can open here. */
export function checkDump(file: string): DumpInfo {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new DumpError(`The crash dump "${file}" does not exist. Set "dumpFile" to the full path of a .dmp file.`);
    if (code === 'EISDIR') throw new DumpError(`"${file}" is a folder, not a crash dump. Set "dumpFile" to a .dmp file.`);
    throw new DumpError(`The crash dump "${file}" cannot be read: ${(e as Error).message}`);
  }
  try {
    const stat = fs.fstatSync(fd);
    if (stat.isDirectory()) throw new DumpError(`"${file}" is a folder, not a crash dump. Set "dumpFile" to a .dmp file.`);
    return checkOpenDump(file, fd, stat.size);
  } finally {
    fs.closeSync(fd);
  }
}

function checkOpenDump(file: string, fd: number, size: number): DumpInfo {
  const readAt = (position: number, length: number): Buffer => {
    const buf = Buffer.alloc(length);
    return buf.subarray(0, fs.readSync(fd, buf, 0, length, position));
  };
  if (size === 0) throw new DumpError(`"${file}" is empty (0 bytes), not a crash dump: whatever wrote it stopped before it began. Write the dump again.`);
  const data = readAt(0, HEADER_SIZE);
  if (size < 4 || data.readUInt32LE(0) !== MINIDUMP_SIGNATURE) throw new DumpError(notADump(file, data, size));
  if (size < HEADER_SIZE) throw new DumpError(`"${file}" is cut short: it has ${size} bytes, less than a minidump's header alone (${HEADER_SIZE}). It was not written completely; write the dump again.`);
  const version = data.readUInt32LE(4) & 0xffff;
  if (version !== MINIDUMP_VERSION) {
    throw new DumpError(`"${file}" starts like a minidump but its version is 0x${version.toString(16)}, not 0x${MINIDUMP_VERSION.toString(16)}: it is damaged.`);
  }
  const streams = data.readUInt32LE(8);
  const directory = data.readUInt32LE(12);
  const cutShort = (what: string, end: number) => new DumpError(
    `"${file}" is cut short: it has ${size} bytes, but ${what} runs to byte ${end}. It was not written completely (or was truncated since); write the dump again.`);
  if (directory + streams * DIRECTORY_ENTRY > size) throw cutShort(`its stream directory (${streams} streams)`, directory + streams * DIRECTORY_ENTRY);
  const dir = readAt(directory, streams * DIRECTORY_ENTRY);
  let architecture: string | undefined;
  let threads = false;
  for (let i = 0; i < streams; i++) {
    const type = dir.readUInt32LE(i * DIRECTORY_ENTRY);
    const length = dir.readUInt32LE(i * DIRECTORY_ENTRY + 4);
    const rva = dir.readUInt32LE(i * DIRECTORY_ENTRY + 8);
    if (type === 0 || length === 0) continue; // UnusedStream
    if (rva + length > size) throw cutShort(`stream ${i} (type ${type})`, rva + length);
    if (type === THREAD_LIST_STREAM) threads = true;
    if (type === SYSTEM_INFO_STREAM && length >= 2) {
      const code = readAt(rva, 2).readUInt16LE(0);
      architecture = ARCHITECTURES[code] ?? `processor architecture ${code}`;
      if (code !== AMD64) {
        throw new DumpError(`"${file}" is a crash dump of a ${architecture} process; this debugger debugs x64 programs. Open it with a debugger for ${architecture}, such as WinDbg.`);
      }
    }
  }
  if (!architecture) throw new DumpError(`"${file}" is a minidump without system information (no SystemInfoStream): it does not say what machine it comes from, so it cannot be read. Write it with MiniDumpWriteDump or .dump.`);
  if (!threads) throw new DumpError(`"${file}" is a minidump without threads (no ThreadListStream): there is no stack in it to show.`);
  return { streams, architecture };
}

/** What a file that is not a minidump is, as far as its first bytes tell. */
function notADump(file: string, head: Buffer, size: number): string {
  const ascii = head.toString('latin1', 0, 8);
  if (ascii === 'PAGEDU64' || ascii === 'PAGEDUMP') {
    return `"${file}" is a kernel memory dump (${ascii}); this debugger opens user-mode crash dumps (minidumps, "MDMP"). Open it in WinDbg as a kernel dump.`;
  }
  if (head.readUInt16LE(0) === 0x5a4d) return `"${file}" is a Windows program or DLL (it starts with "MZ"), not a crash dump. Set "program" to run it, or "dumpFile" to a .dmp file.`;
  const shown = [...head.subarray(0, Math.min(4, size))].map((b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : `\\x${b.toString(16).padStart(2, '0')}`)).join('');
  return `"${file}" is not a crash dump: it starts with "${shown}", not "MDMP" (a Windows minidump). Set "dumpFile" to a .dmp file written by WinDbg's .dump, procdump or MiniDumpWriteDump.`;
}
