/**
 * Scopes and variables. A frame has Locals and Arguments (an inline frame
 * its own), and the innermost function's frames have Registers. Handles
 * come from a counter and are forgotten when the program resumes, like
 * frame ids.
 */
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { EngineClient } from '../native/api';
import { errors } from './errors';
import type { FrameRef } from './stack/frameStore';

type ScopeKind = 'locals' | 'arguments' | 'registers';

interface Handle { threadId: number; frameIndex: number; kind: ScopeKind }

export class VariableStore {
  private nextRef = 1;
  private readonly handles = new Map<number, Handle>();

  scopes(ref: FrameRef): DebugProtocol.Scope[] {
    const make = (name: string, kind: ScopeKind, hint?: string): DebugProtocol.Scope => {
      const variablesReference = this.nextRef++;
      this.handles.set(variablesReference, { threadId: ref.threadId, frameIndex: ref.frame.index, kind });
      return { name, variablesReference, expensive: false, presentationHint: hint };
    };
    const scopes = [make('Locals', 'locals', 'locals'), make('Arguments', 'arguments', 'arguments')];
    // Register values are known for the innermost function's frames only.
    if (ref.frame.physicalIndex === 0) scopes.push(make('Registers', 'registers', 'registers'));
    return scopes;
  }

  async variables(engine: EngineClient, reference: number): Promise<DebugProtocol.Variable[]> {
    const h = this.handles.get(reference);
    if (!h) throw errors.unknownVariables(reference);
    if (h.kind === 'registers') {
      return (await engine.registers(h.threadId)).map((r) => ({ name: r.name, value: r.value, variablesReference: 0 }));
    }
    const wanted = h.kind === 'locals' ? 'local' : 'parameter';
    return (await engine.variables(h.threadId, h.frameIndex))
      .filter((v) => v.kind === wanted)
      .map((v) => ({ name: v.name, value: v.value, type: v.type, variablesReference: 0, memoryReference: v.address }));
  }

  async setVariable(engine: EngineClient, reference: number, name: string, value: string): Promise<string> {
    const h = this.handles.get(reference);
    if (!h) throw errors.unknownVariables(reference);
    return engine.setVariable(h.threadId, h.frameIndex, h.kind === 'registers' ? 'registers' : 'locals', name, value);
  }

  clear(): void {
    this.handles.clear();
  }
}
