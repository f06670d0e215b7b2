/**
 * The DAP Source for a file the debug information names. A file that is on
 * this machine gets its path. One that is not gets no path, only its name,
 * deemphasized, with the recorded path kept in adapterData: VS Code then
 * shows the frame as one without source and focuses the first frame that
 * has some, instead of an editor for a file that is not there. (Wine's own
 * DLLs name relative paths such as "dlls/kernelbase/sync.c", which Wine's
 * dbghelp resolves against the adapter's folder: a path that never existed.)
 */
import path from 'node:path';
import type { DebugProtocol } from '@vscode/debugprotocol';

/** A file as the engine names it, to the Source the client gets. */
export type SourceOf = (engineFile: string) => DebugProtocol.Source;

/** What adapterData holds for a file that is not here. */
export interface MissingSourceData {
  recordedPath: string;
}

/** A file may appear (a checkout) during a session: an answer is trusted this long. */
const RECHECK_MS = 10_000;
const MAX_REMEMBERED = 10_000;

export class SourceFiles {
  /** By engine path: a deep stack names the same few files thousands of times. */
  private readonly known = new Map<string, { source: DebugProtocol.Source; at: number }>();

  /** `exists` answers for the engine's form of a path (under Wine, "Z:\..."), where the adapter runs. */
  constructor(private readonly exists: (enginePath: string) => boolean, private readonly now: () => number = Date.now) {}

  /** `enginePath` as the engine gave it; `clientPath` as the client should see it. */
  source(enginePath: string, clientPath: string): DebugProtocol.Source {
    const t = this.now();
    const seen = this.known.get(enginePath);
    if (seen && t - seen.at < RECHECK_MS) return seen.source;
    const source = this.exists(enginePath) ? here(clientPath) : notHere(clientPath);
    if (this.known.size >= MAX_REMEMBERED) this.known.clear();
    this.known.set(enginePath, { source, at: t });
    return source;
  }
}

function nameOf(clientPath: string): string {
  return path.basename(clientPath.replace(/\\/g, '/'));
}

function here(clientPath: string): DebugProtocol.Source {
  return { name: nameOf(clientPath), path: clientPath };
}

function notHere(clientPath: string): DebugProtocol.Source {
  const data: MissingSourceData = { recordedPath: clientPath };
  return { name: nameOf(clientPath), presentationHint: 'deemphasize', origin: 'not on this machine', adapterData: data };
}

/** The recorded path of a Source this adapter sent without one, if that is what `source` is. */
export function recordedPathOf(source: DebugProtocol.Source | undefined): string | undefined {
  const data = source?.adapterData as Partial<MissingSourceData> | undefined;
  return typeof data?.recordedPath === 'string' ? data.recordedPath : undefined;
}
