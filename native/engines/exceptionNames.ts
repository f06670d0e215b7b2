/**
 * How a stop names its exception, as WinDbg names them, for every engine
 * (the dbghelp engine's debug events, dbgeng's exception callback, a crash
 * dump's last event). Pure: no koffi.
 */
const ACCESS_VIOLATION = 0xc0000005;

/** "Access violation writing location 0x0" where the record's parameters say so; "Access violation" where not. */
export function describeException(code: number, parameters: bigint[] = []): string {
  switch (code >>> 0) {
    case ACCESS_VIOLATION: {
      const [kind, address] = parameters;
      const verb = kind === 0n ? 'reading' : kind === 1n ? 'writing' : kind === 8n ? 'executing' : undefined;
      return verb && address !== undefined ? `Access violation ${verb} location 0x${address.toString(16)}` : 'Access violation';
    }
    case 0x80000003: return 'Break instruction exception';
    case 0x80000004: return 'Single step exception';
    case 0xc0000094: return 'Integer divide-by-zero';
    case 0xc00000fd: return 'Stack overflow';
    case 0xc000001d: return 'Illegal instruction';
    case 0xc0000409: return 'Stack buffer overrun';
    case 0xe06d7363: return 'C++ exception';
    default: return `Exception 0x${(code >>> 0).toString(16).padStart(8, '0')}`;
  }
}

/** The stop's description: the exception's name and its chance. */
export function describeExceptionStop(code: number, firstChance: boolean, parameters: bigint[] = []): string {
  return `${describeException(code, parameters)} (${firstChance ? 'first' : 'second'} chance)`;
}
