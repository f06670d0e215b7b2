/**
 * The dbghelp engine's breakpoint table: the user's source, function,
 * instruction and data breakpoints, bound where the symbols say (a source
 * line in every inlined copy, moved to the next line with code; a function
 * out of line or in every inlined copy), kept pending until a module that
 * has them loads, and what each asked for (for where its stops show the
 * user to be: ../stopPosition.ts). The int3s themselves are
 * SoftwareBreakpoints'; the debug registers, DebugRegisters'.
 */
import type { BoundBreakpoint, BreakpointLocation, EngineEvent } from '../engine';
import { MAX_WATCHES, noRegisterLeft, unwatchable, type DataWatch } from '../dataWatch';
import { ambiguityNote, unboundLineMessage } from '../sourcePaths';
import type { AskedFor } from '../stopPosition';
import type { Handle } from '../../win32/kernel32';
import { DebugRegisters } from './debugRegisters';
import type { SoftwareBreakpoints } from './softwareBreakpoints';
import type { SymbolSession } from './symbols';
import { hex } from '../hex';

/** How far a breakpoint on a line without code may move down to the next line that has code. */
const MAX_LINE_MOVE = 50;

interface SourceBreakpoints { path: string; breakpoints: BoundBreakpoint[] }

export interface TableHost {
  process(): Handle;
  /** Both undefined until the process exists. */
  symbols(): SymbolSession | undefined;
  breakpoints(): SoftwareBreakpoints | undefined;
  emit(event: EngineEvent): void;
}

export class BreakpointTable {
  private readonly sources = new Map<string, SourceBreakpoints>();
  private functions: { name: string; bp: BoundBreakpoint }[] = [];
  private instructions: BoundBreakpoint[] = [];
  /** The data breakpoints, in the threads' debug registers. */
  private readonly watches: DebugRegisters;
  private nextId = 1;

  constructor(private readonly host: TableHost) {
    this.watches = new DebugRegisters(() => host.process());
  }

  /** A thread started: it gets the data breakpoints too. */
  armNewThread(thread: Handle): void {
    if (this.watches.count) this.watches.arm(thread);
  }

  /** After a single step on `thread`: the data breakpoints that fired, each with what its stop says. */
  dataHits(thread: Handle): { id: number; description: string }[] {
    return this.watches.hits(thread);
  }

  setInstructions(addresses: string[]): BoundBreakpoint[] {
    for (const old of this.instructions) this.host.breakpoints()?.removeOwner(old.id);
    this.instructions = addresses.map((a) => {
      const id = this.nextId++;
      let address: bigint;
      try {
        address = BigInt(a);
      } catch {
        return { id, verified: false, line: 0, addresses: [], message: `"${a}" is not an address.` };
      }
      if (!this.host.breakpoints()?.add(address, id)) return { id, verified: false, line: 0, addresses: [], message: `Could not write a breakpoint at ${a} (no code there?).` };
      return { id, verified: true, line: this.host.symbols()?.lineByOffset(address)?.line ?? 0, addresses: [hex(address)] };
    });
    return this.instructions;
  }

  setSource(path: string, locations: BreakpointLocation[]): BoundBreakpoint[] {
    const key = path.toLowerCase();
    for (const old of this.sources.get(key)?.breakpoints ?? []) this.host.breakpoints()?.removeOwner(old.id);
    const bound = locations.map((loc) => this.bindSourceBreakpoint(path, loc.line, this.nextId++));
    this.sources.set(key, { path, breakpoints: bound });
    return bound;
  }

  /** `threads`: every thread's handle: the debug registers are per thread. */
  setData(watches: DataWatch[], threads: Handle[]): BoundBreakpoint[] {
    const armed: { id: number; watch: DataWatch }[] = [];
    const bound = watches.map((watch): BoundBreakpoint => {
      const id = this.nextId++;
      const why = unwatchable(watch.address, watch.type)
        ?? (armed.length >= MAX_WATCHES ? noRegisterLeft : undefined);
      if (why) return { id, verified: false, line: 0, addresses: [], message: `Cannot watch ${watch.name}: ${why}.` };
      armed.push({ id, watch });
      return { id, verified: true, line: 0, addresses: [watch.address] };
    });
    this.watches.set(armed, threads);
    return bound;
  }

