/**
 * Minidump files made to measure, for what reads a dump's header before
 * dbgeng does (client/dumpFile.ts) and for the dbgeng double, which reads
 * nothing from the file. Laid out as minidumpapiset.h says: MINIDUMP_HEADER
 * (32 bytes), the stream directory (12 bytes an entry), then the streams.
 * The streams hold zeros apart from what the checks read
 * (ProcessorArchitecture at the start of SystemInfoStream).
 */
import fs from 'node:fs';

export const SYSTEM_INFO_STREAM = 7;
export const THREAD_LIST_STREAM = 3;
export const PROCESSOR_ARCHITECTURE = { x86: 0, arm: 5, amd64: 9, arm64: 12 } as const;

export interface MinidumpShape {
  /** ProcessorArchitecture in SystemInfoStream; undefined: no such stream. */
  architecture?: number;
  threads?: boolean;
}

/** The bytes of a minidump with a system-information and a thread-list stream. */
export function minidumpBytes(shape: MinidumpShape = { architecture: PROCESSOR_ARCHITECTURE.amd64, threads: true }): Buffer {
  const streams: { type: number; data: Buffer }[] = [];
  if (shape.architecture !== undefined) {
    const info = Buffer.alloc(56);
    info.writeUInt16LE(shape.architecture, 0);
    streams.push({ type: SYSTEM_INFO_STREAM, data: info });
  }
  if (shape.threads !== false) streams.push({ type: THREAD_LIST_STREAM, data: Buffer.alloc(4) }); // NumberOfThreads 0
  const header = Buffer.alloc(32);
  header.writeUInt32LE(0x504d444d, 0); // "MDMP"
  header.writeUInt32LE(0xa793, 4);
  header.writeUInt32LE(streams.length, 8);
  header.writeUInt32LE(32, 12); // StreamDirectoryRva
  const directory = Buffer.alloc(12 * streams.length);
  let rva = 32 + directory.length;
  streams.forEach((s, i) => {
    directory.writeUInt32LE(s.type, i * 12);
    directory.writeUInt32LE(s.data.length, i * 12 + 4);
    directory.writeUInt32LE(rva, i * 12 + 8);
    rva += s.data.length;
  });
  return Buffer.concat([header, directory, ...streams.map((s) => s.data)]);
}

/** Writes a well-formed x64 minidump (or another shape) at `file`. */
export function writeMinidump(file: string, shape?: MinidumpShape): string {
  fs.writeFileSync(file, minidumpBytes(shape));
  return file;
}
