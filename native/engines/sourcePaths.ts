/**
 * Compares source paths as debug information and editors spell them.
 * DWARF built on Linux records "/home/u/src/a.c"; under Wine the editor's
 * path reaches the adapter as "Z:\home\u\src\a.c"; PDBs record
 * "C:\src\a.c" in any case. Two paths name the same file when, ignoring
 * case, separators and a drive letter, one is a suffix of the other on
 * whole path components.
 */
export function pathComponents(p: string): string[] {
  return p
    .replace(/^[a-zA-Z]:/, '')
    .split(/[\\/]+/)
    .filter((c) => c !== '' && c !== '.')
    .map((c) => c.toLowerCase());
}

export function sameSourceFile(a: string, b: string): boolean {
  const x = pathComponents(a);
  const y = pathComponents(b);
  if (!x.length || !y.length) return false;
  const n = Math.min(x.length, y.length);
  for (let i = 1; i <= n; i++) if (x[x.length - i] !== y[y.length - i]) return false;
  return true;
}
