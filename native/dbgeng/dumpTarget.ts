/**
 * Crash dumps on the dbgeng engine: opening one (IDebugClient5::
 * OpenDumpFileWide; the WaitForEvent that follows finishes loading it) and
 * reading where it stopped (IDebugControl::GetLastEventInformation: the
 * thread of the last event, and the exception record when the dump holds
 * one). A dump is a target that never runs: what would run or change it is
 * refused here, before dbgeng is asked.
 */
import fs from 'node:fs';
import type { DumpStop } from '../engines/engine';
import { EngineError } from '../engines/engineError';
import { describeHResult, type ComPtr } from './com';
import { DbgengLayouts } from './layouts';
import { Slots } from './slots';
import { describeExceptionStop } from '../engines/exceptionNames';
import { hex } from '../engines/hex';

const C = Slots.IDebugControl7;
const CL = Slots.IDebugClient5;
const SO = Slots.IDebugSystemObjects4;
const INFO = DbgengLayouts.DEBUG_LAST_EVENT_INFO_EXCEPTION;
const REC = DbgengLayouts.EXCEPTION_RECORD64;
const DEBUG_EVENT_EXCEPTION = 0x2;

/** Why a breakpoint set in a dump stays unverified. */
export const DUMP_BREAKPOINT_MESSAGE = 'A crash dump cannot run, so a breakpoint can never be hit: this one is not set.';

/** The error every request that would run or change a dump answers. */
export function dumpReadOnly(what: string): EngineError {
  return new EngineError('dumpReadOnly', `Cannot ${what}: this session is a crash dump, which cannot run or be changed. Its stacks, variables, registers and memory can be read.`);
}

/** OpenDumpFileWide on an existing file; dbgeng loads it at the next WaitForEvent. */
export function openDumpFile(client: ComPtr, path: string): void {
  if (!fs.existsSync(path) || fs.statSync(path).isDirectory()) {
    throw new EngineError('noDumpFile', `The crash dump "${path}" does not exist. Set "dumpFile" to the full path of a .dmp file.`);
  }
  const hr = client.invoke(CL.OpenDumpFileWide, 'OpenDumpFileWide', 'const char16_t *fileName, uint64_t fileHandle', path, 0n);
  if (hr < 0) throw new EngineError('dumpOpenFailed', `dbgeng cannot open the crash dump "${path}": ${describeHResult(hr)}. Is it a Windows crash dump (.dmp)?`);
}

/** Where the dump stopped: its last event's thread (made current), and its exception if it was one. */
export function lastEventStop(control: ComPtr, sysobj: ComPtr): DumpStop {
  const type = [0];
  const pid = [0];
  const tid = [0];
  const extra = Buffer.alloc(INFO.size);
  const used = [0];
  control.call(C.GetLastEventInformation, 'GetLastEventInformation',
    '_Out_ uint32_t *type, _Out_ uint32_t *processId, _Out_ uint32_t *threadId, void *extra, uint32_t extraSize, _Out_ uint32_t *extraUsed, void *description, uint32_t descriptionSize, void *descriptionUsed',
    type, pid, tid, extra, INFO.size, used, null, 0, null);
  sysobj.call(SO.SetCurrentThreadId, 'SetCurrentThreadId', 'uint32_t id', Number(tid[0]));
  const sys = [0];
  sysobj.call(SO.GetCurrentThreadSystemId, 'GetCurrentThreadSystemId', '_Out_ uint32_t *id', sys);
  const threadId = Number(sys[0]);
  if (Number(type[0]) !== DEBUG_EVENT_EXCEPTION || Number(used[0]) < INFO.FirstChance + 4) return { reason: 'entry', threadId };
  const at = INFO.ExceptionRecord;
  const code = extra.readUInt32LE(at + REC.ExceptionCode);
  const address = extra.readBigUInt64LE(at + REC.ExceptionAddress);
  const count = Math.min(15, extra.readUInt32LE(at + REC.NumberParameters));
  const parameters = Array.from({ length: count }, (_, i) => extra.readBigUInt64LE(at + REC.ExceptionInformation + 8 * i));
  const firstChance = extra.readUInt32LE(INFO.FirstChance) !== 0;
  const description = describeExceptionStop(code, firstChance, parameters);
  return { reason: 'exception', threadId, description, exception: { code, address: hex(address), firstChance, description } };
}
