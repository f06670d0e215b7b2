/**
 * The program's C types, read with SymGetTypeInfo into the pure type model
 * (values/types.ts), once per (module, type id).
 *
 * What Wine 8's dbghelp answers for DWARF, and how it is taken:
 *  - base types keep their DWARF name ("unsigned char", "long long") but
 *    not always their signedness (DW_ATE_unsigned_char becomes btChar);
 *    the name decides. Windows' PDB base types have no name: the basic
 *    type and size make one.
 *  - const and volatile are not types of their own (the type under them
 *    is answered); typedefs are, and are looked through, keeping their name.
 *  - a bitfield member answers TI_GET_BITPOSITION, and its TI_GET_LENGTH
 *    is its width in bits (Windows does the same).
 * Anything it cannot describe becomes an 'unknown' type that says so.
 */
import koffi from 'koffi';
import { dbghelp } from '../../win32/dbghelp';
import { k32, type Handle } from '../../win32/kernel32';
import { Layouts } from '../../win32/layouts';
import { pointerTo, type BaseKind, type CType, type Enumerator, type Member } from '../values/types';

/** IMAGEHLP_SYMBOL_TYPE_INFO requests. */
const TI = {
  GET_SYMTAG: 0, GET_SYMNAME: 1, GET_LENGTH: 2, GET_TYPEID: 4, GET_BASETYPE: 5, FINDCHILDREN: 7, GET_OFFSET: 10,
  GET_VALUE: 11, GET_COUNT: 12, GET_CHILDRENCOUNT: 13, GET_BITPOSITION: 14, GET_UDTKIND: 24,
} as const;
/** SymTagEnum values. */
const TAG = { DATA: 7, UDT: 11, ENUM: 12, FUNCTION_TYPE: 13, POINTER: 14, ARRAY: 15, BASE: 16, TYPEDEF: 17 } as const;
/** BasicType values (cvconst.h). */
const BT = { VOID: 1, CHAR: 2, WCHAR: 3, INT: 6, UINT: 7, FLOAT: 8, BOOL: 10, LONG: 13, ULONG: 14, CHAR16: 32, CHAR32: 33, CHAR8: 34 } as const;
const UDT_UNION = 2;
/** VARIANT types TI_GET_VALUE answers for enumerators. */
const VT = { I2: 2, I4: 3, BOOL: 11, I1: 16, UI1: 17, UI2: 18, UI4: 19, I8: 20, UI8: 21, INT: 22, UINT: 23 } as const;

/** Deeper nesting than this (typedef chains, arrays of arrays) is treated as broken information. */
const MAX_DEPTH = 32;

export class TypeReader {
  private readonly cache = new Map<string, CType>();

  constructor(private readonly process: Handle) {}

  /** The type with this id in the module at `modBase`. */
  type(modBase: bigint, id: number, depth = 0): CType {
    const key = `${modBase}:${id}`;
    const hit = this.cache.get(key);
    if (hit) return hit;
    const t = this.read(modBase, id, depth);
    this.cache.set(key, t);
    return t;
  }

  forgetModule(modBase: bigint): void {
    const prefix = `${modBase}:`;
    for (const key of this.cache.keys()) if (key.startsWith(prefix)) this.cache.delete(key);
  }

  /** A struct, union or enum by tag, or a typedef by name, in the module at `modBase`. */
  named(modBase: bigint, kind: 'struct' | 'union' | 'enum' | 'typedef', name: string): CType | undefined {
    const S = Layouts.SYMBOL_INFOW;
    const info = Buffer.alloc(S.size + 512);
    info.writeUInt32LE(S.size, S.SizeOfStruct);
    info.writeUInt32LE(500, S.MaxNameLen);
    if (!dbghelp.SymGetTypeFromName(this.process, modBase, name, info)) return undefined;
    const t = this.type(modBase, info.readUInt32LE(S.TypeIndex));
    const wanted = kind === 'typedef' ? true : kind === 'enum' ? t.kind === 'enum' : t.kind === kind;
    return wanted ? t : undefined;
  }

