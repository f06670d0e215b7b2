/**
 * Seed 004: a WinDbg session on Windows (`kb` with `.inline 1`) of a
 * program with an inlined helper, as the C double of dbgeng.dll serves it
 * (test/fixtures/dbgeng-double): the stack every double test expects.
 */
export const RUNASM = 'e:\\test\\runasm\\runasm.cpp';
export const EXE_COMMON = 'f:\\dd\\vctools\\crt\\vcstartup\\src\\startup\\exe_common.inl';

/** seed 004, `kb` with `.inline 1`. */
export const SEED_004_STACK = [
  { name: 'helper (Inline)', file: RUNASM, line: 4, ctx: '25ed0200', frameType: ['INLINE'] },
  { name: 'main', file: RUNASM, line: 32, ctx: '25ed0100', frameType: ['STACK'] },
  { name: 'invoke_main (Inline)', file: EXE_COMMON, line: 74, ctx: '25ed8200', frameType: ['INLINE', 'RA'] },
  { name: '__scrt_common_main_seh', file: EXE_COMMON, line: 264, ctx: '25ed8100', frameType: ['STACK', 'RA'] },
  { name: 'BaseThreadInitThunk', file: undefined, line: 0, ctx: '25ed8100', frameType: ['STACK', 'RA'] },
  { name: '__RtlUserThreadStart', file: undefined, line: 0, ctx: '25ed8100', frameType: ['STACK', 'RA'] },
  { name: '_RtlUserThreadStart', file: undefined, line: 0, ctx: '25ed8100', frameType: ['STACK', 'RA'] },
];
