/**
 * Scopes and variables. Every frame has Locals, Arguments and Registers (an
 * inline frame its own locals and arguments; a caller frame the registers
 * its unwound context holds). A structured value (struct, union, array,
 * pointer) gets a reference that lists its parts, paged for arrays.
 * References come from a counter and belong to one stop (adapter/stop.ts),
 * like frame ids (the engine's value handles go at the same time).
 */
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { EngineClient, Variable } from '../native/api';
import { errors } from './errors';
import { formatValue } from './valueFormat';
import type { FrameRef } from './stack/frameStore';

type ScopeKind = 'locals' | 'arguments' | 'registers';

type FrameValues = { kind: 'locals' | 'arguments'; threadId: number; frameIndex: number };

type Handle =
  | FrameValues
  | { kind: 'registers'; threadId: number; frameIndex: number }
  /** The parts of a value: an engine value handle, and the expression that names the value. */
  | { kind: 'parts'; handle: number; expression: string };

/** A frame's locals, or its arguments. */
async function scopeValues(engine: EngineClient, h: FrameValues): Promise<Variable[]> {
  const wanted = h.kind === 'locals' ? 'local' : 'parameter';
  return (await engine.variables(h.threadId, h.frameIndex)).filter((v) => v.kind === wanted);
}

export class VariableStore {
  private nextRef: number;
  private readonly handles = new Map<number, Handle>();

  /** `firstRef`: past every reference of the stop before, so that none of those is taken for one of this stop's. */
  constructor(firstRef = 1) {
    this.nextRef = firstRef;
  }

  /** The first reference the next stop's store may hand out. */
  get nextFree(): number {
    return this.nextRef;
  }

  scopes(ref: FrameRef): DebugProtocol.Scope[] {
    const make = (name: string, kind: ScopeKind, hint?: string): DebugProtocol.Scope => {
      const variablesReference = this.add({ threadId: ref.threadId, frameIndex: ref.frame.index, kind });
      return { name, variablesReference, expensive: false, presentationHint: hint };
    };
    return [make('Locals', 'locals', 'locals'), make('Arguments', 'arguments', 'arguments'), make('Registers', 'registers', 'registers')];
  }

  async variables(engine: EngineClient, reference: number, start?: number, count?: number, format?: DebugProtocol.ValueFormat): Promise<DebugProtocol.Variable[]> {
    const h = this.handles.get(reference);
    if (!h) throw errors.unknownVariables(reference);
    if (h.kind === 'parts') return (await engine.children(h.handle, start, count)).map((v) => this.toDap(v, partExpression(h.expression, v), format));
    if (h.kind === 'registers') {
      return (await engine.registers(h.threadId, h.frameIndex)).map((r) => ({ name: r.name, value: formatValue(r.value, 'unsigned __int64', format), variablesReference: 0, evaluateName: `$${r.name}` }));
    }
    return (await scopeValues(engine, h)).map((v) => this.toDap(v, v.name, format));
  }

  /** The value `name` of a variables reference (a local, an argument, a member or element), undefined for a register or a name not there. */
  async find(engine: EngineClient, reference: number, name: string): Promise<Variable | undefined> {
    const h = this.handles.get(reference);
    if (!h) throw errors.unknownVariables(reference);
    if (h.kind === 'registers') return undefined;
    const values = h.kind === 'parts' ? await engine.children(h.handle) : await scopeValues(engine, h);
    return values.find((v) => v.name === name);
  }

  async setVariable(engine: EngineClient, reference: number, name: string, value: string): Promise<string> {
    const h = this.handles.get(reference);
    if (!h) throw errors.unknownVariables(reference);
    if (h.kind === 'parts') return engine.setChild(h.handle, name, value);
    return engine.setVariable(h.threadId, h.frameIndex, h.kind === 'registers' ? 'registers' : 'locals', name, value);
  }

  /**
   * A value as DAP shows it; one with parts gets a reference to them (with
   * its counts, for paging). `expression` names it in the frame, for "Add
   * to Watch" and "Copy as Expression". `format`: the client's (hex).
   */
  toDap(v: Variable, expression: string, format?: DebugProtocol.ValueFormat): DebugProtocol.Variable & { type?: string } {
    return {
      name: v.name,
      value: formatValue(v.value, v.type, format),
      type: v.type,
      evaluateName: expression,
      variablesReference: v.childrenHandle === undefined ? 0 : this.add({ kind: 'parts', handle: v.childrenHandle, expression }),
      namedVariables: v.namedChildren,
      indexedVariables: v.indexedChildren,
      memoryReference: v.address,
    };
  }


  private add(h: Handle): number {
    const ref = this.nextRef++;
    this.handles.set(ref, h);
    return ref;
  }
}

/** The C expression for a part of the value `parent` names: a member, an element, or a pointer's pointee (`*p`). */
function partExpression(parent: string, part: Variable): string {
  const base = /^[A-Za-z_$@][\w$]*(\.\w+|->\w+|\[\d+\])*$/.test(parent) ? parent : `(${parent})`;
  if (part.kind === 'element') return `${base}${part.name}`;
  if (part.name.startsWith('*')) return `*${base}`;
  return `${base}.${part.name}`;
}
