/**
 * COM objects implemented in TypeScript, for dbgeng to call: the event and
 * output callbacks. The object is a block of native memory holding its
 * vtable pointer, followed by the vtable, whose entries are koffi-registered
 * JS functions. Every method is guarded: a JS exception becomes E_FAIL
 * returned to dbgeng (and is reported), never a crash of the engine thread.
 */
import koffi from 'koffi';
import { guid } from './com';
import { HRESULT, IIDs } from './slots';
import { DbgengLayouts } from './layouts';

export interface CallbackMethod {
  /** C parameters after `this`. */
  signature: string;
  fn: (...args: never[]) => number;
}

/**
 * koffi prototypes by signature, made once per thread: a named koffi type
 * is never freed, and one made per method per callback object cost every
 * session about 95 KB that stayed (measured: 900 dbgeng sessions in one
 * adapter, 248 MB resident against 192 MB after 300).
 */
const protos = new Map<string, ReturnType<typeof koffi.pointer>>();
/** The pointer-to-prototype type koffi.register takes, for a method's signature (the pointer type too is made once). */
function callbackType(signature: string): ReturnType<typeof koffi.pointer> {
  let type = protos.get(signature);
  if (!type) {
    type = koffi.pointer(koffi.proto(`long __stdcall CallbackMethod${protos.size}(void *self${signature ? ', ' + signature : ''})`));
    protos.set(signature, type);
  }
  return type;
}

export class CallbackObject {
  readonly ptr: bigint;
  private readonly memory: Buffer;
  private readonly registered: bigint[] = [];
  private refs = 0;
  private disposed = false;

  constructor(iid: string, methods: CallbackMethod[], onError: (method: number, e: unknown) => void) {
    const iids = [guid(IIDs.IUnknown), guid(iid)];
    const slots = 3 + methods.length;
    this.memory = Buffer.alloc(8 * (1 + slots));
    this.ptr = koffi.address(this.memory) as bigint;
    this.memory.writeBigUInt64LE(this.ptr + 8n, 0);
    const entries: Array<{ signature: string; fn: (...args: unknown[]) => number }> = [
      {
        signature: 'void *iid, void *out',
        fn: (_self, iidPtr, outPtr) => {
          if (!outPtr) return HRESULT.E_FAIL;
          const asked = Buffer.from(koffi.view(iidPtr, 16));
          const ok = iids.some((g) => g.equals(asked));
          koffi.encode(outPtr, 'uint64_t', ok ? this.ptr : 0n);
          if (!ok) return HRESULT.E_NOINTERFACE;
          this.refs++;
          return HRESULT.S_OK;
        },
      },
      { signature: '', fn: () => ++this.refs },
      { signature: '', fn: () => (this.refs = Math.max(0, this.refs - 1)) },
      ...(methods as Array<{ signature: string; fn: (...args: unknown[]) => number }>),
    ];
    entries.forEach((m, slot) => {
      const guarded = (...args: unknown[]) => {
        try {
          return m.fn(...args) | 0;
        } catch (e) {
          onError(slot, e);
          return HRESULT.E_FAIL;
        }
      };
      const fnPtr = koffi.register(guarded, callbackType(m.signature));
      this.registered.push(fnPtr);
      this.memory.writeBigUInt64LE(BigInt(fnPtr), 8 * (1 + slot));
    });
  }

  /** References dbgeng still holds. */
  get referenceCount(): number {
    return this.refs;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const p of this.registered) koffi.unregister(p);
  }
}

export const DEBUG_EVENT = {
  BREAKPOINT: 0x1, EXCEPTION: 0x2, CREATE_THREAD: 0x4, EXIT_THREAD: 0x8, CREATE_PROCESS: 0x10, EXIT_PROCESS: 0x20,
  LOAD_MODULE: 0x40, UNLOAD_MODULE: 0x80, SYSTEM_ERROR: 0x100, SESSION_STATUS: 0x200, CHANGE_SYMBOL_STATE: 0x1000,
} as const;

