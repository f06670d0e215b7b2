/**
 * The variables of one frame, as dbghelp sees them: the scope is set from
 * the frame's inline context, so an inline frame lists its own locals and
 * parameters, not those of the function it was inlined into.
 *
 * A variable is read where the debug information says it lives: relative
 * to a register of that frame (REGREL), in a register, or at a fixed
 * address. Where it gives no usable location (an optimized-away value, or
 * Wine's dbghelp facing gcc's DW_OP_call_frame_cfa), the value is shown as
 * unavailable, as WinDbg and Visual Studio do.
 */
import koffi from 'koffi';
import { dbghelp } from '../../win32/dbghelp';
import { readMemory, type Handle } from '../../win32/kernel32';
import { Layouts } from '../../win32/layouts';
import type { Variable } from '../engine';

const SYM = Layouts.SYMBOL_INFOW;
const SYMFLAG = { REGISTER: 0x8, REGREL: 0x10, FRAMEREL: 0x20, PARAMETER: 0x40, LOCAL: 0x80 } as const;
const TI = { GET_SYMTAG: 0, GET_SYMNAME: 1, GET_LENGTH: 2, GET_TYPE: 4, GET_BASETYPE: 5 } as const;
const TAG = { UDT: 11, ENUM: 12, POINTER: 14, ARRAY: 15, BASE: 16, TYPEDEF: 17 } as const;
const BT = { CHAR: 2, WCHAR: 3, INT: 6, UINT: 7, FLOAT: 8, BOOL: 10, LONG: 13, ULONG: 14 } as const;

/** CodeView register numbers for x64 (cvconst.h), to CONTEXT offsets. */
const CV_REGISTERS: Record<number, { name: string; offset: number; size: number }> = {
  328: { name: 'rax', offset: Layouts.CONTEXT.Rax, size: 8 },
  329: { name: 'rbx', offset: Layouts.CONTEXT.Rbx, size: 8 },
  330: { name: 'rcx', offset: Layouts.CONTEXT.Rcx, size: 8 },
  331: { name: 'rdx', offset: Layouts.CONTEXT.Rdx, size: 8 },
  332: { name: 'rsi', offset: Layouts.CONTEXT.Rsi, size: 8 },
  333: { name: 'rdi', offset: Layouts.CONTEXT.Rdi, size: 8 },
  334: { name: 'rbp', offset: Layouts.CONTEXT.Rbp, size: 8 },
  335: { name: 'rsp', offset: Layouts.CONTEXT.Rsp, size: 8 },
  336: { name: 'r8', offset: Layouts.CONTEXT.R8, size: 8 },
  337: { name: 'r9', offset: Layouts.CONTEXT.R9, size: 8 },
  338: { name: 'r10', offset: Layouts.CONTEXT.R10, size: 8 },
  339: { name: 'r11', offset: Layouts.CONTEXT.R11, size: 8 },
  340: { name: 'r12', offset: Layouts.CONTEXT.R12, size: 8 },
  341: { name: 'r13', offset: Layouts.CONTEXT.R13, size: 8 },
  342: { name: 'r14', offset: Layouts.CONTEXT.R14, size: 8 },
  343: { name: 'r15', offset: Layouts.CONTEXT.R15, size: 8 },
  17: { name: 'eax', offset: Layouts.CONTEXT.Rax, size: 4 },
  18: { name: 'ecx', offset: Layouts.CONTEXT.Rcx, size: 4 },
  19: { name: 'edx', offset: Layouts.CONTEXT.Rdx, size: 4 },
  20: { name: 'ebx', offset: Layouts.CONTEXT.Rbx, size: 4 },
  23: { name: 'esi', offset: Layouts.CONTEXT.Rsi, size: 4 },
  24: { name: 'edi', offset: Layouts.CONTEXT.Rdi, size: 4 },
};

interface RawSymbol { name: string; flags: number; register: number; address: bigint; size: number; typeIndex: number; modBase: bigint }

export class LocalsReader {
  private lastSymbols: RawSymbol[] = [];

  constructor(private readonly process: Handle) {}