  private u32(modBase: bigint, id: number, what: number): number | undefined {
    const out = Buffer.alloc(8);
    return dbghelp.SymGetTypeInfo(this.process, modBase, id, what, out) ? out.readUInt32LE(0) : undefined;
  }

  private u64(modBase: bigint, id: number, what: number): number | undefined {
    const out = Buffer.alloc(8);
    return dbghelp.SymGetTypeInfo(this.process, modBase, id, what, out) ? Number(out.readBigUInt64LE(0)) : undefined;
  }

  private name(modBase: bigint, id: number): string | undefined {
    const out = [null as unknown];
    if (!dbghelp.SymGetTypeInfoName(this.process, modBase, id, TI.GET_SYMNAME, out) || !out[0]) return undefined;
    try {
      return koffi.decode.string16(out[0]) as string;
    } finally {
      k32.LocalFree(out[0]);
    }
  }

  private children(modBase: bigint, id: number): number[] {
    const count = this.u32(modBase, id, TI.GET_CHILDRENCOUNT) ?? 0;
    if (!count) return [];
    // TI_FINDCHILDREN_PARAMS: ULONG Count; ULONG Start; ULONG ChildId[Count].
    const params = Buffer.alloc(8 + 4 * count);
    params.writeUInt32LE(count, 0);
    if (!dbghelp.SymGetTypeInfo(this.process, modBase, id, TI.FINDCHILDREN, params)) return [];
    return Array.from({ length: count }, (_, i) => params.readUInt32LE(8 + 4 * i));
  }

  private read(modBase: bigint, id: number, depth: number): CType {
    if (depth > MAX_DEPTH) return { kind: 'unknown', name: '?', size: 0, why: 'type nested too deeply (broken debug information?)' };
    const tag = this.u32(modBase, id, TI.GET_SYMTAG);
    const size = this.u64(modBase, id, TI.GET_LENGTH) ?? 0;
    const inner = () => {
      const next = this.u32(modBase, id, TI.GET_TYPEID);
      return next === undefined ? undefined : this.type(modBase, next, depth + 1);
    };
    switch (tag) {
      case TAG.BASE: {
        const bt = this.u32(modBase, id, TI.GET_BASETYPE) ?? 0;
        return baseFrom(bt, size, this.name(modBase, id));
      }
      case TAG.POINTER: {
        const target = inner() ?? { kind: 'unknown', name: '?', size: 0, why: 'the debug information gives no pointee type' };
        return { ...pointerTo(target), size: size || 8 };
      }
      case TAG.ARRAY: {
        const element = inner();
        if (!element) return { kind: 'unknown', name: 'array', size, why: 'the debug information gives no element type' };
        const count = this.u32(modBase, id, TI.GET_COUNT) ?? (element.size ? Math.floor(size / element.size) : 0);
        return { kind: 'array', name: `${element.name}[${count}]`, size: size || count * element.size, count, element };
      }
      case TAG.TYPEDEF: {
        const t = inner();
        const name = this.name(modBase, id) ?? '?';
        return t ? { ...t, name } as CType : { kind: 'unknown', name, size, why: `typedef ${name} names no type the debug information describes` };
      }
      case TAG.UDT: {
        const union = this.u32(modBase, id, TI.GET_UDTKIND) === UDT_UNION;
        const kind = union ? 'union' as const : 'struct' as const;
        let members: Member[] | undefined;
        return {
          kind, name: `${kind} ${this.name(modBase, id) ?? '<anonymous>'}`, size,
          members: () => (members ??= this.members(modBase, id, depth)),
        };
      }
      case TAG.ENUM: {
        const base = inner();
        const enumerators = this.children(modBase, id).map((c) => this.enumerator(modBase, c)).filter((e): e is Enumerator => !!e);
        return { kind: 'enum', name: `enum ${this.name(modBase, id) ?? '<anonymous>'}`, size: size || base?.size || 4, base: base?.kind === 'base' ? base.base : 'int', enumerators };
      }
      case TAG.FUNCTION_TYPE: return { kind: 'function', name: 'function', size: 0 };
      default:
        return { kind: 'unknown', name: this.name(modBase, id) ?? '?', size, why: tag === undefined ? `dbghelp does not know type ${id}` : `dbghelp describes this type with tag ${tag}, which is not shown yet` };
    }
  }

