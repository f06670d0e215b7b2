/**
 * The debuggee's memory as the user sees it: the int3s of our breakpoints
 * are not there (reads show the original bytes; a write under one keeps
 * the breakpoint and changes the byte it restores).
 */
import type { MemoryBlock } from '../engine';
import { readMemory, writeMemory, type Handle } from '../../win32/kernel32';
import type { SoftwareBreakpoints } from './softwareBreakpoints';
import { hex } from '../hex';

/** The most one readMemory request reads (VS Code's memory view asks for pages). */
const MAX_MEMORY_REQUEST = 1 << 20;

export function readShown(process: Handle, breakpoints: SoftwareBreakpoints | undefined, address: string, count: number): MemoryBlock {
  const at = BigInt(address);
  const size = Math.max(0, Math.min(count, MAX_MEMORY_REQUEST));
  const bytes = readMemory(process, at, size);
  const shown = breakpoints ? breakpoints.unpatch(at, bytes) : bytes;
  return { address: hex(at), data: shown.toString('base64'), unreadable: size - bytes.length };
}

/** Writes base64 `data` at `address`; answers the bytes written. */
export function writeShown(process: Handle, breakpoints: SoftwareBreakpoints | undefined, address: string, data: string): number {
  const at = BigInt(address);
  const bytes = Buffer.from(data, 'base64');
  writeMemory(process, at, bytes);
  breakpoints?.afterWrite(at, bytes);
  return bytes.length;
}
