/**
 * A call stack as WinDbg's `k` prints it. Inline rows have no stack
 * pointer or return address of their own; like WinDbg, they say
 * "(Inline)" there instead.
 */
export interface StackRow {
  index: number;
  inline: boolean;
  name: string;
  displacement?: number;
  module?: string;
  file?: string;
  line?: number;
  stackOffset: string;
  returnOffset: string;
}

const hex16 = (v: string) => BigInt(v).toString(16).padStart(16, '0');

export function formatStack(rows: StackRow[]): string {
  const out = [' # Child-SP          RetAddr           Call Site'];
  for (const r of rows) {
    const idx = r.index.toString(16).padStart(2, '0');
    const cols = r.inline ? '(Inline)          ----------------' : `${hex16(r.stackOffset)} ${hex16(r.returnOffset)}`;
    // A frame without a symbol is already named module+offset.
    const mod = r.module && !r.name.startsWith(`${r.module}+`) ? `${r.module}!` : '';
    const disp = !r.inline && r.displacement ? `+0x${r.displacement.toString(16)}` : '';
    const src = r.file ? ` [${r.file} @ ${r.line ?? '?'}]` : '';
    out.push(`${idx} ${cols} ${mod}${r.name}${disp}${src}`);
  }
  return out.join('\n');
}
