/**
 * What the launched program writes to stdout and stderr: one pipe
 * (outputPipe.ts), read without blocking whenever the engine thread
 * looks (each poll, before a stop is reported, at the exit, and every
 * 100 ms while stopped) and told as the program's output. Both engines'.
 */
import type { EventSink } from '../engines/engine';
import { drainPipe } from './outputPipe';
import { k32, type Handle } from './kernel32';

export class ProgramOutput {
  private pipe: Handle = 0n;

  constructor(private readonly emit: EventSink) {}

  /** The read end of the program's output pipe (an attached program has none). */
  attach(pipe: Handle): void {
    this.pipe = pipe;
  }

  /** Tells what the pipe holds now; at its end, closes it. */
  pump(): void {
    if (!this.pipe) return;
    const text = drainPipe(this.pipe);
    if (text === null) this.close();
    else if (text) this.emit({ type: 'output', category: 'stdout', text });
  }

  close(): void {
    if (this.pipe) k32.CloseHandle(this.pipe);
    this.pipe = 0n;
  }
}