  setFunctions(names: string[]): BoundBreakpoint[] {
    for (const old of this.functions) this.host.breakpoints()?.removeOwner(old.bp.id);
    this.functions = names.map((name) => ({ name, bp: this.bindFunctionBreakpoint(name, this.nextId++) }));
    return this.functions.map((f) => f.bp);
  }

  private bindSourceBreakpoint(path: string, line: number, id: number): BoundBreakpoint {
    const symbols = this.host.symbols();
    if (!symbols || !this.host.breakpoints()) return { id, verified: false, line, addresses: [], message: 'The program has not started yet.' };
    const bindable = symbols.bindableLine(path, line, MAX_LINE_MOVE);
    const bindLine = bindable?.line ?? line;
    const addresses = bindable?.addresses ?? [];
    if (!addresses.length) {
      return { id, verified: false, line, addresses: [], message: unboundLineMessage(path, line, symbols.allSourceFiles(), true) };
    }
    const armed = addresses.filter((a) => this.host.breakpoints()!.add(a, id));
    if (!armed.length) return { id, verified: false, line, addresses: [], message: `Could not write a breakpoint at ${addresses.map(hex).join(', ')}.` };
    return { id, verified: true, line: bindLine, addresses: armed.map(hex), message: ambiguityNote(path, symbols.allSourceFiles()) };
  }

  private bindFunctionBreakpoint(name: string, id: number): BoundBreakpoint {
    const symbols = this.host.symbols();
    const breakpoints = this.host.breakpoints();
    const address = symbols?.addressOfFunction(name);
    if (address === undefined && symbols && breakpoints) {
      // A function that exists only inlined: break at the start of every inlined copy.
      const copies = symbols.inlineSitesOf(name).filter((a) => breakpoints.add(a, id));
      if (copies.length) return { id, verified: true, line: symbols.lineOfInlineSite(copies[0]!)?.line ?? 0, addresses: copies.map(hex) };
    }
    if (address === undefined || !symbols || !breakpoints) {
      return { id, verified: false, line: 0, addresses: [], message: `No function "${name}" in the loaded modules (yet); the breakpoint binds when a module that has it loads.` };
    }
    if (!breakpoints.add(address, id)) return { id, verified: false, line: 0, addresses: [], message: `Could not write a breakpoint at ${hex(address)}.` };
    return { id, verified: true, line: symbols.lineByOffset(address)?.line ?? 0, addresses: [hex(address)] };
  }

  /** A module loaded: the breakpoints that bound nowhere yet may bind now, each announced by a breakpoint event. */
  rebindUnverified(): void {
    for (const f of this.functions) {
      if (f.bp.verified) continue;
      f.bp = this.bindFunctionBreakpoint(f.name, f.bp.id);
      if (f.bp.verified) this.host.emit({ type: 'breakpoint', reason: 'changed', breakpoint: f.bp });
    }
    for (const source of this.sources.values()) {
      source.breakpoints = source.breakpoints.map((bp) => {
        if (bp.verified) return bp;
        const again = this.bindSourceBreakpoint(source.path, bp.line, bp.id);
        if (again.verified) this.host.emit({ type: 'breakpoint', reason: 'changed', breakpoint: again });
        return again;
      });
    }
  }

  /** What the breakpoints with these ids asked for: a function, or a line (as bound). */
  askedBy(ids: number[]): AskedFor[] {
    const asked: AskedFor[] = [];
    for (const f of this.functions) if (ids.includes(f.bp.id)) asked.push({ function: f.name });
    for (const source of this.sources.values()) for (const b of source.breakpoints) if (ids.includes(b.id)) asked.push({ line: b.line });
    return asked;
  }
}
