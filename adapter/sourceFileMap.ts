/**
 * The `sourceFileMap` launch attribute, as cpptools has it: recorded path
 * prefix -> local prefix, for programs built elsewhere (a build machine's
 * C:\agent\src, a container's /build). Both ways: a breakpoint's local file
 * is given to the engine as the debug information records it, and a frame's
 * recorded file is shown as the local copy. The longest matching prefix
 * wins; prefixes match on whole path components, with / and \ alike, and
 * without regard to case where the prefix is a Windows path.
 */
export class SourceFileMap {
  private readonly entries: { recorded: string; local: string }[];

  constructor(map: Record<string, string> = {}) {
    this.entries = Object.entries(map).map(([recorded, local]) => ({ recorded: trimEnd(recorded), local: trimEnd(local) }));
  }

  get empty(): boolean {
    return this.entries.length === 0;
  }

  /** A local path as the debug information records it (unchanged when no prefix matches). */
  toRecorded(localPath: string): string {
    return this.rewrite(localPath, (e) => [e.local, e.recorded]);
  }

  /** A recorded path as the local copy's (unchanged when no prefix matches). */
  toLocal(recordedPath: string): string {
    return this.rewrite(recordedPath, (e) => [e.recorded, e.local]);
  }

  private rewrite(p: string, direction: (e: { recorded: string; local: string }) => [string, string]): string {
    let best: [string, string] | undefined;
    for (const e of this.entries) {
      const [from, to] = direction(e);
      if (startsWithPrefix(p, from) && (!best || from.length > best[0].length)) best = [from, to];
    }
    if (!best) return p;
    const [from, to] = best;
    const rest = p.slice(from.length).replace(/^[\\/]+/, '');
    if (!rest) return to;
    const sep = to.includes('\\') && !to.includes('/') ? '\\' : '/';
    return `${to}${sep}${rest.replace(/[\\/]+/g, sep)}`;
  }
}

const trimEnd = (p: string) => (p.length > 1 ? p.replace(/[\\/]+$/, '') : p);
const windowsLike = (p: string) => /^[a-zA-Z]:/.test(p) || p.includes('\\');

function startsWithPrefix(p: string, prefix: string): boolean {
  if (!prefix) return false;
  const norm = (s: string) => s.replace(/\\/g, '/');
  const a = windowsLike(prefix) ? norm(p).toLowerCase() : norm(p);
  const b = windowsLike(prefix) ? norm(prefix).toLowerCase() : norm(prefix);
  return a === b || a.startsWith(b.endsWith('/') ? b : `${b}/`);
}
