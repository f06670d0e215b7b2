/**
 * What a breakpoint does when hit, beyond stopping: a condition that must
 * hold, a hit count that must be reached (counted only when the condition
 * holds, as Visual Studio counts), or a log message instead of a stop.
 * The engine stops on every hit; this decides whether the user sees it.
 */
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { EngineClient } from '../../native/api';

interface Policy {
  condition?: string;
  hitCondition?: string;
  logMessage?: string;
  hits: number;
}

export interface HitDecision {
  stop: boolean;
  /** Logpoint messages and condition errors, for the Debug Console. */
  output: string[];
}

export class BreakpointPolicies {
  private readonly byId = new Map<number, Policy>();
  private readonly groups = new Map<string, number[]>();

  /** Replaces the policies of one group of breakpoints (a source file, or the function breakpoints). */
  replace(group: string, entries: { id: number; spec: DebugProtocol.SourceBreakpoint | DebugProtocol.FunctionBreakpoint }[]): void {
    for (const id of this.groups.get(group) ?? []) this.byId.delete(id);
    const ids: number[] = [];
    for (const { id, spec } of entries) {
      const logMessage = 'logMessage' in spec ? spec.logMessage : undefined;
      if (!spec.condition && !spec.hitCondition && !logMessage) continue;
      this.byId.set(id, { condition: spec.condition, hitCondition: spec.hitCondition, logMessage, hits: 0 });
      ids.push(id);
    }
    this.groups.set(group, ids);
  }

  /** True when any of these breakpoints has a policy (otherwise the stop is shown as is). */
  governs(ids: number[]): boolean {
    return ids.some((id) => this.byId.has(id));
  }

  /** Conditions and logpoint expressions are C, evaluated by the engine in the stopped thread's top frame. */
  async decide(engine: EngineClient, threadId: number, ids: number[]): Promise<HitDecision> {
    const output: string[] = [];
    let stop = false;
    for (const id of ids) {
      const p = this.byId.get(id);
      if (!p) {
        stop = true;
        continue;
      }
      if (p.condition) {
        try {
          // !! makes any scalar 0 or 1, true as C takes it (a non-null pointer, a non-zero number).
          if ((await engine.evaluate(threadId, 0, `!!(${p.condition})`)).value === '0') continue;
        } catch (e) {
          // As Visual Studio does: a condition that cannot be evaluated stops, and says why.
          output.push(`Breakpoint condition "${p.condition}" could not be evaluated: ${(e as Error).message}\n`);
          stop = true;
          continue;
        }
      }
      p.hits++;
      if (p.hitCondition) {
        const met = hitConditionMet(p.hitCondition, p.hits);
        if (typeof met === 'string') {
          output.push(`${met}\n`);
          stop = true;
          continue;
        }
        if (!met) continue;
      }
      if (p.logMessage) output.push(`${await interpolate(p.logMessage, (expr) => engine.evaluate(threadId, 0, expr).then((v) => v.value))}\n`);
      else stop = true;
    }
    return { stop, output };
  }
}

/**
 * A hit condition as VS Code users write them: "5" or "==5" (the 5th hit),
 * ">=5", ">5", "<=5", "<5", "%5" (every 5th hit). A condition not
 * understood answers what is wrong with it.
 */
export function hitConditionMet(condition: string, hits: number): boolean | string {
  const m = /^\s*(==|>=|<=|>|<|%)?\s*(\d+)\s*$/.exec(condition);
  if (!m) return `Hit count "${condition}" is not understood. Write a number (5), or >=5, >5, <=5, <5, ==5 or %5.`;
  const n = Number(m[2]);
  switch (m[1]) {
    case '>=': return hits >= n;
    case '>': return hits > n;
    case '<=': return hits <= n;
    case '<': return hits < n;
    case '%': return n > 0 && hits % n === 0;
    default: return hits === n;
  }
}

/** A logpoint message: text with {expression} parts replaced by their values (or why not, in angle brackets). */
export async function interpolate(message: string, evaluate: (expression: string) => Promise<string>): Promise<string> {
  const parts = message.split(/\{([^{}]+)\}/);
  let out = '';
  for (let i = 0; i < parts.length; i++) {
    if (i % 2 === 0) out += parts[i];
    else out += await evaluate(parts[i]!).catch((e: Error) => `<${e.message}>`);
  }
  return out;
}
