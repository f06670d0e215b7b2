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

/**
 * Why a line breakpoint bound nowhere, and what to do. `recorded`: the
 * source files the loaded modules' debug information records; one with the
 * same file name in another folder is most likely the user's file built
 * elsewhere, and "sourceFileMap" from its folder to the user's binds it.
 */
export function unboundLineMessage(path: string, line: number, recorded: string[], pending: boolean): string {
  const name = pathComponents(path).at(-1);
  const alike = [...new Set(recorded.filter((r) => pathComponents(r).at(-1) === name && !sameSourceFile(r, path)))].slice(0, 5);
  const base = `No code for line ${line} of ${path} in the loaded modules${pending ? ' (yet)' : ''}.`;
  if (!alike.length) return `${base}${pending ? ' The breakpoint binds when a module with that line loads.' : ''} No loaded module's debug information names a file called ${name}.`;
  const dir = (p: string) => p.replace(/[\\/][^\\/]*$/, '');
  return `${base} The debug information records ${alike.join(', ')}: if that is this file, built elsewhere, map its folder with "sourceFileMap": {"${dir(alike[0]!)}": "${dir(path)}"}.`;
}

/**
 * The distinct recorded files `path` names (a bare "util.h" may name
 * several), and, when it names more than one, what a bound breakpoint
 * says about it: it binds in each, and more of the path picks one.
 */
export function ambiguityNote(path: string, recorded: string[]): string | undefined {
  const byKey = new Map<string, string>();
  for (const r of recorded) if (sameSourceFile(r, path)) byKey.set(pathComponents(r).join('/'), r);
  if (byKey.size < 2) return undefined;
  const files = [...byKey.values()].sort();
  return `${path} names ${files.length} files the program records: ${files.join(', ')}. The breakpoint is bound in each; give more of the path to choose one.`;
}

