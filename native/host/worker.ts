/**
 * The engine thread. It owns every native handle and makes every native
 * call; the Win32 debugging API requires that one thread create the
 * debuggee and wait for its events. While the debuggee runs, it polls for
 * debug events in short slices and returns to its event loop between them,
 * so requests (pause, terminate) are served within a slice.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { Engine, EngineEvent, StackPage } from '../engines/engine';
import { EngineError } from '../engines/engineError';
import { createEngine } from '../engines/createEngine';
import { ENGINE_METHODS, type HostMessage, type RequestMessage } from './protocol';
import { encodeStackPage } from './stackPageCodec';

const port = parentPort!;
const SLICE_MS = 20;
const WAIT_MS = 10;

const send = (msg: HostMessage, transfer: ArrayBuffer[] = []) => port.postMessage(msg, transfer);
const emit = (event: EngineEvent) => send({ kind: 'event', event });

// An engine that cannot be created answers every request with the reason.
let engine: Engine;
let startError: EngineError | undefined;
try {
  const data = (workerData ?? {}) as { engine?: string; dbgengPath?: string };
  engine = createEngine(data.engine ?? 'auto', emit, { dbgengPath: data.dbgengPath });
} catch (e) {
  startError = e instanceof EngineError ? e : new EngineError('fault', String(e));
  engine = { running: false } as Engine;
}
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

port.on('message', (msg: RequestMessage) => {
  if (msg.kind !== 'request') return;
  try {
    if (startError && msg.method !== 'dispose') throw startError;
    if (!(ENGINE_METHODS as readonly string[]).includes(msg.method)) {
      throw new EngineError('unknownMethod', `The engine has no method "${msg.method}".`);
    }
    if (startError) {
      send({ kind: 'response', id: msg.id, result: undefined });
      port.close();
      return;
    }
    const fn = (engine as unknown as Record<string, (...a: unknown[]) => unknown>)[msg.method];
    if (typeof fn !== 'function') throw new EngineError('unsupported', `The ${engine.kind} engine does not support "${msg.method}".`);
    const result = fn.apply(engine, msg.params);
    if (msg.method === 'stackFrames') {
      // Stack pages travel compactly (see stackPageCodec.ts); api.ts decodes them.
      const { message, transfer } = encodeStackPage(result as StackPage);
      send({ kind: 'response', id: msg.id, result: message }, transfer);
    } else {
      send({ kind: 'response', id: msg.id, result });
    }
  } catch (e) {
    const err = e as Error;
    send({
      kind: 'response',
      id: msg.id,
      error: err instanceof EngineError ? { code: err.code, message: err.message } : { code: 'fault', message: `${err.name}: ${err.message}` },
    });
  }
  if (msg.method === 'dispose') {
    clearInterval(outputTimer);
    port.close();
    return;
  }
  schedule();
});
