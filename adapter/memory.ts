/**
 * readMemory and writeMemory: memory references are addresses ("0x...").
 */
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { EngineClient } from '../native/api';
import { errors } from './errors';

export function memoryAddress(reference: string, offset = 0): string {
  let base: bigint;
  try {
    base = BigInt(reference);
  } catch {
    throw errors.badAttribute('memoryReference', 'an address such as "0x7ff6a0001000"');
  }
  return `0x${(base + BigInt(offset)).toString(16)}`;
}

export async function readMemory(engine: EngineClient, args: DebugProtocol.ReadMemoryArguments): Promise<DebugProtocol.ReadMemoryResponse['body']> {
  const block = await engine.readMemory(memoryAddress(args.memoryReference, args.offset), args.count);
  return { address: block.address, data: block.data, unreadableBytes: block.unreadable || undefined };
}

export async function writeMemory(engine: EngineClient, args: DebugProtocol.WriteMemoryArguments): Promise<DebugProtocol.WriteMemoryResponse['body']> {
  const written = await engine.writeMemory(memoryAddress(args.memoryReference, args.offset), args.data);
  return { bytesWritten: written };
}
