/**
 * The dbgeng engine's breakpoints: source lines (one dbgeng breakpoint per
 * inlined copy, pending until a module with the line loads), functions
 * (every copy, as `bm` binds them), instructions, and data (`ba`), each
 * under our id; what each asked for (where its stops show the user to be:
 * ../engines/stopPosition.ts); and what a hit of one says.
 */
import type { BoundBreakpoint, BreakpointLocation, EngineEvent } from '../engines/engine';
import { describeDataHit, MAX_WATCHES, noRegisterLeft, unwatchable, type DataWatch } from '../engines/dataWatch';
import { ambiguityNote, unboundLineMessage } from '../engines/sourcePaths';
import type { AskedFor } from '../engines/stopPosition';
import { ComPtr } from './com';
import { DUMP_BREAKPOINT_MESSAGE } from './dumpTarget';
import { readBytes } from './memory';
import { Slots } from './slots';
import type { SymbolQueries } from './symbolQueries';
import { hex } from '../engines/hex';

const C = Slots.IDebugControl7;
const BP = Slots.IDebugBreakpoint2;
export const DEBUG_BREAKPOINT_CODE = 0;
const DEBUG_BREAKPOINT_DATA = 1;
/** SetDataParameters access bits (`ba r` and `ba w`). */
const DEBUG_BREAK_READ = 1;
const DEBUG_BREAK_WRITE = 2;
export const DEBUG_ANY_ID = 0xffffffff;
export const DEBUG_BREAKPOINT_ENABLED = 0x4;

export interface BreakpointsHost {
  readonly control: ComPtr;
  readonly dataSpaces: ComPtr;
  readonly names: SymbolQueries;
  /** True while the session is a crash dump (no breakpoint is ever set). */
  dump(): boolean;
  emit(event: EngineEvent): void;
}

/** What a hit of one of our breakpoints says. */
export type BreakpointStop = Extract<EngineEvent, { type: 'stopped' }>;

export class DbgengBreakpoints {
  /** dbgeng breakpoint id -> our id. */
  private readonly bpIds = new Map<number, number>();
  private readonly sourceBps = new Map<string, { id: number; bp: ComPtr }[]>();
  /** Source breakpoints that bound nowhere yet, by file (as sourceBps): bound when a module loads. */
  private readonly pendingLines = new Map<string, { id: number; path: string; line: number }[]>();
  private functionBps: { id: number; bp: ComPtr }[] = [];
  private instructionBps: { id: number; bp: ComPtr }[] = [];
  /** Data breakpoints (`ba`), by dbgeng's id: ours, what is watched, and its value when last seen. */
  private readonly dataBps = new Map<number, { id: number; bp: ComPtr; watch: DataWatch; last: Buffer }>();
  /** What each of our breakpoints asked for. */
  private readonly asked = new Map<number, AskedFor>();
  private nextId = 1;

  constructor(private readonly host: BreakpointsHost) {}

  /** What the breakpoints with these ids asked for. */
  askedBy(ids: number[]): AskedFor[] {
    return ids.flatMap((id) => this.asked.get(id) ?? []);
  }

  /** The stop a hit of dbgeng's breakpoint `engineId` makes: a data breakpoint names the value, old and new. */
  stopFor(engineId: number): Omit<BreakpointStop, 'threadId'> {
    const data = this.dataBps.get(engineId);
    if (data) {
      // After the access: the value as it is now, against the one last seen.
      const now = this.watchedBytes(data.watch);
      const description = describeDataHit(data.watch, data.last, now);
      data.last = now;
      return { type: 'stopped', reason: 'data breakpoint', breakpointIds: [data.id], description };
    }
    const id = this.bpIds.get(engineId);
    return { type: 'stopped', reason: 'breakpoint', breakpointIds: id === undefined ? [] : [id] };
  }

  setSource(path: string, locations: BreakpointLocation[]): BoundBreakpoint[] {
    if (this.host.dump()) return locations.map((loc) => this.unsetInDump(loc.line));
    const key = path.toLowerCase();
    for (const old of this.sourceBps.get(key) ?? []) this.removeBreakpoint(old.bp);
    this.sourceBps.set(key, []);
    this.pendingLines.set(key, []);
    return locations.map((loc) => this.bindLine(path, loc.line, this.nextId++));
  }

  /** Binds one source breakpoint (one dbgeng breakpoint per copy of the line: each inlined copy is one), or keeps it pending. */
  private bindLine(path: string, line: number, id: number): BoundBreakpoint {
    const key = path.toLowerCase();
    const addresses = this.host.names.lineAddresses(path, line);
    if (!addresses.length) {
      this.pendingLines.get(key)!.push({ id, path, line });
      return { id, verified: false, line, addresses: [], message: unboundLineMessage(path, line, this.host.names.recordedSourceFiles(), true) };
    }
    for (const address of addresses) this.sourceBps.get(key)!.push({ id, bp: this.addBreakpoint(id, address) });
    this.asked.set(id, { line });
    return { id, verified: true, line, addresses: addresses.map(hex), message: ambiguityNote(path, this.host.names.recordedSourceFiles()) };
  }

