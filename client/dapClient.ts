/**
 * A small DAP client over a stream: requests with promises, events as an
 * EventEmitter. Used by the command line and by the tests.
 */
import { EventEmitter } from 'node:events';
import type { Readable, Writable } from 'node:stream';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { frame, MessageReader } from './dapFraming';

export class DapError extends Error {
  constructor(readonly command: string, readonly response: DebugProtocol.Response) {
    super(response.body?.error?.format ?? response.message ?? `${command} failed`);
    this.name = 'DapError';
  }
}

export class DapClient extends EventEmitter {
  private seq = 1;
  private readonly reader = new MessageReader((m) => this.dispatch(m as DebugProtocol.ProtocolMessage));
  private readonly pending = new Map<number, { command: string; resolve: (r: DebugProtocol.Response) => void; reject: (e: Error) => void }>();
  private closed = false;

  constructor(input: Readable, private readonly output: Writable) {
    super();
    input.on('data', (chunk: Buffer) => this.reader.push(chunk));
    input.on('close', () => this.onClose());
    input.on('error', () => this.onClose());
  }

  /** Sends a request; resolves with the response, rejects with DapError when it failed. */
  async request<T extends DebugProtocol.Response = DebugProtocol.Response>(command: string, args?: unknown): Promise<T> {
    const r = await this.send(command, args);
    if (!r.success) throw new DapError(command, r);
    return r as T;
  }

  /** The seq of the last request sent (to name it in a `cancel`). */
  get lastSeq(): number {
    return this.seq - 1;
  }

  /** Sends a request; resolves with the response whether it succeeded or not. */
  send(command: string, args?: unknown): Promise<DebugProtocol.Response> {
    if (this.closed) return Promise.reject(new Error(`The adapter connection is closed (${command}).`));
    const seq = this.seq++;
    return new Promise((resolve, reject) => {
      this.pending.set(seq, { command, resolve, reject });
      this.output.write(frame({ seq, type: 'request', command, arguments: args }));
    });
  }

  /** Resolves with the next event of that name (optionally matching a filter). */
  waitFor<T extends DebugProtocol.Event = DebugProtocol.Event>(event: string, timeoutMs = 30_000, filter?: (e: T) => boolean): Promise<T> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.off(event, on);
        reject(new Error(`No "${event}" event within ${timeoutMs} ms.`));
      }, timeoutMs);
      const on = (e: T) => {
        if (filter && !filter(e)) return;
        clearTimeout(timer);
        this.off(event, on);
        resolve(e);
      };
      this.on(event, on);
    });
  }

  private dispatch(msg: DebugProtocol.ProtocolMessage): void {
    if (typeof msg !== 'object' || msg === null) return;
    if (msg.type === 'response') {
      const r = msg as DebugProtocol.Response;
      const p = this.pending.get(r.request_seq);
      if (p) {
        this.pending.delete(r.request_seq);
        p.resolve(r);
      }
    } else if (msg.type === 'event') {
      const e = msg as DebugProtocol.Event;
      this.emit(e.event, e);
      this.emit('*', e);
    }
  }

  private onClose(): void {
    if (this.closed) return;
    this.closed = true;
    for (const p of this.pending.values()) p.reject(new Error(`The adapter closed the connection before answering "${p.command}".`));
    this.pending.clear();
    this.emit('close');
  }
}
