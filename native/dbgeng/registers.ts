/**
 * Registers through IDebugRegisters2. The innermost function's frames
 * (its inline frames share them) read and write the thread's own
 * registers (DEBUG_REGSRC_DEBUGGEE). A caller frame reads what dbgeng
 * unwound for the scope frame (DEBUG_REGSRC_FRAME), and only the registers
 * a call preserves, with rip and rsp: the volatile ones hold whatever the
 * callee left, so they are not shown (as the dbghelp engine does).
 *
 * Which registers: x64's general-purpose ones and the flags, by name, in
 * the order the dbghelp engine lists them; their indexes and value types
 * come from dbgeng's own descriptions (GetNumberRegisters,
 * GetDescriptionWide), read once.
 */
import type { RegisterValue } from '../engines/engine';
import { EngineError } from '../engines/engineError';
import { PRESERVED_REGISTERS } from '../engines/preservedRegisters';
import { ComError, describeHResult, readWideString, type ComPtr } from './com';
import { DbgengLayouts } from './layouts';
import { Slots } from './slots';

const R = Slots.IDebugRegisters2;
const V = DbgengLayouts.DEBUG_VALUE;
const D = DbgengLayouts.DEBUG_REGISTER_DESCRIPTION;
const DEBUG_REGSRC_DEBUGGEE = 0;
const DEBUG_REGSRC_FRAME = 2;
const DEBUG_REGISTER_SUB_REGISTER = 0x1;
const DEBUG_VALUE_INT32 = 3;
const DEBUG_VALUE_INT64 = 4;

const GENERAL = ['rax', 'rbx', 'rcx', 'rdx', 'rsi', 'rdi', 'rbp', 'rsp', 'r8', 'r9', 'r10', 'r11', 'r12', 'r13', 'r14', 'r15', 'rip', 'efl'];

interface Described { index: number; type: number }

export class Registers {
  private described?: Map<string, Described>;

  constructor(private readonly registers: ComPtr) {}

  /**
   * The general-purpose registers of dbgeng's current thread; with
   * `scopeFrame`, those of the scope frame (a caller's), as dbgeng unwound them.
   */
  read(scopeFrame = false): RegisterValue[] {
    const names = scopeFrame ? GENERAL.filter((n) => PRESERVED_REGISTERS.has(n)) : GENERAL;
    const shown = names.map((name) => ({ name, d: this.describe().get(name) })).filter((r): r is { name: string; d: Described } => !!r.d);
    if (!shown.length) return [];
    const indices = new Uint32Array(shown.map((r) => r.d.index));
    const values = Buffer.alloc(shown.length * V.size);
    this.registers.call(R.GetValues2, 'GetValues2', 'uint32_t source, uint32_t count, void *indices, uint32_t start, void *values',
      scopeFrame ? DEBUG_REGSRC_FRAME : DEBUG_REGSRC_DEBUGGEE, shown.length, indices, 0, values);
    return shown.map((r, i) => ({ name: r.name, value: hexValue(values, i * V.size) }));
  }

  /** Sets one of them from an integer (decimal or 0x hex); returns the value as read back. */
  write(name: string, value: string): string {
    const lower = name.toLowerCase();
    const d = GENERAL.includes(lower) ? this.describe().get(lower) : undefined;
    if (!d) throw new EngineError('noVariable', `There is no register "${name}" (the general-purpose registers and efl can be set).`);
    let n: bigint;
    try {
      n = BigInt(value.trim());
    } catch {
      throw new EngineError('badValue', `Cannot set ${name} to "${value}": give an integer, decimal or 0x hex.`);
    }
    const bits = d.type === DEBUG_VALUE_INT64 ? 64 : 32;
    const v = Buffer.alloc(V.size);
    if (bits === 64) v.writeBigUInt64LE(BigInt.asUintN(64, n), V.I64);
    else v.writeUInt32LE(Number(BigInt.asUintN(32, n)), V.I32);
    v.writeUInt32LE(d.type, V.Type);
    const indices = new Uint32Array([d.index]);
    try {
      this.registers.call(R.SetValues2, 'SetValues2', 'uint32_t source, uint32_t count, void *indices, uint32_t start, void *values', DEBUG_REGSRC_DEBUGGEE, 1, indices, 0, v);
    } catch (e) {
      if (!(e instanceof ComError)) throw e;
      throw new EngineError('badValue', `Cannot set ${name}: dbgeng refused it (${describeHResult(e.hr)}).`);
    }
    return this.read().find((r) => r.name === lower)!.value;
  }

  /** Name -> index and value type, for the registers that are not part of another (eax is rax's). */
  private describe(): Map<string, Described> {
    if (this.described) return this.described;
    const n = [0];
    this.registers.call(R.GetNumberRegisters, 'GetNumberRegisters', '_Out_ uint32_t *n', n);
    const map = new Map<string, Described>();
    for (let index = 0; index < Number(n[0]); index++) {
      const desc = Buffer.alloc(D.size);
      const name = readWideString('IDebugRegisters2::GetDescriptionWide', 16, (buf, chars, needed) =>
        this.registers.invoke(R.GetDescriptionWide, 'GetDescriptionWide', 'uint32_t reg, void *buf, uint32_t size, _Out_ uint32_t *needed, void *desc', index, buf, chars, needed, desc));
      const type = desc.readUInt32LE(D.Type);
      if (desc.readUInt32LE(D.Flags) & DEBUG_REGISTER_SUB_REGISTER) continue;
      if (type === DEBUG_VALUE_INT64 || type === DEBUG_VALUE_INT32) map.set(name.toLowerCase(), { index, type });
    }
    this.described = map;
    return map;
  }
}

function hexValue(values: Buffer, at: number): string {
  const type = values.readUInt32LE(at + V.Type);
  const n = type === DEBUG_VALUE_INT64 ? values.readBigUInt64LE(at + V.I64) : BigInt(values.readUInt32LE(at + V.I32));
  return `0x${n.toString(16)}`;
}
