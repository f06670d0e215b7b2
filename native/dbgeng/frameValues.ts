/**
 * What the dbgeng engine shows of a stopped program's data, frame by frame:
 *  - locals and parameters: SetScopeFrameByIndexEx with the frame's index
 *    as the engine numbers it (inline frames counted, DEBUG_FRAME_DEFAULT),
 *    then GetScopeSymbolGroup2, so an inline frame lists its own locals;
 *  - expressions: AddSymbolWide into a group made for the frame's scope,
 *    which is how WinDbg's watch window evaluates C++ expressions;
 *  - members and elements of structured values, by handle (ExpandSymbol).
 *
 * Every use of a group sets the scope to its frame first: a group's values
 * (registers-based locals above all) are read in the current scope. The
 * groups describe one stop; `forget` releases them all before the program
 * runs again, and the handles die with them.
 */
import type { Variable } from '../engines/engine';
import { EngineError } from '../engines/engineError';
import { ComError, ComPtr, describeHResult } from './com';
import { Slots } from './slots';
import { vetForDbgeng } from './expressionVetting';
import { DEBUG_ANY_ID, DEBUG_SYMBOL, SymbolGroup, VALUE_UNAVAILABLE, type Anchor } from './symbolGroup';
import { hex } from '../engines/hex';

const S = Slots.IDebugSymbols5;
const DEBUG_SCOPE_GROUP_ARGUMENTS = 0x1;
const DEBUG_SCOPE_GROUP_LOCALS = 0x2;
const DEBUG_FRAME_DEFAULT = 0;

interface FrameGroup {
  group: SymbolGroup;
  threadId: number;
  frameIndex: number;
  /** In a watch group: the structured results kept, by expression, so asking again adds nothing. */
  kept?: Map<string, Anchor>;
}

interface Handle extends FrameGroup {
  anchor: Anchor;
}

export class FrameValues {
  private readonly scopes = new Map<string, FrameGroup>();
  private readonly watches = new Map<string, FrameGroup>();
  private readonly handles = new Map<number, Handle>();
  /** Never reused, so a handle from before a resume cannot name something new. */
  private nextHandle = 1;

  constructor(
    private readonly symbols: ComPtr,
    /** Makes the thread dbgeng's current one (scope frames are per thread). */
    private readonly selectThread: (threadId: number) => void,
    /** Microsoft's dbgeng under Wine: expressions are vetted first (expressionVetting.ts), globals known by this. */
    private readonly vetExpressions?: { isGlobal: (name: string) => boolean },
  ) {}

  variables(threadId: number, frameIndex: number): Variable[] {
    const fg = this.scopeGroup(threadId, frameIndex);
    const { group } = fg;
    const params = group.parameters(0, group.count());
    const out: Variable[] = [];
    params.forEach((p, index) => {
      if (p.parent !== DEBUG_ANY_ID) return; // members of an expanded value, listed by `children`
      out.push(this.describe(fg, index, p, p.flags & DEBUG_SYMBOL.IS_ARGUMENT ? 'parameter' : 'local'));
    });
    return out;
  }

  children(handle: number, start = 0, count?: number): Variable[] {
    const h = this.handle(handle);
    this.enter(h);
    const all = h.group.children(h.anchor.index);
    const [parent] = h.group.parameters(h.anchor.index, 1);
    const kind = parent!.flags & DEBUG_SYMBOL.IS_ARRAY ? 'element' : 'member';
    const picked = all.slice(start, count === undefined ? undefined : start + count);
    return picked.map((index) => this.describe(h, index, h.group.parameters(index, 1)[0]!, kind));
  }

  evaluate(threadId: number, frameIndex: number, expression: string): Variable {
    let text = expression.trim();
    if (!text) throw new EngineError('badExpression', 'The expression is empty.');
    if (this.vetExpressions) text = vetForDbgeng(text, this.scopeNames(threadId, frameIndex), this.vetExpressions.isGlobal);
    const fg = this.watchGroup(threadId, frameIndex);
    const kept = fg.kept?.get(text);
    if (kept && kept.index >= 0) return this.describe(fg, kept.index, fg.group.parameters(kept.index, 1)[0]!, 'value');
    let index: number;
    try {
      index = fg.group.add(text);
    } catch (e) {
      if (!(e instanceof ComError)) throw e;
      throw new EngineError('badExpression', `dbgeng's expression evaluator rejected it in this frame (${describeHResult(e.hr)}). Check the names: this frame's locals and parameters and the program's globals are in scope.`);
    }
    const [p] = fg.group.parameters(index, 1);
    const v = this.describe(fg, index, p!, 'value');
    // A plain value has nothing to come back for: keep the watch group small.
    if (v.childrenHandle === undefined) fg.group.remove(index);
    else (fg.kept ??= new Map()).set(text, this.handles.get(v.childrenHandle)!.anchor);
    return v;
  }

