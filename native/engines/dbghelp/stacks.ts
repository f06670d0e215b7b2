/**
 * The dbghelp engine's call stacks at one stop: a StackWalker per thread,
 * walked as far as the client asks and no further, in slices so that a
 * stack of a million frames never holds the engine thread (terminate,
 * pause and disconnect are served between slices). The innermost inline
 * frames the stop has not entered yet (a step stopped at their call site,
 * native/engines/stopPosition.ts) are hidden from what the client sees.
 *
 * Everything here belongs to the stop: resume() forgets it all.
 */
import type { RawFrame, StackPage } from '../engine';
import { EngineError } from '../engineError';
import type { Handle } from '../../win32/kernel32';
import type { FrameAt } from './frameValues';
import { StackWalker } from './stackWalker';
import type { SymbolSession } from './symbols';

/**
 * A stackFrames request walks at most this long before answering "pending"
 * (the walk resumes on the next request).
 */
const WALK_SLICE_MS = 200;
/** Frames walked between two looks at the clock. */
const WALK_STEP = 64;

export interface StacksHost {
  process(): Handle;
  symbols(): SymbolSession;
  encoding: 'wine' | 'windows';
  running(): boolean;
  thread(threadId: number): { handle: Handle } | undefined;
  /** The thread's own registers (CONTEXT), the walk's start. */
  context(thread: Handle): Buffer;
}

export class DbghelpStacks {
  private readonly walkers = new Map<number, StackWalker>();
  /** Per thread: innermost inline frames hidden at this stop (not entered yet). */
  readonly hidden = new Map<number, number>();

  constructor(private readonly host: StacksHost) {}

  /** The program runs: nothing of this stop holds. */
  forget(): void {
    this.walkers.clear();
    this.hidden.clear();
  }

  /** The thread's registers changed (or it is gone): its stack is walked again. */
  forgetThread(threadId: number): void {
    this.walkers.delete(threadId);
  }

  page(threadId: number, start: number, count: number): StackPage {
    const thread = this.threadOf(threadId);
    if (this.host.running()) throw new EngineError('notStopped', 'The program is running; pause it to see its call stack.');
    let walker = this.walkers.get(threadId);
    if (!walker) {
      const { encoding } = this.host;
      walker = new StackWalker(this.host.process(), thread.handle, this.host.context(thread.handle), this.host.symbols(), encoding,
        encoding === 'wine' ? 'synthesized' : 'native');
      this.walkers.set(threadId, walker);
    }
    const hidden = this.hidden.get(threadId) ?? 0;
    // Walk toward the page in slices; answer "pending" when out of time.
    const target = start + count + hidden;
    const deadline = Date.now() + WALK_SLICE_MS;
    while (!walker.done && walker.walkedCount < target) {
      if (Date.now() >= deadline) return { frames: [], complete: false, pending: true };
      walker.page(Math.min(target, walker.walkedCount + WALK_STEP), 0);
    }
    const page = walker.page(start + hidden, count);
    const frames = hidden ? page.map((f) => ({ ...f, index: f.index - hidden })) : page;
    const complete = walker.done && start + hidden + count >= walker.walkedCount;
    return { frames, complete, totalFrames: walker.done ? walker.walkedCount - hidden : undefined };
  }

  /** The physical frame `physicalIndex` of a thread's stack, walking only as far as it. */
  firstFrameOf(threadId: number, physicalIndex: number): RawFrame | undefined {
    for (let at = 0; ; at += 16) {
      const page = this.page(threadId, at, 16);
      const hit = page.frames.find((f) => f.physicalIndex === physicalIndex && !f.inline);
      if (hit || page.complete || !page.frames.length) return hit;
    }
  }

  /** A frame, its thread, and the register context its variables are read with (its own, for a caller frame). */
  frameAt(threadId: number, frameIndex: number): FrameAt {
    const thread = this.threadOf(threadId);
    const [frame] = this.page(threadId, frameIndex, 1).frames;
    if (!frame) throw new EngineError('noFrame', `Thread ${threadId} has no frame ${frameIndex}.`);
    const caller = frame.physicalIndex > 0;
    const context = caller ? this.walkers.get(threadId)?.contextOf(frame.physicalIndex) : this.host.context(thread.handle);
    if (!context) throw new EngineError('noFrame', `The registers of frame ${frameIndex} could not be unwound.`);
    return { frame, thread: thread.handle, context, caller };
  }

  private threadOf(threadId: number): { handle: Handle } {
    const thread = this.host.thread(threadId);
    if (!thread) throw new EngineError('noThread', `Thread ${threadId} does not exist (any more).`);
    return thread;
  }
}
