/**
 * Paths as the editor sees them and as the engine sees them. Natively on
 * Windows they are the same. Under Wine the editor runs on Linux and speaks
 * "/home/u/a.c" while Windows calls want "Z:\home\u\a.c" (Wine maps Z: to
 * the Linux root); debug information may hold either form.
 */
export interface PathMapper {
  toEngine(p: string): string;
  toClient(p: string): string;
}

export const identityPaths: PathMapper = { toEngine: (p) => p, toClient: (p) => p };

export const winePaths: PathMapper = {
  toEngine: (p) => (p.startsWith('/') ? 'Z:' + p.replace(/\//g, '\\') : p),
  toClient: (p) => (/^[zZ]:[\\/]/.test(p) ? p.slice(2).replace(/\\/g, '/') : p),
};
