/**
 * The dbgeng engine's call stacks at one stop: GetStackTraceEx with inline
 * frames on, fetched in growing pages, each frame named once (from its own
 * inline context, so a physical frame holding inlined code gets its
 * call-site line), and the innermost inline frames the stop has not entered
 * yet (native/engines/stopPosition.ts) hidden from what the client sees.
 *
 * Everything here belongs to the stop: run() forgets it all (forget()).
 */
import type { RawFrame, StackPage } from '../engines/engine';
import { EngineError } from '../engines/engineError';
import { isInlineContext } from '../engines/inlineContext';
import type { ComPtr } from './com';
import { Slots } from './slots';
import type { SymbolQueries } from './symbolQueries';
import { hex } from '../engines/hex';

const C = Slots.IDebugControl7;
/** DEBUG_STACK_FRAME_EX: 136 bytes; InlineFrameContext at 128. */
const FRAME = { size: 136, InstructionOffset: 0, ReturnOffset: 8, FrameOffset: 16, StackOffset: 24, InlineFrameContext: 128 } as const;
const FIRST_FETCH = 64;

interface Fetched {
  buf: Buffer;
  count: number;
  complete: boolean;
  /** Per frame: the physical frames above it (its function's index among the physical frames). */
  physicalIndex: Uint32Array;
  resolved: Map<number, RawFrame>;
}

export class DbgengStacks {
  private readonly fetched = new Map<number, Fetched>();
  /** Per thread: innermost inline frames not entered yet at this stop (hidden from the stack, entered by stepIn). */
  private readonly hiddenFrames = new Map<number, number>();

  constructor(
    private readonly control: ComPtr,
    private readonly names: SymbolQueries,
    private readonly selectThread: (threadId: number) => void,
  ) {}

  /** The program runs: nothing of this stop holds. */
  forget(): void {
    this.fetched.clear();
    this.hiddenFrames.clear();
  }

  /** The frames must be walked again (the program stopped, or a register moved the stack); what is hidden stays. */
  refetch(): void {
    this.fetched.clear();
  }

  hidden(threadId: number): number {
    return this.hiddenFrames.get(threadId) ?? 0;
  }

  hide(threadId: number, frames: number): void {
    this.hiddenFrames.set(threadId, frames);
  }

  /** The client's frames `start` to `start + count` (inline frames not entered yet are not shown). */
  page(threadId: number, start: number, count: number): StackPage {
    let fetched = this.fetched.get(threadId);
    const hidden = this.hidden(threadId);
    const want = start + count + hidden;
    while (!fetched || (!fetched.complete && fetched.count < want)) {
      fetched = this.fetch(threadId, Math.max(FIRST_FETCH, (fetched?.count ?? 0) * 2, want));
      this.fetched.set(threadId, fetched);
    }
    const frames: RawFrame[] = [];
    for (let i = start + hidden; i < Math.min(fetched.count, start + hidden + count); i++) {
      const f = this.frameAt(fetched, i);
      frames.push(hidden ? { ...f, index: f.index - hidden } : f);
    }
    return { frames, complete: fetched.complete && start + hidden + count >= fetched.count, totalFrames: fetched.complete ? fetched.count - hidden : undefined };
  }

  /** The top frame the client sees, or a clear error when the thread has none. */
  top(threadId: number, what: string): RawFrame {
    const [top] = this.page(threadId, 0, 1).frames;
    if (!top) throw new EngineError('noFrame', `Thread ${threadId} has no stack to ${what}.`);
    return top;
  }

  /** The number of frames of the thread's whole stack, inline frames (hidden ones too) counted. */
  depth(threadId: number): number {
    let f = this.fetch(threadId, FIRST_FETCH);
    while (!f.complete) f = this.fetch(threadId, f.count * 2);
    return f.count;
  }

  /** dbgeng's index of the frame the client calls `frameIndex`. */
  engineIndex(threadId: number, frameIndex: number): number {
    return frameIndex + this.hidden(threadId);
  }

  private fetch(threadId: number, want: number): Fetched {
    this.selectThread(threadId);
    const buf = Buffer.alloc(want * FRAME.size);
    const filled = [0];
    this.control.call(C.GetStackTraceEx, 'GetStackTraceEx',
      'uint64_t frameOffset, uint64_t stackOffset, uint64_t instructionOffset, void *frames, uint32_t framesSize, _Out_ uint32_t *filled',
      0n, 0n, 0n, buf, want, filled);
    const count = Number(filled[0]);
    // Counted once per fetch, not once per frame named: a deep stack is paged thousands of frames down.
    const physicalIndex = new Uint32Array(count);
    for (let i = 1; i < count; i++) {
      physicalIndex[i] = physicalIndex[i - 1]! + (isInlineContext(buf.readUInt32LE((i - 1) * FRAME.size + FRAME.InlineFrameContext), 'windows') ? 0 : 1);
    }
    return { buf, count, complete: count < want, physicalIndex, resolved: this.fetched.get(threadId)?.resolved ?? new Map() };
  }

  private frameAt(f: Fetched, index: number): RawFrame {
    const cached = f.resolved.get(index);
    if (cached) return cached;
    const at = index * FRAME.size;
    const pc = f.buf.readBigUInt64LE(at + FRAME.InstructionOffset);
    const context = f.buf.readUInt32LE(at + FRAME.InlineFrameContext);
    const r = this.names.resolve(pc, context);
    const frame: RawFrame = {
      index,
      physicalIndex: f.physicalIndex[index]!,
      inline: r.inline,
      instructionOffset: hex(pc),
      returnOffset: hex(f.buf.readBigUInt64LE(at + FRAME.ReturnOffset)),
      frameOffset: hex(f.buf.readBigUInt64LE(at + FRAME.FrameOffset)),
      stackOffset: hex(f.buf.readBigUInt64LE(at + FRAME.StackOffset)),
      inlineFrameContext: context >>> 0,
      function: r.function,
      displacement: r.displacement,
      module: r.module,
      moduleBase: r.moduleBase,
      file: r.file,
      line: r.line,
      resolvedBy: r.resolvedBy,
    };
    f.resolved.set(index, frame);
    return frame;
  }
}
