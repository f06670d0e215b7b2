/**
 * The adapter's only door into native/: starts the engine thread and turns
 * engine methods into async requests. Nothing here loads koffi; the native
 * code lives on the engine thread alone.
 */
import { EventEmitter } from 'node:events';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { EngineEvent, EngineMethod, EngineRequests, LaunchParams, LaunchResult, StackPage } from './engines/engine';
import { ENGINE_METHODS, RESULT_CODECS, type ResultOf } from './host/codecs';
import type { HostMessage, RenewMessage, RequestMessage } from './host/protocol';
import type { EngineErrorCode } from './engines/errorCodes';

export type * from './engines/engine';
export { decodeInlineContext, frameTypeNames, hex32, type InlineContextEncoding } from './engines/inlineContext';
export { EXCEPTION_FILTERS } from './engines/exceptionFilters';
export { scalarSize, unwatchable } from './engines/dataWatch';
export { ENGINE_ERRORS, engineErrorId, type EngineErrorCode } from './engines/errorCodes';

/** An engine request that failed; `code` is the engine's stable error code. */
export class EngineRequestError extends Error {
  constructor(readonly code: EngineErrorCode, message: string, readonly method: string) {
    super(message);
    this.name = 'EngineRequestError';
  }
}

interface Pending { resolve: (v: unknown) => void; reject: (e: Error) => void; method: string }

/** How long dispose waits for the engine thread to end the debuggee before ending the thread regardless. */
const DISPOSE_TIMEOUT_MS = 15_000;
/** How long dispose then waits for the thread to end (a thread stuck in a system call never does). */
const TERMINATE_TIMEOUT_MS = 5_000;

/**
 * How long a launch or attach may take before the session gives up on the
 * engine thread. The engines give up on a program that does not reach its
 * first instruction after 20 s; this is for the call that never returns at
 * all (under Wine, CreateProcessW can wait for ever on a new process that
 * died half-started). DBGENG_START_WATCHDOG_S changes it (a slow machine;
 * tests).
 */
export function startWatchdogMs(env: NodeJS.ProcessEnv = process.env): number {
  const s = Number(env.DBGENG_START_WATCHDOG_S);
  return Number.isFinite(s) && s > 0 ? s * 1000 : 60_000;
}

/** Waits until `work` settles (its outcome does not matter here), but no longer than `ms`; true when it settled. */
async function settledWithin(work: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const settled = await Promise.race([
    work.then(() => true, () => true),
    new Promise<boolean>((r) => (timer = setTimeout(() => r(false), ms))),
  ]);
  clearTimeout(timer);
  return settled;
}

/** An engine request as the client offers it: the same parameters, the result when the engine thread answers. */
type Remote<T> = { [K in keyof T]-?: T[K] extends (...params: infer P) => infer R ? (...params: P) => Promise<R> : never };
/** The requests the client wraps in more than a call: the start watchdog, stack paging and cancellation, dispose's time limits. */
type Wrapped = 'launch' | 'attach' | 'stackFrames' | 'dispose';

/**
 * Every other request is a method of the client made from the contract in
 * the constructor (none is written by hand): `client.variables(t, f)` is
 * `client.call('variables', t, f)`, typed by EngineRequests.
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging, @typescript-eslint/no-empty-object-type -- its members are made in the constructor, from the codec table's keys
export interface EngineClient extends Omit<Remote<EngineRequests>, Wrapped> {}

/**
 * Engine threads whose session ended cleanly, kept (one per host script)
 * for the next session in this process (a restart, a launch tried again):
 * a thread that has used Microsoft's dbgeng leaves about one thread, four
 * handles and 2.4 MB behind when it ends (measured under Wine, 40 sessions;
 * threads of the C double and of the dbghelp engine leave no thread behind,
 * and 21 DebugCreate in one thread leave no more than one), so threads are
 * reused, not made anew.
 */
const parked = new Map<string, Worker>();

