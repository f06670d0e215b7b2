/**
 * Everything that belongs to one stop of the program, in one object: the
 * frame ids handed out, the variable references, the exception each thread
 * stopped for, the thread that stopped, and the Debug Console's selected
 * frame (`.frame N`). The session replaces it whole when the program stops
 * and when it runs again, so nothing of one stop outlives it, and there is
 * nothing to clear by hand. Ids and references go on counting from the
 * stop before, so a stale one is detected, never misread.
 */
import type { CommandScope, ExceptionInfo } from '../native/api';
import { FrameStore, type FrameRef } from './stack/frameStore';
import { errors } from './errors';
import { VariableStore } from './variables';

export class Stop {
  readonly frames: FrameStore;
  readonly variables: VariableStore;
  /**
   * The Debug Console's frame, once `.frame N` chose it: the console's
   * commands act there until the program runs again, as WinDbg's do,
   * whichever frame the client sends them with.
   */
  consoleFrame?: CommandScope;

  private constructor(
    /** The thread that stopped; 0 while the program runs. */
    readonly threadId: number,
    /** The exception the thread stopped for, if it did. */
    readonly exception: ExceptionInfo | undefined,
    before?: Stop,
  ) {
    this.frames = new FrameStore(before?.frames.nextFree);
    this.variables = new VariableStore(before?.variables.nextFree);
  }

  /** Before the first stop. */
  static none(): Stop {
    return new Stop(0, undefined);
  }

  /** The program stopped: a new stop replaces this one. */
  stopped(threadId: number, exception?: ExceptionInfo): Stop {
    return new Stop(threadId, exception, this);
  }

  /** The program runs again: nothing of this stop holds any more. */
  running(): Stop {
    return new Stop(0, undefined, this);
  }

  /** The frame a request names; a frame id of another stop is an error that says to ask again. */
  frame(frameId: number): FrameRef {
    const ref = this.frames.get(frameId);
    if (!ref) throw errors.unknownFrame(frameId);
    return ref;
  }

  /** Where a request with an optional frame id acts: that frame, or the stopped thread's top frame. */
  where(frameId: number | undefined): CommandScope {
    if (frameId === undefined) return { threadId: this.threadId, frameIndex: 0 };
    const ref = this.frame(frameId);
    return { threadId: ref.threadId, frameIndex: ref.frame.index };
  }

  /** Where a Debug Console command acts: the frame `.frame` chose, else as `where`. */
  consoleWhere(frameId: number | undefined): CommandScope {
    return this.consoleFrame ?? this.where(frameId);
  }

  exceptionOf(threadId: number): ExceptionInfo {
    if (!this.exception || threadId !== this.threadId) throw errors.noException(threadId);
    return this.exception;
  }
}
