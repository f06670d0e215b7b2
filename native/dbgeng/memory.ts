/**
 * Debuggee memory through IDebugDataSpaces4. dbgeng's ReadVirtual already
 * hides its own breakpoints, so the bytes are the program's. A read that
 * runs into unreadable memory returns the bytes before it; one that starts
 * there fails, and then every byte is unreadable.
 */
import type { MemoryBlock } from '../engines/engine';
import { EngineError } from '../engines/engineError';
import { describeHResult, type ComPtr } from './com';
import { Slots } from './slots';

const DS = Slots.IDebugDataSpaces4;

/** The bytes at `address` that can be read, up to `count` (fewer where readable memory ends). */
export function readBytes(dataSpaces: ComPtr, address: bigint | string, count: number): Buffer {
  if (count <= 0) return Buffer.alloc(0);
  const buf = Buffer.alloc(count);
  const read = [0];
  const hr = dataSpaces.invoke(DS.ReadVirtual, 'ReadVirtual', 'uint64_t offset, void *buf, uint32_t size, _Out_ uint32_t *read', BigInt(address), buf, count, read);
  return buf.subarray(0, hr < 0 ? 0 : Math.min(count, Number(read[0])));
}

export function readVirtual(dataSpaces: ComPtr, address: string, count: number): MemoryBlock {
  const bytes = readBytes(dataSpaces, address, count);
  return { address, data: bytes.toString('base64'), unreadable: Math.max(0, count) - bytes.length };
}

export function writeVirtual(dataSpaces: ComPtr, address: string, data: string): number {
  const bytes = Buffer.from(data, 'base64');
  if (!bytes.length) return 0;
  const written = [0];
  const hr = dataSpaces.invoke(DS.WriteVirtual, 'WriteVirtual', 'uint64_t offset, void *buf, uint32_t size, _Out_ uint32_t *written', BigInt(address), bytes, bytes.length, written);
  if (hr < 0) throw new EngineError('writeFailed', `Cannot write ${bytes.length} bytes at ${address}: ${describeHResult(hr)} (is that memory mapped and writable?).`);
  return Number(written[0]);
}
