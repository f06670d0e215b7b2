/**
 * A module without (matching) symbols, said once: the reason in the Debug
 * Console (client/symbolCheck.ts finds it) and "no matching symbols" as
 * its status in the Modules view, in place of the engine's, which says
 * nothing of why (dbgeng's is "deferred" until a frame needs the module).
 */
import { symbolProblem } from '../client/symbolCheck';
import type { EngineEvent } from '../native/api';
import type { PathMapper } from './paths';
import { askedSymbolPath } from './symbolPath';

type ModuleEvent = Extract<EngineEvent, { type: 'module' }>;

export const NO_MATCHING_SYMBOLS = 'no matching symbols';

export class SymbolNotes {
  /** Module files already spoken of (a restart loads them again). */
  private readonly said = new Set<string>();

  constructor(private readonly say: (text: string) => void) {}

  /** The module event as the client is to see it. */
  note(e: ModuleEvent, paths: PathMapper): ModuleEvent {
    if (e.reason !== 'new') return e;
    const problem = symbolProblem(e.path, { symbolPath: askedSymbolPath(), toLocal: paths.toEngine, show: paths.toClient });
    if (!problem) return e;
    if (!this.said.has(e.path.toLowerCase())) this.say(`${problem}\n`);
    this.said.add(e.path.toLowerCase());
    return { ...e, symbolStatus: NO_MATCHING_SYMBOLS };
  }
}
