/**
 * "Step Into Target": which calls a source line makes, inlined ones
 * included, as a pure decision over what the engine read of the function's
 * code. One rule for every engine.
 *
 * The frame the user is in is a physical function plus the chain of inline
 * sites it is nested in (empty for the physical frame itself). An
 * instruction belongs to the frame's line when it lies in the same inline
 * sites and the frame's own line there is that line. Of those:
 *  - one inside a further inline site makes that site a target: the inlined
 *    call of a function on this line (its call line is this line);
 *  - a call instruction of the frame's own code makes its destination a
 *    target, when the destination has source lines (stepping into code
 *    without lines shows the user nothing, as a plain stepIn does not).
 * Targets are listed in address order, each once (an inlined copy by its
 * start, a callee by its address), which is the order in which the code
 * runs them on straight-line code, the way Visual Studio lists them.
 */
import type { StepInTargetInfo } from './engine';
import { EngineError } from './engineError';
import type { Site } from './stepping';

/** One instruction of the function, as the target search needs it. */
export interface CodeSpot {
  address: bigint;
  /** The inline sites at the address, outermost first. */
  chain: Site[];
  /**
   * The line of each level at the address: lines[0] the physical
   * function's, lines[k] that of chain[k-1] (for a level that has a deeper
   * site here, the line of its call of that site).
   */
  lines: (number | undefined)[];
  /** A call instruction of this level's own code: where it goes, when that is known and has source lines. */
  call?: { address: bigint; name: string };
}

export type StepInTarget =
  /** `entries`: where the code enters the inlined copy (each of its address ranges' first instruction). */
  | { kind: 'inline'; label: string; site: Site; entries: bigint[] }
  | { kind: 'call'; label: string; address: bigint };

/** The frame stepped from: its inline sites (outermost first; empty for a physical frame) and its line. */
export interface TargetFrame {
  chain: Site[];
  line: number;
}

const sameSite = (a: Site, b: Site) => a.name === b.name && a.start === b.start;

export function stepInTargets(frame: TargetFrame, spots: CodeSpot[]): StepInTarget[] {
  const level = frame.chain.length;
  const targets: StepInTarget[] = [];
  const seen = new Set<string>();
  const add = (key: string, target: StepInTarget) => {
    if (seen.has(key)) return;
    seen.add(key);
    targets.push(target);
  };
  const entries = new Map<string, bigint[]>();
  let before: CodeSpot | undefined;
  for (const spot of [...spots].sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0))) {
    const previous = before;
    before = spot;
    if (spot.chain.length < level || !frame.chain.every((s, i) => sameSite(s, spot.chain[i]!))) continue;
    if (spot.lines[level] !== frame.line) continue;
    const deeper = spot.chain[level];
    if (deeper) {
      const key = `site:${deeper.name}@${deeper.start}`;
      let at = entries.get(key);
      if (!at) entries.set(key, at = []);
      const continues = previous?.chain[level] && sameSite(previous.chain[level]!, deeper);
      if (!continues) at.push(spot.address);
      add(key, { kind: 'inline', label: deeper.name, site: deeper, entries: at });
    } else if (spot.call) add(`call:${spot.call.address}`, { kind: 'call', label: spot.call.name, address: spot.call.address });
  }
  return targets;
}

/**
 * A chosen inlined call that begins right here, not entered yet (one of the
 * `hidden` innermost frames of `chain`, outermost first), is entered
 * without running anything: the inline frames left hidden then. Undefined
 * when the target is not such a call (the step must run to it).
 */
export function enteredInPlace(chain: Site[], hidden: number, target: StepInTarget): number | undefined {
  if (target.kind !== 'inline') return undefined;
  const level = chain.findIndex((s) => sameSite(s, target.site));
  return level >= 0 && level >= chain.length - hidden ? chain.length - level - 1 : undefined;
}

/** The targets listed at one stop, by the ids the client gets; they hold until the program runs. */
export class ListedTargets {
  private readonly listed = new Map<number, { threadId: number; target: StepInTarget }>();

  /** Lists a thread's targets, each under a new id. */
  add(threadId: number, targets: StepInTarget[]): StepInTargetInfo[] {
    return targets.map((target) => {
      const id = this.listed.size + 1;
      this.listed.set(id, { threadId, target });
      return { id, label: target.label, inline: target.kind === 'inline' };
    });
  }

  /** The target a step into one asks for: listed at this stop, for this thread, and the step a stepIn. */
  chosen(threadId: number, kind: string, targetId: number): StepInTarget {
    const listed = this.listed.get(targetId);
    if (kind !== 'in' || !listed || listed.threadId !== threadId) {
      throw new EngineError('noStepTarget', `Step-in target ${targetId} is not one of this stop's for thread ${threadId}; list the line's targets again.`);
    }
    return listed.target;
  }

  /** The program runs: the ids are gone. */
  clear(): void {
    this.listed.clear();
  }
}
