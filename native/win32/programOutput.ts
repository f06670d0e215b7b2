/**
 * What the launched program writes to stdout and stderr: one pipe
 * (createDebuggee.ts), read without blocking whenever the engine thread
 * looks (each poll, before a stop is reported, at the exit) and told as
 * the program's output.
 */
import type { EventSink } from '../engine';
import { drainPipe } from '../../win32/createDebuggee';
import type { Handle } from '../../win32/kernel32';
import { closeQuietly } from './symbols';

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
    closeQuietly(this.pipe);
    this.pipe = 0n;
  }
}
