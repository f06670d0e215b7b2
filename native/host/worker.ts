/**
 * The engine thread. It owns every native handle and makes every native
 * call; the Win32 debugging API requires that one thread create the
 * debuggee and wait for its events. While the debuggee runs, it polls for
 * debug events in short slices and returns to its event loop between them,
 * so requests (pause, terminate) are served within a slice.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { Engine, EngineEvent, EngineMethod } from '../engines/engine';
import { EngineError } from '../engines/engineError';
import { createEngine } from '../engines/createEngine';
import { isEngineMethod, RESULT_CODECS, type ResultCodec } from './codecs';
import { endProcessOnNativeFault } from '../win32/nativeFaults';
import type { HostMessage, RenewMessage, RequestMessage } from './protocol';

const port = parentPort!;
const SLICE_MS = 20;
const WAIT_MS = 10;

const send = (msg: HostMessage, transfer: ArrayBuffer[] = []) => port.postMessage(msg, transfer);
const emit = (event: EngineEvent) => send({ kind: 'event', event });

// An engine that cannot be created answers every request with the reason.
let engine: Engine;
let startError: EngineError | undefined;
/** Makes the thread's engine: at its start, and again for each session a reused thread serves (api.ts parks threads). */
function makeEngine(kind: string | undefined, dbgengPath: string | undefined): void {
  startError = undefined;
  try {
    engine = createEngine(kind ?? 'auto', emit, { dbgengPath });
  } catch (e) {
    startError = e instanceof EngineError ? e : new EngineError('fault', String(e));
    engine = { running: false } as Engine;
  }
}
const data = (workerData ?? {}) as { engine?: string; dbgengPath?: string };
if (process.platform === 'win32') endProcessOnNativeFault();
makeEngine(data.engine, data.dbgengPath);
let scheduled = false;

// While the debuggee is stopped no debug events are polled, but the
// programs it started run on and write to the output they inherited: look
// for it now and then, so it shows as it comes.
const OUTPUT_INTERVAL_MS = 100;
const outputTimer = setInterval(() => {
  if (startError || engine.running) return;
  try {
    engine.forwardOutput?.();
  } catch (e) {
    emit({ type: 'output', category: 'console', text: `Engine fault while reading the program's output: ${(e as Error).message}\n` });
  }
}, OUTPUT_INTERVAL_MS);
outputTimer.unref();

function pump(): void {
  scheduled = false;
  const end = Date.now() + SLICE_MS;
  try {
    while (engine.running && Date.now() < end) {
      if (!engine.poll(WAIT_MS)) break;
    }
  } catch (e) {
    emit({ type: 'output', category: 'console', text: `Engine fault while running: ${(e as Error).message}\n` });
  }
  schedule();
}

function schedule(): void {
  if (engine.running && !scheduled) {
    scheduled = true;
    setImmediate(pump);
  }
}

/** Runs one request on the engine and encodes its result with the method's codec. */
function answer<K extends EngineMethod>(msg: RequestMessage<K>): { message: unknown; transfer: ArrayBuffer[] } {
  const fn = engine[msg.method] as (...params: RequestMessage<K>['params']) => ReturnType<Engine[K]>;
  const codec = RESULT_CODECS[msg.method] as ResultCodec<ReturnType<Engine[K]>>;
  return codec.encode(fn.apply(engine, msg.params));
}

port.on('message', (msg: RequestMessage | RenewMessage) => {
  if (msg.kind === 'renew') {
    makeEngine(msg.engine, msg.dbgengPath);
    return;
  }
  if (msg.kind !== 'request') return;
  try {
    if (startError && msg.method !== 'dispose') throw startError;
    if (!isEngineMethod(msg.method)) {
      throw new EngineError('unknownMethod', `The engine has no method "${String(msg.method)}".`);
    }
    if (startError) {
      send({ kind: 'response', id: msg.id, result: undefined });
      engine = { running: false } as Engine;
      return;
    }
    const { message, transfer } = answer(msg);
    send({ kind: 'response', id: msg.id, result: message }, transfer);
  } catch (e) {
    const err = e as Error;
    send({
      kind: 'response',
      id: msg.id,
      error: err instanceof EngineError ? { code: err.code, message: err.message } : { code: 'fault', message: `${err.name}: ${err.message}` },
    });
  }
  // Disposed, the thread waits: for a new session (renew), or to be ended by its client.
  if (msg.method === 'dispose') {
    engine = { running: false } as Engine;
    return;
  }
  schedule();
});
