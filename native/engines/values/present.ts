/**
 * Values as the engine interface hands them out: a Variable with its text,
 * and, for a value with parts, a handle to ask for them (`children`) and to
 * set them (`setChild`). Handles live until the debuggee runs again
 * (`clear`). Pure: memory comes in through the Target.
 */
import type { Variable } from '../engine';
import { childValues, partCounts } from './children';
import { formatValue } from './format';
import { hexAddress, loadScalar, parseScalarText, storeScalar, ValueError, type Target, type Value } from './value';

interface Entry { name: string; value: Value }

export class ValuePresenter {
  private readonly handles = new Map<number, Entry>();
  private nextHandle = 1;

  constructor(private readonly target: Target) {}

  variable(name: string, kind: Variable['kind'], value: Value): Variable {
    const out: Variable = {
      name,
      kind,
      type: value.type.name,
      value: formatValue(value, this.target),
      address: value.location.kind === 'memory' && !value.bits ? hexAddress(value.location.address) : undefined,
    };
    let counts = partCounts(value);
    // A pointer opens only when it points somewhere (and can be read).
    if (value.type.kind === 'pointer' && counts.named && this.pointee(value) === undefined) counts = { named: 0, indexed: 0 };
    if (counts.named || counts.indexed) {
      const handle = this.nextHandle++;
      this.handles.set(handle, { name, value });
      out.childrenHandle = handle;
      if (counts.indexed) out.indexedChildren = counts.indexed;
      if (counts.named) out.namedChildren = counts.named;
    }
    return out;
  }

  children(handle: number, start = 0, count?: number): Variable[] {
    const e = this.entry(handle);
    return this.parts(e, start, count).map((p) => this.variable(p.name, p.kind, p.value));
  }

  /** Sets a member or element (by the name `children` gave it); returns its new text. */
  setChild(handle: number, name: string, text: string): string {
    const e = this.entry(handle);
    const index = /^\[(\d+)\]$/.exec(name);
    const parts = index ? this.parts(e, Number(index[1]), 1) : this.parts(e, 0);
    const part = parts.find((p) => p.name === name);
    if (!part) throw new ValueError(`${e.name} has no part "${name}".`);
    storeScalar(part.value, parseScalarText(text, part.value.type), this.target);
    return formatValue(part.value, this.target);
  }

  clear(): void {
    this.handles.clear();
  }

  private entry(handle: number): Entry {
    const e = this.handles.get(handle);
    if (!e) throw new ValueError(`Value handle ${handle} is not known (the program ran since it was given out).`);
    return e;
  }

  private parts(e: Entry, start: number, count?: number) {
    const address = e.value.type.kind === 'pointer' ? this.pointee(e.value) : undefined;
    return childValues(e.value, start, count, address === undefined ? undefined : { address, name: e.name });
  }

  /** A pointer's address, when it can be read and is not null. */
  private pointee(v: Value): bigint | undefined {
    try {
      const a = loadScalar(v, this.target) as bigint;
      return a === 0n ? undefined : a;
    } catch (e) {
      if (e instanceof ValueError) return undefined;
      throw e;
    }
  }
}
