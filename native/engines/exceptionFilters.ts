/**
 * Which first-chance exceptions stop the program, as the user chose in the
 * Breakpoints view. A second-chance exception (the program did not handle
 * it and is about to die) always stops.
 */
export interface ExceptionFilter {
  filter: string;
  label: string;
  description: string;
  default: boolean;
}

export const EXCEPTION_FILTERS: readonly ExceptionFilter[] = [
  { filter: 'breakpoint', label: 'Break instructions', description: '__debugbreak() and int3 in the program', default: true },
  { filter: 'access-violation', label: 'Access violations', description: 'First-chance 0xC0000005', default: true },
  { filter: 'faults', label: 'Other faults', description: 'Illegal instruction, integer divide by zero, stack overflow (first chance)', default: true },
  { filter: 'cpp', label: 'C++ exceptions', description: 'First-chance 0xE06D7363 (throw)', default: false },
  { filter: 'all', label: 'All first-chance exceptions', description: 'Every exception, before the program sees it', default: false },
];

export const DEFAULT_FILTERS = EXCEPTION_FILTERS.filter((f) => f.default).map((f) => f.filter);

const FAULTS = new Set([0xc000001d, 0xc0000094, 0xc00000fd]);

/** Whether a first-chance exception with this code stops, under these filters. */
export function stopsOnFirstChance(code: number, filters: ReadonlySet<string>): boolean {
  const c = code >>> 0;
  if (filters.has('all')) return true;
  if (c === 0x80000003 || c === 0x4000001f) return filters.has('breakpoint');
  if (c === 0xc0000005) return filters.has('access-violation');
  if (FAULTS.has(c)) return filters.has('faults');
  if (c === 0xe06d7363) return filters.has('cpp');
  return false;
}
