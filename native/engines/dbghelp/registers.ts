/**
 * A frame's registers, read from its CONTEXT (the thread's for the
 * innermost frame, the one the stack walk unwound to for a caller), as
 * values the evaluator and the Registers scope use.
 */
import { Layouts } from '../../win32/layouts';
import { PRESERVED_REGISTERS } from '../preservedRegisters';
import { baseType, type CType } from '../values/types';
import { ValueError, type Value } from '../values/value';

const C = Layouts.CONTEXT;

export const REGISTERS = ['Rax', 'Rbx', 'Rcx', 'Rdx', 'Rsi', 'Rdi', 'Rbp', 'Rsp', 'R8', 'R9', 'R10', 'R11', 'R12', 'R13', 'R14', 'R15', 'Rip'] as const;
export type RegisterName = (typeof REGISTERS)[number];

/** What an unwound caller frame's context holds for sure (see PRESERVED_REGISTERS), as CONTEXT names. */
export const NONVOLATILE: ReadonlySet<RegisterName> = new Set(REGISTERS.filter((r) => PRESERVED_REGISTERS.has(r.toLowerCase())));

/** CodeView register numbers for x64 (cvconst.h): where a variable the debug information puts in a register is. */
export const CV_REGISTERS: Record<number, { name: string; offset: number; size: number }> = {
  328: { name: 'rax', offset: C.Rax, size: 8 }, 329: { name: 'rbx', offset: C.Rbx, size: 8 },
  330: { name: 'rcx', offset: C.Rcx, size: 8 }, 331: { name: 'rdx', offset: C.Rdx, size: 8 },
  332: { name: 'rsi', offset: C.Rsi, size: 8 }, 333: { name: 'rdi', offset: C.Rdi, size: 8 },
  334: { name: 'rbp', offset: C.Rbp, size: 8 }, 335: { name: 'rsp', offset: C.Rsp, size: 8 },
  336: { name: 'r8', offset: C.R8, size: 8 }, 337: { name: 'r9', offset: C.R9, size: 8 },
  338: { name: 'r10', offset: C.R10, size: 8 }, 339: { name: 'r11', offset: C.R11, size: 8 },
  340: { name: 'r12', offset: C.R12, size: 8 }, 341: { name: 'r13', offset: C.R13, size: 8 },
  342: { name: 'r14', offset: C.R14, size: 8 }, 343: { name: 'r15', offset: C.R15, size: 8 },
  17: { name: 'eax', offset: C.Rax, size: 4 }, 18: { name: 'ecx', offset: C.Rcx, size: 4 },
  19: { name: 'edx', offset: C.Rdx, size: 4 }, 20: { name: 'ebx', offset: C.Rbx, size: 4 },
  23: { name: 'esi', offset: C.Rsi, size: 4 }, 24: { name: 'edi', offset: C.Rdi, size: 4 },
};

const NONVOLATILE_OFFSETS: ReadonlySet<number> = new Set([...NONVOLATILE].map((r) => C[r]));

/** Whether a caller frame's context holds this CodeView register's real value (see NONVOLATILE). */
export function keptForCallers(cv: { offset: number }): boolean {
  return NONVOLATILE_OFFSETS.has(cv.offset);
}

const U64 = baseType('unsigned long long')!;
const U32 = baseType('unsigned int')!;
const LOW32: Record<string, RegisterName> = { eax: 'Rax', ebx: 'Rbx', ecx: 'Rcx', edx: 'Rdx', esi: 'Rsi', edi: 'Rdi', ebp: 'Rbp', esp: 'Rsp' };

/**
 * A register of a frame by name: rax..r15, rip, efl, and the 32-bit halves
 * (eax.., r8d..). A caller frame's volatile registers are refused, saying why.
 */
export function registerValue(context: Buffer, name: string, callerFrame: boolean): Value | undefined {
  const n = name.toLowerCase();
  if (n === 'efl' || n === 'eflags') return reg(context, C.EFlags, U32, n);
  const full = REGISTERS.find((r) => r.toLowerCase() === n);
  const low = LOW32[n] ?? (/^r(8|9|1[0-5])d$/.test(n) ? (`R${n.slice(1, -1)}` as RegisterName) : undefined);
  const which = full ?? low;
  if (!which) return undefined;
  if (callerFrame && !NONVOLATILE.has(which)) {
    throw new ValueError(`${n} is not known in a caller frame: the callee did not have to keep it (only rbx, rbp, rsi, rdi, rsp, r12-r15 and rip are).`);
  }
  return full ? reg(context, C[which], U64, n) : reg(context, C[which], U32, n);
}

function reg(context: Buffer, offset: number, type: CType, name: string): Value {
  return { type, location: { kind: 'register', register: name }, bytes: Buffer.from(context.subarray(offset, offset + type.size)) };
}
