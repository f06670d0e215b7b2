/**
 * Runs in Windows Node: the COM layer against (1) the system's dbgeng.dll,
 * which under Wine is Wine's own, and (2) the native test double. Writes
 * what it saw as JSON. Used by dbgengAbi.test.ts.
 */
import fs from 'node:fs';
import koffi from 'koffi';
import { CallbackObject } from '../../../native/dbgeng/callbacks';
import { ComError, ComPtr, guid, liveComReferences, readWideString } from '../../../native/dbgeng/com';
import { openDbgeng, symbolOptions } from '../../../native/dbgeng/openDbgeng';
import { IIDs, Slots } from '../../../native/dbgeng/slots';

function system() {
  const probe = openDbgeng();
  const lib = koffi.load('dbgeng.dll');
  const DebugCreate = lib.func('long __stdcall DebugCreate(const void *iid, _Out_ void **out)');
  const out = [0n];
  const hr = DebugCreate(guid(IIDs.IDebugClient), out) as number;
  const client = new ComPtr(BigInt(out[0] as bigint), 'IDebugClient');
  // AddRef/Release answer the object's count: watch it move.
  const addRef = client.invoke(Slots.IUnknown.AddRef, 'AddRef', '');
  const release = client.invoke(Slots.IUnknown.Release, 'Release', '');
  const symbols3 = client.query(IIDs.IDebugSymbols3, 'IDebugSymbols3')!;
  const countWithSymbols = client.invoke(Slots.IUnknown.AddRef, 'AddRef', '');
  client.invoke(Slots.IUnknown.Release, 'Release', '');
  let symbolOptionsError: string | undefined;
  try {
    symbolOptions(symbols3);
  } catch (e) {
    symbolOptionsError = e instanceof ComError ? `${e.method}: ${e.message}` : String(e);
  }
  const control5 = client.query(IIDs.IDebugControl5, 'IDebugControl5');
  symbols3.release();
  client.release();
  return { probe: { interfaces: probe.interfaces, missing: probe.missing }, debugCreateHr: hr, addRef, release, countWithSymbols, symbolOptionsError, control5: !!control5, liveAfter: liveComReferences() };
}

function double(path: string) {
  const probe = openDbgeng(path);
  const dbg = probe.opened!;
  // Size negotiation: a 4-character buffer must still yield the whole name.
  const disp = [0n];
  const name = readWideString('GetNameByOffsetWide', 4, (buf, chars, needed) =>
    dbg.symbols.invoke(Slots.IDebugSymbols5.GetNameByOffsetWide, 'GetNameByOffsetWide', 'uint64_t offset, void *buf, uint32_t size, _Out_ uint32_t *needed, _Out_ uint64_t *displacement', 0x12412f0n, buf, chars, needed, disp));
  // A failing HRESULT becomes a ComError that names the method.
  let notFound: string | undefined;
  try {
    dbg.symbols.call(Slots.IDebugSymbols5.GetNameByOffsetWide, 'GetNameByOffsetWide', 'uint64_t offset, void *buf, uint32_t size, _Out_ uint32_t *needed, _Out_ uint64_t *displacement', 0x1n, Buffer.alloc(64), 32, [0], [0n]);
  } catch (e) {
    notFound = (e as Error).message;
  }
  // A JS exception inside a callback becomes E_FAIL for dbgeng, reported to us.
  const failures: string[] = [];
  const throwing = new CallbackObject(IIDs.IDebugEventCallbacksWide, [
    { signature: 'void *mask', fn: (() => { throw new Error('boom in GetInterestMask'); }) as never },
  ], (slot, e) => failures.push(`slot ${slot}: ${(e as Error).message}`));
  dbg.client.call(Slots.IDebugClient5.SetEventCallbacksWide, 'SetEventCallbacksWide', 'void *callbacks', throwing.ptr);
  const refsWhileSet = throwing.referenceCount;
  dbg.client.call(Slots.IDebugClient5.SetEventCallbacksWide, 'SetEventCallbacksWide', 'void *callbacks', null);
  const refsAfterClear = throwing.referenceCount;
  throwing.dispose();
  dbg.release();
  const lib = koffi.load(path);
  const liveInDouble = lib.func('long __stdcall DoubleLiveReferences()')() as number;
  return { interfaces: probe.interfaces, name, displacement: Number(disp[0]), notFound, failures, refsWhileSet, refsAfterClear, liveInDouble, liveOurs: liveComReferences() };
}

const [doublePath, out] = process.argv.slice(2) as [string, string];
try {
  fs.writeFileSync(out, JSON.stringify({ system: system(), double: double(doublePath) }));
} catch (e) {
  fs.writeFileSync(out, JSON.stringify({ error: String((e as Error).stack ?? e) }));
}
