/**
 * What a breakpoint does when hit, beyond stopping: a condition that must
 * hold, a hit count that must be reached (counted only when the condition
 * holds, as Visual Studio counts), or a log message instead of a stop.
 * The engine stops on every hit; this decides whether the user sees it.
 */
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { EngineClient } from '../native/api';
import { evaluateExpression, hitConditionMet, interpolate, type Lookup } from './expressions';

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

/** 32-bit register names, read from their 64-bit registers. */
const LOW32: Record<string, string> = { eax: 'rax', ebx: 'rbx', ecx: 'rcx', edx: 'rdx', esi: 'rsi', edi: 'rdi', ebp: 'rbp', esp: 'rsp' };

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

  async decide(engine: EngineClient, threadId: number, ids: number[]): Promise<HitDecision> {
    const lookup = await lookupFor(engine, threadId);
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
          if (evaluateExpression(p.condition, lookup) === 0n) continue;
        } catch (e) {
          // As Visual Studio does: a condition that cannot be evaluated stops, and says why.
          output.push(`Breakpoint condition "${p.condition}" could not be evaluated: ${(e as Error).message}\n`);
          stop = true;
          continue;
        }
      }
      p.hits++;
      if (p.hitCondition) {
        try {
          if (!hitConditionMet(p.hitCondition, p.hits)) continue;
        } catch (e) {
          output.push(`${(e as Error).message}\n`);
          stop = true;
          continue;
        }
      }
      if (p.logMessage) output.push(`${interpolate(p.logMessage, lookup)}\n`);
      else stop = true;
    }
    return { stop, output };
  }
}

/** Names of the top frame (locals, parameters) and the thread's registers. */
async function lookupFor(engine: EngineClient, threadId: number): Promise<Lookup> {
  const values = new Map<string, bigint>();
  const [registers, variables] = await Promise.all([
    engine.registers(threadId).catch(() => []),
    engine.variables(threadId, 0).catch(() => []),
  ]);
  for (const r of registers) values.set(r.name.toLowerCase(), BigInt(r.value));
  for (const [low, full] of Object.entries(LOW32)) {
    const v = values.get(full);
    if (v !== undefined) values.set(low, BigInt.asIntN(32, v));
  }
  for (let i = 8; i <= 15; i++) {
    const v = values.get(`r${i}`);
    if (v !== undefined) values.set(`r${i}d`, BigInt.asIntN(32, v));
  }
  for (const v of variables) {
    if (/^-?(0x[0-9a-f]+|\d+)$/i.test(v.value)) values.set(v.name, BigInt(v.value));
    else if (v.value === 'true' || v.value === 'false') values.set(v.name, v.value === 'true' ? 1n : 0n);
  }
  return (name) => values.get(name) ?? values.get(name.toLowerCase());
}
