/**
 * The adapter's only door into native/: starts the engine thread and turns
 * engine methods into async requests. Nothing here loads koffi; the native
 * code lives on the engine thread alone.
 */
import { EventEmitter } from 'node:events';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { BoundBreakpoint, BreakpointLocation, EngineDescription, EngineEvent, EngineThread, LaunchParams, LaunchResult, RegisterValue, StackPage, SymbolResolution } from './engines/engine';
import type { EngineMethod, HostMessage } from './host/protocol';

export type * from './engines/engine';
export { decodeInlineContext, frameTypeNames, hex32, type InlineContextEncoding } from './engines/inlineContext';

/** An engine request that failed; `code` is the engine's stable error code. */
export class EngineRequestError extends Error {
  constructor(readonly code: string, message: string, readonly method: string) {
    super(message);
    this.name = 'EngineRequestError';
  }
}

interface Pending { resolve: (v: unknown) => void; reject: (e: Error) => void; method: string }

/**
 * Events: 'event' (EngineEvent), 'fault' (Error: the engine thread died;
 * every pending request has been rejected).
 */
export class EngineClient extends EventEmitter {
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private dead?: Error;
  private disposing = false;

  /** `hostScript` defaults to engine-host.js beside the running bundle. */
  constructor(engine: string, hostScript = path.join(__dirname, 'engine-host.js'), options: { dbgengPath?: string } = {}) {
    super();
    this.worker = new Worker(hostScript, { workerData: { engine, dbgengPath: options.dbgengPath } });
    this.worker.on('message', (msg: HostMessage) => this.onMessage(msg));
    this.worker.on('error', (e) => this.fail(new Error(`The engine thread failed: ${e.message}`)));
    this.worker.on('exit', (code) => this.fail(new Error(`The engine thread ended (exit code ${code}).`)));
  }

  launch(params: LaunchParams): Promise<LaunchResult> { return this.call('launch', params); }
  setSourceBreakpoints(file: string, locations: BreakpointLocation[]): Promise<BoundBreakpoint[]> { return this.call('setSourceBreakpoints', file, locations); }
  setFunctionBreakpoints(names: string[]): Promise<BoundBreakpoint[]> { return this.call('setFunctionBreakpoints', names); }
  resume(): Promise<void> { return this.call('resume'); }
  pause(): Promise<void> { return this.call('pause'); }
  threads(): Promise<EngineThread[]> { return this.call('threads'); }
  registers(threadId: number): Promise<RegisterValue[]> { return this.call('registers', threadId); }
  resolveSymbol(address: string, inlineFrameContext: number): Promise<SymbolResolution> { return this.call('resolveSymbol', address, inlineFrameContext); }
  stackFrames(threadId: number, start: number, count: number): Promise<StackPage> { return this.call('stackFrames', threadId, start, count); }
  terminate(): Promise<void> { return this.call('terminate'); }
  describe(): Promise<EngineDescription> { return this.call('describe'); }

  /** Ends the debuggee (if any) and the engine thread. Never rejects. */
  async dispose(): Promise<void> {
    if (this.dead) return;
    this.disposing = true;
    try {
      await this.call('dispose');
    } catch {
      // already gone
    }
    await this.worker.terminate().catch(() => undefined);
  }

  private call<T>(method: EngineMethod, ...params: unknown[]): Promise<T> {
    if (this.dead) return Promise.reject(new EngineRequestError('engineDead', this.dead.message, method));
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject, method });
      this.worker.postMessage({ kind: 'request', id, method, params });
    });
  }

  private onMessage(msg: HostMessage): void {
    if (msg.kind === 'event') {
      this.emit('event', msg.event satisfies EngineEvent);
      return;
    }
    const p = this.pending.get(msg.id);
    if (!p) return;
    this.pending.delete(msg.id);
    if (msg.error) p.reject(new EngineRequestError(msg.error.code, msg.error.message, p.method));
    else p.resolve(msg.result);
  }

  private fail(e: Error): void {
    if (this.dead) return;
    this.dead = e;
    for (const p of this.pending.values()) p.reject(new EngineRequestError('engineDead', e.message, p.method));
    this.pending.clear();
    if (!this.disposing) this.emit('fault', e);
  }
}
