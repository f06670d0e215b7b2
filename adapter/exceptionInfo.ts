/**
 * The exceptionInfo request: what the thread stopped for, in the words of
 * WinDbg (code, address, first or second chance).
 */
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { ExceptionInfo } from '../native/api';

export function exceptionInfo(e: ExceptionInfo): DebugProtocol.ExceptionInfoResponse['body'] {
  const code = `0x${(e.code >>> 0).toString(16).padStart(8, '0')}`;
  return {
    exceptionId: code,
    description: `${e.description} at ${e.address}`,
    // First chance: the program may still handle it. Second: it did not.
    breakMode: e.firstChance ? 'always' : 'unhandled',
    details: { message: e.description, typeName: code, evaluateName: undefined, stackTrace: undefined },
  };
}