  /**
   * The variables in scope at `pc` in the given inline context, read with
   * the register values of that frame (`context`, a CONTEXT buffer).
   */
  read(pc: bigint, inlineContext: number, inline: boolean, context: Buffer): Variable[] {
    const ok = inline
      ? dbghelp.SymSetScopeFromInlineContext(this.process, pc, inlineContext >>> 0)
      : dbghelp.SymSetScopeFromAddr(this.process, pc);
    if (!ok) return [];
    const found: RawSymbol[] = [];
    dbghelp.SymEnumSymbolsW(this.process, 0n, null, (info: unknown, _size: unknown) => {
      const b = Buffer.from(koffi.view(info, SYM.size + 512));
      const len = Math.min(b.readUInt32LE(SYM.NameLen), 200);
      found.push({
        name: b.toString('utf16le', SYM.Name, SYM.Name + len * 2),
        flags: b.readUInt32LE(SYM.Flags),
        register: b.readUInt32LE(SYM.Register),
        address: b.readBigUInt64LE(SYM.Address),
        size: b.readUInt32LE(SYM.Size),
        typeIndex: b.readUInt32LE(SYM.TypeIndex),
        modBase: b.readBigUInt64LE(SYM.ModBase),
      });
      return 1;
    }, null);
    this.lastSymbols = found;
    return found
      .filter((s) => s.flags & (SYMFLAG.LOCAL | SYMFLAG.PARAMETER))
      .map((s) => this.toVariable(s, context));
  }

  /** Where a variable of this scope lives, to write it: memory (address and size) or a register. */
  locate(pc: bigint, inlineContext: number, inline: boolean, context: Buffer, name: string): { address?: bigint; register?: { offset: number; size: number }; size: number; type: TypeShape } | undefined {
    const v = this.read(pc, inlineContext, inline, context).find((x) => x.name === name);
    const raw = v && this.lastSymbols.find((s) => s.name === name);
    if (!v || !raw) return undefined;
    const type = this.typeOf(raw.modBase, raw.typeIndex);
    const size = raw.size || type.size;
    if (v.address) return { address: BigInt(v.address), size, type };
    const reg = raw.flags & SYMFLAG.REGISTER ? CV_REGISTERS[raw.register] : undefined;
    return reg ? { register: { offset: reg.offset, size: reg.size }, size, type } : { size, type };
  }

  private toVariable(s: RawSymbol, context: Buffer): Variable {
    const kind = s.flags & SYMFLAG.PARAMETER ? 'parameter' as const : 'local' as const;
    const type = this.typeOf(s.modBase, s.typeIndex);
    const size = s.size || type.size;
    let bytes: Buffer | undefined;
    let address: bigint | undefined;
    if (s.flags & SYMFLAG.REGREL) {
      const reg = CV_REGISTERS[s.register];
      if (reg) {
        address = context.readBigUInt64LE(reg.offset) + BigInt.asIntN(64, s.address);
        bytes = readMemory(this.process, address, size);
      }
    } else if (s.flags & SYMFLAG.REGISTER) {
      const reg = CV_REGISTERS[s.register];
      if (reg) bytes = context.subarray(reg.offset, reg.offset + Math.min(reg.size, size || reg.size));
    } else if (!(s.flags & SYMFLAG.FRAMEREL) && s.address) {
      address = s.address;
      bytes = readMemory(this.process, address, size);
    }
    const value = bytes && bytes.length >= size && size > 0 ? formatValue(bytes.subarray(0, size), type) : '<value unavailable>';
    return { name: s.name, kind, type: type.name, value, address: address === undefined ? undefined : `0x${address.toString(16)}` };
  }