  private members(modBase: bigint, id: number, depth: number): Member[] {
    const out: Member[] = [];
    for (const c of this.children(modBase, id)) {
      if (this.u32(modBase, c, TI.GET_SYMTAG) !== TAG.DATA) continue; // base classes, methods, nested types
      const typeId = this.u32(modBase, c, TI.GET_TYPEID);
      const type: CType = typeId === undefined ? { kind: 'unknown', name: '?', size: 0, why: 'the debug information gives no type for this member' } : this.type(modBase, typeId, depth + 1);
      const offset = this.u32(modBase, c, TI.GET_OFFSET) ?? 0;
      const position = this.u32(modBase, c, TI.GET_BITPOSITION);
      const bitLength = position === undefined ? undefined : this.u64(modBase, c, TI.GET_LENGTH);
      out.push({ name: this.name(modBase, c) ?? '?', type, offset, bits: position !== undefined && bitLength ? { position, length: bitLength } : undefined });
    }
    return out;
  }

  private enumerator(modBase: bigint, id: number): Enumerator | undefined {
    const name = this.name(modBase, id);
    const v = Buffer.alloc(24); // VARIANT: VARTYPE at 0, value at 8
    if (!name || !dbghelp.SymGetTypeInfo(this.process, modBase, id, TI.GET_VALUE, v)) return undefined;
    const value = variantInteger(v);
    return value === undefined ? undefined : { name, value };
  }
}

function variantInteger(v: Buffer): bigint | undefined {
  switch (v.readUInt16LE(0)) {
    case VT.I1: return BigInt(v.readInt8(8));
    case VT.UI1: return BigInt(v.readUInt8(8));
    case VT.I2: case VT.BOOL: return BigInt(v.readInt16LE(8));
    case VT.UI2: return BigInt(v.readUInt16LE(8));
    case VT.I4: case VT.INT: return BigInt(v.readInt32LE(8));
    case VT.UI4: case VT.UINT: return BigInt(v.readUInt32LE(8));
    case VT.I8: return v.readBigInt64LE(8);
    case VT.UI8: return v.readBigUInt64LE(8);
    default: return undefined;
  }
}

/** A base type from dbghelp's basic type, size and (when it has one) name. */
function baseFrom(bt: number, size: number, name: string | undefined): CType {
  const unsignedName = !!name && /\bunsigned\b/.test(name);
  let base: BaseKind | undefined;
  switch (bt) {
    case BT.VOID: base = 'void'; break;
    case BT.CHAR: case BT.CHAR8: base = unsignedName ? 'uchar' : 'char'; break;
    case BT.WCHAR: case BT.CHAR16: base = 'wchar'; break;
    case BT.INT: case BT.LONG: base = unsignedName ? 'uint' : size === 1 ? 'char' : 'int'; break;
    case BT.UINT: case BT.ULONG: case BT.CHAR32: base = size === 1 ? 'uchar' : 'uint'; break;
    case BT.FLOAT: base = 'float'; break;
    case BT.BOOL: base = 'bool'; break;
  }
  if (!base) return { kind: 'unknown', name: name ?? `basic type ${bt}`, size, why: `basic type ${bt} is not shown yet` };
  return { kind: 'base', name: name ?? baseName(base, size), size: base === 'void' ? 0 : size, base };
}

function baseName(base: BaseKind, size: number): string {
  switch (base) {
    case 'char': return 'char';
    case 'uchar': return 'unsigned char';
    case 'wchar': return 'wchar_t';
    case 'float': return size === 4 ? 'float' : 'double';
    case 'bool': return 'bool';
    case 'void': return 'void';
    case 'int': return size === 8 ? 'long long' : size === 2 ? 'short' : 'int';
    case 'uint': return size === 8 ? 'unsigned long long' : size === 2 ? 'unsigned short' : 'unsigned int';
  }
}
