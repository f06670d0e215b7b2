/**
 * What dbgeng tells the engine while the program runs, through its event
 * callbacks (IDebugEventCallbacksWide): breakpoints, exceptions, threads,
 * modules and the exit. Each callback answers dbgeng at once (break, go on,
 * no change); what the program stopped for is kept here as the pending stop
 * until WaitForEvent returns and the engine reports it. Threads and modules
 * are reported as they come.
 */
import type { EventSink } from '../engines/engine';
import { DEFAULT_FILTERS, stopsOnFirstChance } from '../engines/exceptionFilters';
import { describeExceptionStop } from '../engines/exceptionNames';
import type { DbgengBreakpoints } from './breakpoints';
import { eventCallbacks, type CallbackObject } from './callbacks';
import { ComPtr } from './com';
import { DEBUG_CSS_LOADS, moduleSymbolStatus } from './modules';
import { DEBUG_STATUS, Slots } from './slots';
import type { DbgengStepper, StopEvent } from './stepping';
import type { SymbolQueries } from './symbolQueries';
import { hex } from '../engines/hex';
import { fileNameOfHandle } from '../win32/eventNames';

/**
 * The image's full path: dbgeng's ImageName is the loader's, which for the
 * program itself under Wine is its bare file name ("sample.exe"); the
 * event's file handle names the file. Only a path names the PDB's folder
 * and the program's (client/symbolCheck.ts looks there).
 */
function fullImagePath(image: string, file: bigint): string {
  if (/[\\/]/.test(image) || !file) return image;
  return fileNameOfHandle(file) || image;
}

export const BREAK_INSTRUCTION = 0x80000003;

/** What the events need of the engine. */
export interface EventsHost {
  symbols: ComPtr;
  names: SymbolQueries;
  bps: DbgengBreakpoints;
  stepper: DbgengStepper;
  emit: EventSink;
  /** The system id of dbgeng's current thread (during a thread event, the event's). */
  currentThreadSystemId(): number;
  /** The session has its debuggee (the loader's first modules come before). */
  launched(): boolean;
  /** Microsoft's dbgeng under Wine: pause breaks in with DebugBreakProcess, seen here as a break instruction. */
  wineHostsMicrosoftDbgeng: boolean;
}

export class DbgengEvents {
  readonly callbacks: CallbackObject;
  /** What the program stopped for, until the engine reports it. */
  pendingStop?: StopEvent;
  /** pause() asked for a break-in that has not come yet. */
  interruptRequested = false;
  /** The exception code of the stop the program is at, if it stopped for one (resume() passes it on or not). */
  stoppedAtException?: number;
  /** The process's exit code, once dbgeng has said it exited. */
  exitCode?: number;
  exceptionFilters: ReadonlySet<string> = new Set(DEFAULT_FILTERS);
  /** Loaded modules by base, to announce a module again when its symbols load. */
  readonly modules = new Map<bigint, { name: string; path: string }>();

  constructor(private readonly host: EventsHost, onError: (slot: number, e: unknown) => void) {
    this.callbacks = eventCallbacks({
      breakpoint: (bp) => this.onBreakpoint(bp),
      exception: (code, address, firstChance, parameters) => this.onException(code, address, firstChance, parameters),
      createThread: () => this.onThread('started'),
      exitThread: () => this.onThread('exited'),
      createProcess: (mod, image, base, file) => this.onModule('new', mod, fullImagePath(image, file), base),
      exitProcess: (code) => this.onExitProcess(code),
      loadModule: (mod, image, base, file) => this.onModule('new', mod, fullImagePath(image, file), base),
      unloadModule: (name, base) => this.onModule('removed', name, name, base),
      changeSymbolState: (flags, base) => this.onSymbolsLoaded(flags, base),
    }, onError);
  }

  /** The program goes on: the exception it stopped at is behind it. */
  ran(): void {
    this.stoppedAtException = undefined;
  }

  /** The stop the program is at, taken for reporting: nothing is pending after. */
  take(): { pending?: StopEvent; interrupted: boolean } {
    const taken = { pending: this.pendingStop, interrupted: this.interruptRequested };
    this.pendingStop = undefined;
    this.interruptRequested = false;
    return taken;
  }

  private onBreakpoint(bpPtr: bigint): number {
    const engineId = [0];
    new ComPtr(bpPtr, 'IDebugBreakpoint2', true).call(Slots.IDebugBreakpoint2.GetId, 'GetId', '_Out_ uint32_t *id', engineId);
    const stepped = this.host.stepper.onBreakpoint(Number(engineId[0]));
    if (stepped === 'go') return DEBUG_STATUS.GO;
    this.pendingStop = stepped === 'stop' ? { type: 'stopped', reason: 'step' } : this.host.bps.stopFor(Number(engineId[0]));
    return DEBUG_STATUS.BREAK;
  }

  private onException(code: number, address: bigint, firstChance: boolean, parameters: bigint[]): number {
    if (this.interruptRequested && this.host.wineHostsMicrosoftDbgeng && code >>> 0 === BREAK_INSTRUCTION) {
      // The break-in pause() asked for.
      this.pendingStop = { type: 'stopped', reason: 'pause' };
      return DEBUG_STATUS.BREAK;
    }
    if (firstChance && !stopsOnFirstChance(code, this.exceptionFilters)) return DEBUG_STATUS.NO_CHANGE;
    const description = describeExceptionStop(code, firstChance, parameters);
    this.stoppedAtException = code >>> 0;
    this.pendingStop = {
      type: 'stopped',
      reason: 'exception',
      description,
      exception: { code: code >>> 0, address: hex(address), firstChance, description },
    };
    return DEBUG_STATUS.BREAK;
  }

  /** During a thread event dbgeng's current thread is the event's: that names it. */
  private onThread(reason: 'started' | 'exited'): number {
    this.host.emit({ type: 'thread', reason, threadId: this.host.currentThreadSystemId() });
    return DEBUG_STATUS.NO_CHANGE;
  }

  private onExitProcess(code: number): number {
    this.exitCode = code;
    return DEBUG_STATUS.NO_CHANGE;
  }

  private onModule(reason: 'new' | 'removed', name: string, path: string, base: bigint): number {
    const { names, symbols, emit } = this.host;
    if (reason === 'new') this.modules.set(base, { name, path });
    else this.modules.delete(base);
    names.modulesChanged(reason === 'new');
    const symbolStatus = reason === 'new' ? moduleSymbolStatus(symbols, base) : '';
    emit({ type: 'module', reason, id: hex(base), name, path, base: hex(base), symbolStatus });
    if (reason === 'new' && this.host.launched()) this.host.bps.bindPendingLines();
    return DEBUG_STATUS.NO_CHANGE;
  }

  /** A module's symbols loaded (dbgeng loads them when first needed): announce its new status. */
  private onSymbolsLoaded(flags: number, base: bigint): void {
    const m = this.modules.get(base);
    if (flags & DEBUG_CSS_LOADS) this.host.names.symbolsLoaded();
    if (!(flags & DEBUG_CSS_LOADS) || !m) return;
    this.host.emit({ type: 'module', reason: 'new', id: hex(base), name: m.name, path: m.path, base: hex(base), symbolStatus: moduleSymbolStatus(this.host.symbols, base) });
  }
}