/** What the engine wants to hear about, as plain JS values. */
export interface EventHandlers {
  breakpoint(bp: bigint): number;
  exception(code: number, address: bigint, firstChance: boolean, parameters: bigint[]): number;
  createThread(): number;
  exitThread(code: number): number;
  /** `imageFile`: the image's file handle (0 when dbgeng has none), which names its full path. */
  createProcess(moduleName: string, imageName: string, base: bigint, imageFile: bigint): number;
  exitProcess(code: number): number;
  loadModule(moduleName: string, imageName: string, base: bigint, imageFile: bigint): number;
  unloadModule(name: string, base: bigint): number;
  /** Symbols changed (DEBUG_CSS_* flags); for loads and unloads `argument` is the module's base. */
  changeSymbolState(flags: number, argument: bigint): void;
}

const u64 = (v: unknown) => BigInt(v as number | bigint);
const str = (v: unknown) => (typeof v === 'string' ? v : '');

/** IDebugEventCallbacksWide, slots 3-16 in documented order. */
export function eventCallbacks(h: EventHandlers, onError: (method: number, e: unknown) => void): CallbackObject {
  const mask = Object.values(DEBUG_EVENT).reduce((a, b) => a | b, 0);
  const noChange = () => 0;
  return new CallbackObject(IIDs.IDebugEventCallbacksWide, [
    { signature: 'void *mask', fn: ((_s: unknown, p: unknown) => { koffi.encode(p, 'uint32_t', mask); return 0; }) as never },
    { signature: 'void *bp', fn: ((_s: unknown, bp: unknown) => h.breakpoint(u64(bp))) as never },
    {
      signature: 'void *record, uint32_t firstChance',
      fn: ((_s: unknown, rec: unknown, first: unknown) => {
        const R = DbgengLayouts.EXCEPTION_RECORD64;
        const r = Buffer.from(koffi.view(rec, R.size));
        const count = Math.min(15, r.readUInt32LE(R.NumberParameters));
        const parameters = Array.from({ length: count }, (_, i) => r.readBigUInt64LE(R.ExceptionInformation + 8 * i));
        return h.exception(r.readUInt32LE(R.ExceptionCode), r.readBigUInt64LE(R.ExceptionAddress), Number(first) !== 0, parameters);
      }) as never,
    },
    { signature: 'uint64_t handle, uint64_t dataOffset, uint64_t startOffset', fn: (() => h.createThread()) as never },
    { signature: 'uint32_t code', fn: ((_s: unknown, c: unknown) => h.exitThread(Number(c))) as never },
    {
      signature: 'uint64_t imageFile, uint64_t handle, uint64_t base, uint32_t size, const char16_t *module, const char16_t *image, uint32_t checksum, uint32_t timestamp, uint64_t thread, uint64_t threadData, uint64_t start',
      fn: ((_s: unknown, f: unknown, _h: unknown, base: unknown, _z: unknown, mod: unknown, img: unknown) => h.createProcess(str(mod), str(img), u64(base), u64(f))) as never,
    },
    { signature: 'uint32_t code', fn: ((_s: unknown, c: unknown) => h.exitProcess(Number(c))) as never },
    {
      signature: 'uint64_t imageFile, uint64_t base, uint32_t size, const char16_t *module, const char16_t *image, uint32_t checksum, uint32_t timestamp',
      fn: ((_s: unknown, f: unknown, base: unknown, _z: unknown, mod: unknown, img: unknown) => h.loadModule(str(mod), str(img), u64(base), u64(f))) as never,
    },
    { signature: 'const char16_t *name, uint64_t base', fn: ((_s: unknown, n: unknown, base: unknown) => h.unloadModule(str(n), u64(base))) as never },
    { signature: 'uint32_t error, uint32_t level', fn: noChange as never },
    { signature: 'uint32_t status', fn: noChange as never },
    { signature: 'uint32_t flags, uint64_t argument', fn: noChange as never },
    { signature: 'uint32_t flags, uint64_t argument', fn: noChange as never },
    {
      signature: 'uint32_t flags, uint64_t argument',
      fn: ((_s: unknown, flags: unknown, argument: unknown) => { h.changeSymbolState(Number(flags), u64(argument)); return 0; }) as never,
    },
  ], onError);
}

/** IDebugOutputCallbacksWide: Output(mask, text). */
export function outputCallbacks(output: (mask: number, text: string) => void, onError: (method: number, e: unknown) => void): CallbackObject {
  return new CallbackObject(IIDs.IDebugOutputCallbacksWide, [
    { signature: 'uint32_t mask, const char16_t *text', fn: ((_s: unknown, mask: unknown, text: unknown) => { output(Number(mask), str(text)); return 0; }) as never },
  ], onError);
}
