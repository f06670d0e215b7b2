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

/** Client forms of engine paths already seen: a deep stack names the same few files thousands of times. */
const clientForms = new Map<string, string>();
const MAX_REMEMBERED = 10_000;

export const winePaths: PathMapper = {
  toEngine: (p) => (p.startsWith('/') ? 'Z:' + p.replace(/\//g, '\\') : p),
  toClient: (p) => {
    let client = clientForms.get(p);
    if (client === undefined) {
      client = /^[zZ]:[\\/]/.test(p) ? p.slice(2).replace(/\\/g, '/') : p;
      if (clientForms.size < MAX_REMEMBERED) clientForms.set(p, client);
    }
    return client;
  },
};
