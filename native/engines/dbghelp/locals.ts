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
import type { Handle } from '../../win32/kernel32';
import { Layouts } from '../../win32/layouts';
import type { Value } from '../values/value';
import { CV_REGISTERS, keptForCallers } from './registers';
import type { TypeReader } from './types';

const SYM = Layouts.SYMBOL_INFOW;
const SYMFLAG = { REGISTER: 0x8, REGREL: 0x10, FRAMEREL: 0x20, PARAMETER: 0x40, LOCAL: 0x80 } as const;

export interface FrameVariable {
  name: string;
  kind: 'local' | 'parameter';
  value: Value;
}

interface RawSymbol { name: string; flags: number; register: number; address: bigint; typeIndex: number; modBase: bigint }

export class LocalsReader {
  constructor(private readonly process: Handle, private readonly types: TypeReader) {}

  /**
   * The variables in scope at `pc` in the given inline context, placed with
   * the register values of that frame (`context`, a CONTEXT buffer; for a
   * `caller` frame, the unwound one, whose volatile registers are stale).
   */
  read(pc: bigint, inlineContext: number, inline: boolean, context: Buffer, caller: boolean): FrameVariable[] {
    const ok = inline
      ? dbghelp.SymSetScopeFromInlineContext(this.process, pc, inlineContext >>> 0)
      : dbghelp.SymSetScopeFromAddr(this.process, pc);
    if (!ok) return [];
    const found: RawSymbol[] = [];
    dbghelp.SymEnumSymbolsW(this.process, 0n, null, (info: unknown, _size: unknown) => {
      const b = Buffer.from(koffi.view(info, SYM.size + 512));
      const len = Math.min(b.readUInt32LE(SYM.NameLen), 200);
      // Microsoft's dbghelp counts the terminating NUL in NameLen here (Wine's does not).
      const raw = b.toString('utf16le', SYM.Name, SYM.Name + len * 2);
      const nul = raw.indexOf('\0');
      found.push({
        name: nul < 0 ? raw : raw.slice(0, nul),
        flags: b.readUInt32LE(SYM.Flags),
        register: b.readUInt32LE(SYM.Register),
        address: b.readBigUInt64LE(SYM.Address),
        typeIndex: b.readUInt32LE(SYM.TypeIndex),
        modBase: b.readBigUInt64LE(SYM.ModBase),
      });
      return 1;
    }, null);
    return found
      .filter((s) => s.flags & (SYMFLAG.LOCAL | SYMFLAG.PARAMETER))
      .map((s) => ({ name: s.name, kind: s.flags & SYMFLAG.PARAMETER ? 'parameter' as const : 'local' as const, value: this.place(s, context, caller) }));
  }

  private place(s: RawSymbol, context: Buffer, caller: boolean): Value {
    const type = this.types.type(s.modBase, s.typeIndex);
    const reg = CV_REGISTERS[s.register];
    // In a caller frame a volatile register holds what the callee left there, not the variable.
    if (caller && reg && s.flags & (SYMFLAG.REGISTER | SYMFLAG.REGREL) && !keptForCallers(reg)) {
      return { type, location: { kind: 'unavailable', why: `value unavailable (in ${reg.name}, which the call did not keep)` } };
    }
    if (s.flags & SYMFLAG.REGREL && reg) {
      return { type, location: { kind: 'memory', address: BigInt.asUintN(64, context.readBigUInt64LE(reg.offset) + BigInt.asIntN(64, s.address)) } };
    }
    if (s.flags & SYMFLAG.REGISTER && reg && type.size <= reg.size) {
      return { type, location: { kind: 'register', register: reg.name }, bytes: Buffer.from(context.subarray(reg.offset, reg.offset + type.size)) };
    }
    if (!(s.flags & (SYMFLAG.FRAMEREL | SYMFLAG.REGISTER | SYMFLAG.REGREL)) && s.address) return { type, location: { kind: 'memory', address: s.address } };
    return { type, location: { kind: 'unavailable', why: 'value unavailable' } };
  }
}
