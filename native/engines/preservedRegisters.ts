/**
 * What an unwound caller frame's registers hold for sure, under the x64
 * calling convention: the nonvolatile registers a callee must preserve, and
 * RIP and RSP, which the unwind itself computes. The volatile ones hold
 * whatever the callee left there, so neither engine shows them for callers.
 */
export const PRESERVED_REGISTERS: ReadonlySet<string> = new Set(['rbx', 'rbp', 'rsi', 'rdi', 'rsp', 'r12', 'r13', 'r14', 'r15', 'rip']);