  /**
   * A module loaded: the pending source breakpoints that now have code bind,
   * each announced by a `breakpoint` event (as WinDbg's deferred `bu`
   * breakpoints resolve). Called from dbgeng's LoadModule callback, before
   * the module runs any code.
   */
  bindPendingLines(): void {
    for (const [key, pending] of this.pendingLines) {
      if (!pending.length) continue;
      this.pendingLines.set(key, []);
      for (const p of pending) {
        const bound = this.bindLine(p.path, p.line, p.id);
        if (bound.verified) this.host.emit({ type: 'breakpoint', reason: 'changed', breakpoint: bound });
      }
    }
  }

  setInstructions(addresses: string[]): BoundBreakpoint[] {
    if (this.host.dump()) return addresses.map((a) => ({ ...this.unsetInDump(0), addresses: [a] }));
    for (const old of this.instructionBps) this.removeBreakpoint(old.bp);
    this.instructionBps = [];
    return addresses.map((a) => {
      const id = this.nextId++;
      const address = BigInt(a);
      this.instructionBps.push({ id, bp: this.addBreakpoint(id, address) });
      return { id, verified: true, line: 0, addresses: [hex(address)] };
    });
  }

  /** Data breakpoints as WinDbg's `ba w` / `ba r` (dbgeng arms the debug registers of every thread). */
  setData(watches: DataWatch[]): BoundBreakpoint[] {
    for (const [, d] of this.dataBps) this.removeBreakpoint(d.bp);
    this.dataBps.clear();
    return watches.map((watch): BoundBreakpoint => {
      const id = this.nextId++;
      const why = this.host.dump() ? 'this session is a crash dump, which never runs' : unwatchable(watch.address, watch.type)
        ?? (this.dataBps.size >= MAX_WATCHES ? noRegisterLeft : undefined);
      if (why) return { id, verified: false, line: 0, addresses: [], message: `Cannot watch ${watch.name}: ${why}.` };
      const out = [0n];
      this.host.control.call(C.AddBreakpoint2, 'AddBreakpoint2', 'uint32_t type, uint32_t desiredId, _Out_ void **bp', DEBUG_BREAKPOINT_DATA, DEBUG_ANY_ID, out);
      const bp = new ComPtr(BigInt(out[0] as bigint), 'IDebugBreakpoint2', true);
      bp.call(BP.SetDataParameters, 'SetDataParameters', 'uint32_t size, uint32_t access', watch.size, watch.access === 'write' ? DEBUG_BREAK_WRITE : DEBUG_BREAK_READ | DEBUG_BREAK_WRITE);
      bp.call(BP.SetOffset, 'SetOffset', 'uint64_t offset', BigInt(watch.address));
      bp.call(BP.AddFlags, 'AddFlags', 'uint32_t flags', DEBUG_BREAKPOINT_ENABLED);
      const engineId = [0];
      bp.call(BP.GetId, 'GetId', '_Out_ uint32_t *id', engineId);
      this.dataBps.set(Number(engineId[0]), { id, bp, watch, last: this.watchedBytes(watch) });
      return { id, verified: true, line: 0, addresses: [watch.address] };
    });
  }

  private watchedBytes(watch: DataWatch): Buffer {
    return readBytes(this.host.dataSpaces, watch.address, watch.size);
  }

  setFunctions(names: string[]): BoundBreakpoint[] {
    if (this.host.dump()) return names.map(() => this.unsetInDump(0));
    for (const old of this.functionBps) this.removeBreakpoint(old.bp);
    this.functionBps = [];
    return names.map((name) => {
      const id = this.nextId++;
      // Every copy, as WinDbg's `bm` binds them: the out-of-line one and each inlined one.
      const addresses = this.host.names.withSymbolsLoaded(() => [...new Set([...this.host.names.offsetOfName(name), ...this.host.names.inlineCopiesOf(name)])]);
      if (addresses.length === 0) return { id, verified: false, line: 0, addresses: [], message: `No function "${name}" in the loaded modules.` };
      for (const address of addresses) this.functionBps.push({ id, bp: this.addBreakpoint(id, address) });
      this.asked.set(id, { function: name });
      return { id, verified: true, line: 0, addresses: addresses.map(hex) };
    });
  }

  /** A breakpoint asked for in a dump: never set, and the reason says why. */
  unsetInDump(line: number): BoundBreakpoint {
    return { id: this.nextId++, verified: false, line, addresses: [], message: DUMP_BREAKPOINT_MESSAGE };
  }

  private addBreakpoint(id: number, address: bigint): ComPtr {
    const out = [0n];
    this.host.control.call(C.AddBreakpoint2, 'AddBreakpoint2', 'uint32_t type, uint32_t desiredId, _Out_ void **bp', DEBUG_BREAKPOINT_CODE, DEBUG_ANY_ID, out);
    const bp = new ComPtr(BigInt(out[0] as bigint), 'IDebugBreakpoint2', true);
    bp.call(BP.SetOffset, 'SetOffset', 'uint64_t offset', address);
    bp.call(BP.AddFlags, 'AddFlags', 'uint32_t flags', DEBUG_BREAKPOINT_ENABLED);
    const engineId = [0];
    bp.call(BP.GetId, 'GetId', '_Out_ uint32_t *id', engineId);
    this.bpIds.set(Number(engineId[0]), id);
    return bp;
  }

  private removeBreakpoint(bp: ComPtr): void {
    const engineId = [0];
    if (bp.invoke(BP.GetId, 'GetId', '_Out_ uint32_t *id', engineId) >= 0) this.bpIds.delete(Number(engineId[0]));
    this.host.control.invoke(C.RemoveBreakpoint2, 'RemoveBreakpoint2', 'void *bp', bp.ptr);
  }
}