/**
 * Events: 'event' (EngineEvent), 'fault' (Error: the engine thread died;
 * every pending request has been rejected). The debuggee does not outlive
 * the engine thread: the thread that debugs it set DebugSetProcessKillOnExit,
 * so the system ends it when that thread ends.
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging -- see the interface above
export class EngineClient extends EventEmitter {
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private dead?: Error;
  private disposing = false;
  /** Settles when the engine thread has really ended. */
  private readonly threadEnded: Promise<void>;

  /** `hostScript` defaults to engine-host.js beside the running bundle. */
  constructor(engine: string, private readonly hostScript = path.join(__dirname, 'engine-host.js'), options: { dbgengPath?: string } = {}) {
    super();
    const reused = parked.get(hostScript);
    parked.delete(hostScript);
    if (reused) {
      reused.ref();
      reused.postMessage({ kind: 'renew', engine, dbgengPath: options.dbgengPath } satisfies RenewMessage);
    }
    this.worker = reused ?? new Worker(hostScript, { workerData: { engine, dbgengPath: options.dbgengPath } });
    this.worker.on('message', (msg: HostMessage) => this.onMessage(msg));
    this.worker.on('error', (e) => this.fail(new Error(`The engine thread failed: ${e.message}`)));
    this.worker.on('exit', (code) => this.fail(new Error(`The engine thread ended (exit code ${code}).`)));
    this.threadEnded = new Promise((resolve) => this.worker.once('exit', () => resolve()));
    for (const method of ENGINE_METHODS) {
      if (!(method in this)) Object.defineProperty(this, method, { value: (...params: never[]) => this.call(method, ...(params as Parameters<EngineRequests[typeof method]>)) });
    }
  }

  launch(params: LaunchParams): Promise<LaunchResult> {
    return this.watched(this.call('launch', params), 'launch',
      `"${params.program}" was not started: the system call that creates it did not return`);
  }
  async attach(pid: number): Promise<LaunchResult> {
    // Not remembered for killing: a process we attached to is never ended on our account.
    return this.watched(this.call('attach', pid), 'attach',
      `Attaching to process ${pid} did not finish: the system call did not return`);
  }
  /**
   * Frames [start, start+count). A deep walk comes back in slices (the
   * engine answers `pending`); this asks again until the page is there, so
   * other requests get through in between. `signal` stops the asking.
   */
  async stackFrames(threadId: number, start: number, count: number, signal?: AbortSignal): Promise<StackPage> {
    const cancelled = () => new EngineRequestError('cancelled', 'The stack walk was cancelled.', 'stackFrames');
    for (;;) {
      if (signal?.aborted) throw cancelled();
      const page = await this.call('stackFrames', threadId, start, count);
      // The program may have moved on while the engine walked: that page is stale.
      if (signal?.aborted) throw cancelled();
      if (!page.pending) return page;
    }
  }

  /**
   * Ends the debuggee (if any) and the engine thread. Never rejects, and
   * never waits for ever: an engine thread that does not answer in time is
   * ended all the same (and the system ends the debuggee with it).
   * Resolves false when the thread is still there, stuck in a system call
   * (then only ending the process ends it: see adapter/exit.ts).
   */
  async dispose(): Promise<boolean> {
    if (!this.dead) {
      this.disposing = true;
      let clean = false;
      await settledWithin(this.call('dispose').then(() => (clean = true)), DISPOSE_TIMEOUT_MS);
      if (clean && !parked.has(this.hostScript)) return this.park();
      void this.worker.terminate().catch(() => undefined);
    }
    return settledWithin(this.threadEnded, TERMINATE_TIMEOUT_MS);
  }

  /** Keeps the thread, its engine disposed, for the next client in this process (see `parked`). */
  private park(): boolean {
    this.fail(new Error('The session ended.')); // what is still pending is answered 'disposed'
    for (const event of ['message', 'error', 'exit']) this.worker.removeAllListeners(event);
    this.worker.unref();
    const hostScript = this.hostScript;
    this.worker.once('exit', () => parked.get(hostScript) === this.worker && parked.delete(hostScript));
    parked.set(hostScript, this.worker);
    return true;
  }

  /**
   * `request`, unless the engine thread has not answered it within the
   * start watchdog: then the thread is given up (it is stuck in a system
   * call and cannot be asked anything again) and the request fails with
   * code 'startHung'. Ending the adapter process then ends what it started.
   */
  private watched<T>(request: Promise<T>, method: EngineMethod, what: string): Promise<T> {
    const ms = startWatchdogMs();
    let timer: NodeJS.Timeout | undefined;
    const hung = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const e = new EngineRequestError('startHung',
          `${what} within ${ms / 1000} s, so the debugger gave up on it. Try again; under Wine, if it happens again, `
          + 'run "wineserver -k" to restart Wine\'s server (this ends every program in the Wine prefix).', method);
        reject(e); // first: the request itself is about to fail as 'disposed'
        this.abandon(e);
      }, ms);
    });
    return Promise.race([request, hung]).finally(() => clearTimeout(timer));
  }

  /** Gives up on a stuck engine thread: no request will be answered, and ending it is tried once, without waiting. */
  private abandon(e: Error): void {
    if (this.dead) return;
    this.disposing = true; // the caller hears of it from its request, not as a fault
    this.fail(e);
    void this.worker.terminate().catch(() => undefined);
  }

  /** One request to the engine thread, typed by the contract; its result decoded by the method's codec. */
  call<K extends EngineMethod>(method: K, ...params: Parameters<EngineRequests[K]>): Promise<ResultOf<K>> {
    if (this.dead) return Promise.reject(new EngineRequestError('engineDead', this.dead.message, method));
    if (this.disposing && method !== 'dispose') return Promise.reject(new EngineRequestError('disposed', 'The session is ending: the request came after the program was let go.', method));
    const id = this.nextId++;
    return new Promise<ResultOf<K>>((resolve, reject) => {
      this.pending.set(id, { resolve: (result) => resolve(RESULT_CODECS[method].decode(result) as ResultOf<K>), reject, method });
      this.worker.postMessage({ kind: 'request', id, method, params } satisfies RequestMessage<K>);
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
    for (const p of this.pending.values()) {
      p.reject(this.disposing
        ? new EngineRequestError('disposed', 'The session ended before the engine answered.', p.method)
        : new EngineRequestError('engineDead', e.message, p.method));
    }
    this.pending.clear();
    if (!this.disposing) this.emit('fault', e);
  }
}
