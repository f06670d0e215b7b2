/**
 * Builds a Windows command line from an argument vector so that the
 * program's C runtime (CommandLineToArgvW rules) splits it back into exactly
 * the same arguments. Arguments never pass through a shell.
 */
export function quoteArgument(arg: string): string {
  if (arg !== '' && !/[ \t\n\v"]/.test(arg)) return arg;
  let out = '"';
  let backslashes = 0;
  for (const ch of arg) {
    if (ch === '\\') {
      backslashes++;
    } else if (ch === '"') {
      // Backslashes before a quote are doubled, and the quote escaped.
      out += '\\'.repeat(backslashes * 2 + 1) + '"';
      backslashes = 0;
    } else {
      out += '\\'.repeat(backslashes) + ch;
      backslashes = 0;
    }
  }
  // Backslashes before the closing quote are doubled so it stays a quote.
  return out + '\\'.repeat(backslashes * 2) + '"';
}

export function buildCommandLine(program: string, args: readonly string[]): string {
  return [program, ...args].map(quoteArgument).join(' ');
}

/**
 * A CREATE_UNICODE_ENVIRONMENT block: the adapter's own environment with
 * `changes` applied (null removes a variable), sorted case-insensitively as
 * Windows expects, each "NAME=value\0", ended by one more "\0".
 */
export function buildEnvironmentBlock(base: Record<string, string | undefined>, changes: Record<string, string | null>): Buffer {
  const vars = new Map<string, [string, string]>();
  for (const [k, v] of Object.entries(base)) if (v !== undefined) vars.set(k.toUpperCase(), [k, v]);
  for (const [k, v] of Object.entries(changes)) {
    if (v === null) vars.delete(k.toUpperCase());
    else vars.set(k.toUpperCase(), [k, String(v)]);
  }
  const entries = [...vars.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const text = entries.map(([, [k, v]]) => `${k}=${v}\0`).join('') + '\0';
  return Buffer.from(entries.length ? text : '\0\0', 'utf16le');
}