  /** The frame's own locals and parameters, and whether each has a value at this address. */
  private scopeNames(threadId: number, frameIndex: number): Map<string, { unavailable: boolean }> {
    const fg = this.scopeGroup(threadId, frameIndex);
    const params = fg.group.parameters(0, fg.group.count());
    const names = new Map<string, { unavailable: boolean }>();
    params.forEach((p, i) => {
      if (p.parent === DEBUG_ANY_ID) names.set(fg.group.name(i), { unavailable: fg.group.valueText(i) === VALUE_UNAVAILABLE });
    });
    return names;
  }

  setLocal(threadId: number, frameIndex: number, name: string, value: string): string {
    const fg = this.scopeGroup(threadId, frameIndex);
    const params = fg.group.parameters(0, fg.group.count());
    const index = params.findIndex((p, i) => p.parent === DEBUG_ANY_ID && fg.group.name(i) === name);
    if (index < 0) throw new EngineError('noVariable', `This frame has no local or parameter "${name}".`);
    return this.write(fg, index, name, value);
  }

  setChild(handle: number, name: string, value: string): string {
    const h = this.handle(handle);
    this.enter(h);
    const index = h.group.children(h.anchor.index).find((i) => h.group.name(i) === name);
    if (index === undefined) throw new EngineError('noVariable', `The value has no member or element "${name}".`);
    return this.write(h, index, name, value);
  }

  /** Releases every group; call before the program runs again. */
  forget(): void {
    for (const fg of [...this.scopes.values(), ...this.watches.values()]) fg.group.release();
    this.scopes.clear();
    this.watches.clear();
    this.handles.clear();
  }

  private write(fg: FrameGroup, index: number, name: string, value: string): string {
    try {
      fg.group.write(index, value);
    } catch (e) {
      if (!(e instanceof ComError)) throw e;
      throw new EngineError('badValue', `Cannot set ${name} to "${value}": dbgeng refused it (${describeHResult(e.hr)}). Give a value of the variable's type; structures and arrays are set member by member.`);
    }
    return fg.group.valueText(index);
  }

  private describe(fg: FrameGroup, index: number, p: { subElements: number; flags: number }, kind: Variable['kind']): Variable {
    const { group } = fg;
    const address = group.address(index);
    const v: Variable = { name: group.name(index), kind, type: group.typeName(index), value: group.valueText(index) };
    if (address !== undefined) v.address = hex(address);
    if (p.subElements > 0) {
      // One handle per entry, however often it is shown (VS Code keeps expansion state by reference).
      let handle = [...this.handles].find(([, h]) => h.group === group && h.anchor.index === index)?.[0];
      if (handle === undefined) {
        handle = this.nextHandle++;
        this.handles.set(handle, { ...fg, anchor: group.anchor(index) });
      }
      v.childrenHandle = handle;
      if (p.flags & DEBUG_SYMBOL.IS_ARRAY) v.indexedChildren = p.subElements;
      else v.namedChildren = p.subElements;
    }
    return v;
  }

  private handle(handle: number): Handle {
    const h = this.handles.get(handle);
    if (!h || h.anchor.index < 0) {
      throw new EngineError('noHandle', `Value ${handle} is gone: values are valid until the program runs again. Ask for the variables anew.`);
    }
    return h;
  }

  /** Makes a frame of a thread dbgeng's scope (for its registers, say). */
  scopeTo(threadId: number, frameIndex: number): void {
    this.enter({ threadId, frameIndex });
  }

  /** Makes the group's frame the scope, so its values are read there. */
  private enter(fg: { threadId: number; frameIndex: number }): void {
    this.selectThread(fg.threadId);
    try {
      this.symbols.call(S.SetScopeFrameByIndexEx, 'SetScopeFrameByIndexEx', 'uint32_t flags, uint32_t index', DEBUG_FRAME_DEFAULT, fg.frameIndex);
    } catch (e) {
      if (!(e instanceof ComError)) throw e;
      throw new EngineError('noFrame', `Frame ${fg.frameIndex} is not on the stack of thread ${fg.threadId}.`);
    }
  }

  private scopeGroup(threadId: number, frameIndex: number): FrameGroup {
    return this.cached(this.scopes, threadId, frameIndex, () => {
      const out = [0n];
      this.symbols.call(S.GetScopeSymbolGroup2, 'GetScopeSymbolGroup2', 'uint32_t flags, void *update, _Out_ void **group',
        DEBUG_SCOPE_GROUP_ARGUMENTS | DEBUG_SCOPE_GROUP_LOCALS, null, out);
      return BigInt(out[0] as bigint);
    });
  }

  private watchGroup(threadId: number, frameIndex: number): FrameGroup {
    return this.cached(this.watches, threadId, frameIndex, () => {
      const out = [0n];
      this.symbols.call(S.CreateSymbolGroup2, 'CreateSymbolGroup2', '_Out_ void **group', out);
      return BigInt(out[0] as bigint);
    });
  }

  private cached(map: Map<string, FrameGroup>, threadId: number, frameIndex: number, make: () => bigint): FrameGroup {
    const key = `${threadId}:${frameIndex}`;
    this.enter({ threadId, frameIndex });
    let fg = map.get(key);
    if (!fg) {
      fg = { threadId, frameIndex, group: new SymbolGroup(new ComPtr(make(), 'IDebugSymbolGroup2')) };
      map.set(key, fg);
    }
    return fg;
  }
}