  private typeOf(modBase: bigint, typeIndex: number): TypeShape {
    const u32 = (what: number, id = typeIndex) => {
      const out = Buffer.alloc(8);
      return dbghelp.SymGetTypeInfo(this.process, modBase, id, what, out) ? out.readUInt32LE(0) : undefined;
    };
    const u64 = (what: number, id = typeIndex) => {
      const out = Buffer.alloc(8);
      return dbghelp.SymGetTypeInfo(this.process, modBase, id, what, out) ? Number(out.readBigUInt64LE(0)) : undefined;
    };
    let id = typeIndex;
    let tag = u32(TI.GET_SYMTAG, id);
    // Look through typedefs (and the volatile/const wrappers some readers report as typedefs).
    for (let i = 0; tag === TAG.TYPEDEF && i < 8; i++) {
      const next = u32(TI.GET_TYPE, id);
      if (next === undefined) break;
      id = next;
      tag = u32(TI.GET_SYMTAG, id);
    }
    const size = u64(TI.GET_LENGTH, id) ?? 0;
    if (tag === TAG.BASE) {
      const bt = u32(TI.GET_BASETYPE, id) ?? 0;
      return { kind: 'base', baseType: bt, size, name: baseTypeName(bt, size) };
    }
    if (tag === TAG.POINTER) return { kind: 'pointer', size: size || 8, name: 'pointer' };
    if (tag === TAG.ENUM) return { kind: 'base', baseType: BT.INT, size, name: 'enum' };
    return { kind: 'other', size, name: tag === TAG.UDT ? 'struct' : tag === TAG.ARRAY ? 'array' : 'unknown' };
  }
}

export interface TypeShape { kind: 'base' | 'pointer' | 'other'; baseType?: number; size: number; name: string }

/** A scalar value typed by the user, as the bytes of a variable of that type. */
export function encodeScalar(text: string, t: TypeShape, size: number): Buffer {
  const out = Buffer.alloc(size);
  if (t.kind === 'base' && t.baseType === BT.FLOAT) {
    const f = Number(text);
    if (!Number.isFinite(f)) throw new Error(`"${text}" is not a number.`);
    if (size === 4) out.writeFloatLE(f);
    else out.writeDoubleLE(f);
    return out;
  }
  if (t.kind === 'other') throw new Error(`Only numbers, booleans and pointers can be set; this is a ${t.name}.`);
  let v: bigint;
  const s = text.trim();
  if (s === 'true' || s === 'false') v = s === 'true' ? 1n : 0n;
  else if (/^-?(0x[0-9a-f]+|\d+)$/i.test(s)) v = s.startsWith('-') ? -BigInt(s.slice(1)) : BigInt(s);
  else throw new Error(`"${text}" is not a number.`);
  const wrapped = BigInt.asUintN(size * 8, v);
  for (let i = 0; i < size; i++) out[i] = Number((wrapped >> BigInt(8 * i)) & 0xffn);
  return out;
}

function baseTypeName(bt: number, size: number): string {
  switch (bt) {
    case BT.CHAR: return 'char';
    case BT.WCHAR: return 'wchar_t';
    case BT.INT: case BT.LONG: return size === 8 ? 'int64' : size === 2 ? 'short' : size === 1 ? 'int8' : 'int';
    case BT.UINT: case BT.ULONG: return size === 8 ? 'uint64' : size === 2 ? 'unsigned short' : size === 1 ? 'unsigned char' : 'unsigned int';
    case BT.FLOAT: return size === 4 ? 'float' : 'double';
    case BT.BOOL: return 'bool';
    default: return `base type ${bt}`;
  }
}

function formatValue(b: Buffer, t: TypeShape): string {
  if (t.kind === 'pointer') return `0x${b.readBigUInt64LE(0).toString(16).padStart(16, '0')}`;
  if (t.kind === 'base') {
    const signed = t.baseType === BT.INT || t.baseType === BT.LONG || t.baseType === BT.CHAR;
    if (t.baseType === BT.FLOAT) return String(b.length === 4 ? b.readFloatLE(0) : b.readDoubleLE(0));
    if (t.baseType === BT.BOOL) return b[0] ? 'true' : 'false';
    switch (b.length) {
      case 1: return String(signed ? b.readInt8(0) : b.readUInt8(0));
      case 2: return String(signed ? b.readInt16LE(0) : b.readUInt16LE(0));
      case 4: return String(signed ? b.readInt32LE(0) : b.readUInt32LE(0));
      case 8: return String(signed ? b.readBigInt64LE(0) : b.readBigUInt64LE(0));
    }
  }
  return `{${b.toString('hex').replace(/(..)(?!$)/g, '$1 ')}}`;
}
