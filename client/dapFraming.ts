/**
 * DAP's wire format: "Content-Length: N\r\n\r\n" and N bytes of JSON.
 */
export function frame(message: unknown): string {
  const json = JSON.stringify(message);
  return `Content-Length: ${Buffer.byteLength(json, 'utf8')}\r\n\r\n${json}`;
}

/**
 * Collects chunks and hands out each complete message. A message that is
 * not JSON is skipped and reported to `onError` (by default, dropped): one
 * bad message from a broken adapter must not throw out of a socket's 'data'
 * handler, which would take down the process reading it (the editor's
 * extension host, or the command line).
 */
export class MessageReader {
  private buffer = Buffer.alloc(0);

  constructor(
    private readonly onMessage: (message: unknown) => void,
    private readonly onError: (problem: string) => void = () => undefined,
  ) {}

  push(chunk: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    for (;;) {
      const headerEnd = this.buffer.indexOf('\r\n\r\n');
      if (headerEnd < 0) return;
      const m = /Content-Length: *(\d+)/i.exec(this.buffer.toString('ascii', 0, headerEnd));
      if (!m) {
        this.buffer = this.buffer.subarray(headerEnd + 4);
        continue;
      }
      const len = Number(m[1]);
      if (this.buffer.length < headerEnd + 4 + len) return;
      const body = this.buffer.toString('utf8', headerEnd + 4, headerEnd + 4 + len);
      this.buffer = this.buffer.subarray(headerEnd + 4 + len);
      let message: unknown;
      try {
        message = JSON.parse(body);
      } catch (e) {
        this.onError(`A DAP message is not JSON (${(e as Error).message}); skipped.`);
        continue;
      }
      this.onMessage(message);
    }
  }
}
