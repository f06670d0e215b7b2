/**
 * COM over koffi: calls by vtable slot, QueryInterface by IID, reference
 * counting that cannot leak or double-release, HRESULT failures as typed
 * errors naming the method, and dbgeng's string-size negotiation.
 */
import koffi, { type TypeObject } from 'koffi';
import { HRESULT } from './slots';

/** A failed COM call: which interface method, and its HRESULT. */
export class ComError extends Error {
  constructor(readonly method: string, readonly hr: number) {
    super(`${method} failed: ${describeHResult(hr)}`);
    this.name = 'ComError';
  }
}

export function hex32(v: number): string {
  return `0x${(v >>> 0).toString(16).padStart(8, '0')}`;
}

export function describeHResult(hr: number): string {
  const names: Record<number, string> = {
    [HRESULT.E_NOTIMPL]: 'E_NOTIMPL (not implemented)',
    [HRESULT.E_NOINTERFACE]: 'E_NOINTERFACE (interface not supported)',
    [HRESULT.E_FAIL]: 'E_FAIL',
    [HRESULT.E_UNEXPECTED]: 'E_UNEXPECTED',
    [0x80070057 | 0]: 'E_INVALIDARG',
  };
  return `${names[hr | 0] ?? 'HRESULT'} ${hex32(hr)}`;
}

/** A GUID's 16 bytes, from its text form. */
export function guid(text: string): Buffer {
  const h = text.replace(/[{}-]/g, '');
  if (h.length !== 32) throw new Error(`Not a GUID: ${text}`);
  const b = Buffer.alloc(16);
  b.writeUInt32LE(parseInt(h.slice(0, 8), 16), 0);
  b.writeUInt16LE(parseInt(h.slice(8, 12), 16), 4);
  b.writeUInt16LE(parseInt(h.slice(12, 16), 16), 6);
  Buffer.from(h.slice(16), 'hex').copy(b, 8);
  return b;
}

const PTR = 8;
/** Decoded function pointers, keyed by address and signature. */
const functionCache = new Map<string, (...args: unknown[]) => unknown>();
/** koffi prototypes by signature (a type name may be declared once). */
const protoCache = new Map<string, TypeObject>();

function methodProto(signature: string): TypeObject {
  let proto = protoCache.get(signature);
  if (!proto) {
    proto = koffi.proto(`long __stdcall ComMethod${protoCache.size}(void *self${signature ? ', ' + signature : ''})`);
    protoCache.set(signature, proto);
  }
  return proto;
}

function readPointer(address: bigint): bigint {
  return BigInt(koffi.decode(address, 'uint64_t') as number | bigint);
}

/** Every live reference we hold, for leak checks. */
const live = new Set<ComPtr>();
export function liveComReferences(): number {
  return live.size;
}

/**
 * One counted reference to a COM object. release() gives it back exactly
 * once; calls after release fail loudly instead of touching freed memory.
 */
export class ComPtr {
  private released = false;

  /**
   * `borrowed`: a pointer dbgeng lends us (an IDebugBreakpoint2 it owns):
   * callable, but never released by us.
   */
  constructor(readonly ptr: bigint, readonly iface: string, private readonly borrowed = false) {
    if (!ptr) throw new Error(`${iface}: null interface pointer`);
    if (!borrowed) live.add(this);
  }

  /** Calls a method by slot; `signature` is the C prototype after `this`. */
  invoke(slot: number, method: string, signature: string, ...args: unknown[]): number {
    if (this.released) throw new Error(`${this.iface}::${method} called after Release`);
    const vtbl = readPointer(this.ptr);
    const fnPtr = readPointer(vtbl + BigInt(slot * PTR));
    const key = `${fnPtr}:${signature}`;
    let fn = functionCache.get(key);
    if (!fn) {
      fn = koffi.decode(fnPtr, methodProto(signature)) as (...a: unknown[]) => unknown;
      functionCache.set(key, fn);
    }
    return Number(fn(this.ptr, ...args)) | 0;
  }

  /** Like invoke, but throws a ComError on a failure HRESULT; returns S_OK or S_FALSE. */
  call(slot: number, method: string, signature: string, ...args: unknown[]): number {
    const hr = this.invoke(slot, method, signature, ...args);
    if (hr < 0) throw new ComError(`${this.iface}::${method}`, hr);
    return hr;
  }

  /** QueryInterface; returns undefined for E_NOINTERFACE, throws on other failures. */
  query(iid: string, iface: string): ComPtr | undefined {
    const out = [0n];
    const hr = this.invoke(0, 'QueryInterface', 'const void *iid, _Out_ void **out', guid(iid), out);
    if (hr === HRESULT.E_NOINTERFACE) return undefined;
    if (hr < 0) throw new ComError(`${this.iface}::QueryInterface(${iface})`, hr);
    return new ComPtr(BigInt(out[0] as bigint), iface);
  }

  release(): void {
    if (this.released || this.borrowed) return;
    this.invoke(2, 'Release', '');
    this.released = true;
    live.delete(this);
  }
}

/**
 * dbgeng's string pattern: the call fills a buffer and reports the size it
 * needs; S_FALSE means the buffer was too small and the text is cut. Asks
 * again with the size reported until the whole text fits.
 */
export function readWideString(method: string, initialChars: number, fill: (buf: Buffer, chars: number, needed: number[]) => number): string {
  let chars = Math.max(1, initialChars);
  for (let attempt = 0; attempt < 4; attempt++) {
    const buf = Buffer.alloc(chars * 2);
    const needed = [0];
    const hr = fill(buf, chars, needed);
    if (hr < 0) throw new ComError(method, hr);
    const text = buf.toString('utf16le');
    const nul = text.indexOf('\0');
    if (hr === HRESULT.S_OK) return nul < 0 ? text : text.slice(0, nul);
    const want = Number(needed[0]);
    if (!(want > chars)) return nul < 0 ? text : text.slice(0, nul); // S_FALSE without a bigger size: take what came
    chars = want;
  }
  throw new Error(`${method}: the text kept growing while being read`);
}
