/**
 * Loads dbgeng.dll and asks it for the interfaces the dbgeng engine needs.
 * The engine needs IDebugControl5 (GetStackTraceEx with inline frame
 * contexts) and IDebugSymbols5 (names and lines by inline context, scope
 * frames counted with inline frames), IDebugRegisters2 and
 * IDebugDataSpaces4; an
 * older dbgeng, or Wine's (mostly stubs), lacks them, and then the answer
 * says exactly what is missing so the dbghelp engine can take over.
 */
import fs from 'node:fs';
import koffi from 'koffi';
import { ComError, ComPtr, describeHResult, guid } from './com';
import { IIDs, Slots } from './slots';

export interface DbgengInterfaces {
  dll: string;
  client: ComPtr;
  control: ComPtr;
  symbols: ComPtr;
  sysobj: ComPtr;
  registers: ComPtr;
  dataSpaces: ComPtr;
  release(): void;
}

export interface DbgengProbe {
  dll: string;
  /** Interfaces asked for, and whether dbgeng had them. */
  interfaces: Record<string, boolean>;
  /** Set when dbgeng cannot serve: what is missing. */
  missing?: string;
  opened?: DbgengInterfaces;
}

/**
 * Every dbgeng.dll loaded, kept for the life of the process: koffi unloads
 * a library (FreeLibrary) once its handle is garbage collected, and the
 * interfaces, vtables and threads of dbgeng live in that DLL.
 */
const loaded = new Map<string, ReturnType<typeof koffi.load>>();
const debugCreate = new Map<string, (iid: Buffer, out: bigint[]) => number>();

/**
 * dbgeng imports dbghelp.dll, dbgcore.dll and dbgmodel.dll by name, and the
 * loader binds a name to the module of that name already in the process:
 * a dbgeng from a folder of its own must find its own siblings loaded first,
 * or it runs on the system's (or Wine's) dbghelp and fails in odd places.
 */
const SIBLINGS = ['dbghelp.dll', 'dbgcore.dll', 'dbgmodel.dll'];

function loadSiblings(dll: string): void {
  const dir = dll.replace(/[\\/][^\\/]*$/, '');
  if (dir === dll) return;
  for (const name of SIBLINGS) {
    // A dbghelp the user named (dbghelpPath) comes before the sibling.
    const file = name === 'dbghelp.dll' && process.env.DBGENG_DBGHELP_PATH ? process.env.DBGENG_DBGHELP_PATH : `${dir}\\${name}`;
    if (loaded.has(file) || !fs.existsSync(file)) continue;
    loaded.set(file, koffi.load(file));
  }
}

export function openDbgeng(dllPath?: string): DbgengProbe {
  const dll = dllPath || 'dbgeng.dll';
  const interfaces: Record<string, boolean> = {};
  let lib = loaded.get(dll);
  try {
    if (!lib) loadSiblings(dll);
    lib ??= koffi.load(dll);
  } catch (e) {
    return { dll, interfaces, missing: `${dll} could not be loaded (${(e as Error).message})` };
  }
  loaded.set(dll, lib);
  let DebugCreate = debugCreate.get(dll);
  try {
    // Declared once per DLL: koffi never frees a function's types, and a session asks at every start.
    DebugCreate ??= lib.func('long __stdcall DebugCreate(const void *iid, _Out_ void **out)') as never;
    debugCreate.set(dll, DebugCreate!);
  } catch {
    return { dll, interfaces, missing: `${dll} has no DebugCreate export` };
  }
  const out = [0n];
  const hr = DebugCreate(guid(IIDs.IDebugClient), out) | 0;
  interfaces.IDebugClient = hr >= 0 && !!out[0];
  if (!interfaces.IDebugClient) return { dll, interfaces, missing: `DebugCreate(IDebugClient) failed: ${describeHResult(hr)}` };
  const base = new ComPtr(BigInt(out[0] as bigint), 'IDebugClient');
  const got: ComPtr[] = [];
  const ask = (name: keyof typeof IIDs, from: ComPtr = base) => {
    const p = from.query(IIDs[name], name);
    interfaces[name] = !!p;
    if (p) got.push(p);
    return p;
  };
  try {
    const client = ask('IDebugClient5');
    const control = ask('IDebugControl5');
    ask('IDebugSymbols3');
    const symbols = ask('IDebugSymbols5');
    const sysobj = ask('IDebugSystemObjects');
    const registers = ask('IDebugRegisters2');
    const dataSpaces = ask('IDebugDataSpaces4');
    const lacking = (['IDebugClient5', 'IDebugControl5', 'IDebugSymbols5', 'IDebugSystemObjects', 'IDebugRegisters2', 'IDebugDataSpaces4'] as const).filter((n) => !interfaces[n]);
    if (lacking.length || !client || !control || !symbols || !sysobj || !registers || !dataSpaces) {
      for (const p of got) p.release();
      base.release();
      return { dll, interfaces, missing: `${dll} lacks ${lacking.join(', ')} (E_NOINTERFACE): it is too old, or Wine's, which cannot debug processes` };
    }
    base.release();
    return {
      dll,
      interfaces,
      opened: { dll, client, control, symbols, sysobj, registers, dataSpaces, release: () => got.forEach((p) => p.release()) },
    };
  } catch (e) {
    for (const p of got) p.release();
    base.release();
    return { dll, interfaces, missing: e instanceof ComError ? e.message : String(e) };
  }
}

/** A few read-only calls that even Wine's dbgeng answers: proof the binding talks to the real DLL. */
export function symbolOptions(symbols3: ComPtr): number {
  const out = [0];
  symbols3.call(Slots.IDebugSymbols5.GetSymbolOptions, 'GetSymbolOptions', '_Out_ uint32_t *options', out);
  return Number(out[0]);
}
