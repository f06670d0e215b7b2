/**
 * A lazy walk of one thread's stack, kept for one stop.
 *
 * Two ways to get the inline frames:
 *  - 'native': StackWalkEx with an INIT (zero) InlineFrameContext reports
 *    them itself, one call per inline level at the same PC, innermost
 *    first, then the physical frame. Windows' dbghelp does this right for
 *    caller frames too (its RA flag marks a return address).
 *  - 'synthesized': the walk asks for physical frames only (context
 *    IGNORE) and inline frames are made from SymAddrIncludeInlineTrace at
 *    the frame's code address. Wine's StackWalkEx looks for inline frames
 *    at a caller's return address, which may already lie past the inlined
 *    call; we look at return address - 1, inside the call, as debuggers do.
 *
 * We walk only as far as a page of frames asked for, and resolve names only
 * for frames handed out, so the first frame costs the same at any depth.
 * One exception, for a client that bulk-loads the stack (a page of
 * READ_AHEAD_MIN frames or more, as "Load More Stack Frames" asks for, never
 * the first paint's 1 + 19): once that page is answered, the next page of
 * the same size is walked and named while the engine thread is idle, in
 * short slices, so the walk overlaps the adapter's work and the transport
 * of the page before it, instead of waiting for them.
 *
 * What one stop keeps, so nothing is done twice (all of it goes with the
 * walker, which the engine drops when the debuggee resumes):
 *  - the frames walked so far, and each frame's resolution once handed out;
 *  - the debuggee's memory as StackWalkEx read it (see memoryCache.ts):
 *    without it a walk spends ~99% of its time in ReadProcessMemory;
 *  - names, lines and modules by (code address, inline context), and the
 *    inline contexts by code address: a deep stack repeats the same few
 *    return addresses (recursion, dispatch loops), and each is resolved once.
 *
 * The register context of a caller frame (what StackWalkEx unwinds to, as
 * WinDbg's `.frame N; r` shows it) is made only when asked for (its
 * variables, its registers): by walking again from the nearest context
 * already made. Keeping a CONTEXT (1232 bytes) for every frame walked
 * would cost more than the rest of a deep walk together.
 */
import { dbghelp, dbghelpRoutines, IMAGE_FILE_MACHINE_AMD64 } from '../../win32/dbghelp';
import { alignedBuffer, type Handle } from '../../win32/kernel32';
import { Layouts } from '../../win32/layouts';
import type { RawFrame } from '../engine';
import { INLINE_FRAME_CONTEXT_IGNORE, isInlineContext, type InlineContextEncoding } from '../inlineContext';
import { MemoryCache, readRoutineFor } from './memoryCache';
import type { ModuleInfo, Resolution, SymbolSession } from './symbols';

const SF = Layouts.STACKFRAME_EX;
const AMODE_FLAT = 3;
/** A stack deeper than this is treated as corrupt; the walk ends there. */
const MAX_FRAMES = 2_000_000;
/** Wine's context for a regular (physical) frame. */
const WINE_REGULAR = 0x80000000;

/** Pages at least this large are bulk loading: the next page is read ahead. */
const READ_AHEAD_MIN = 200;
/** Longest stretch of read-ahead before the engine thread looks at its messages again. */
const READ_AHEAD_SLICE_MS = 4;

/**
 * An address or register value read from the frame: a number when below
 * 2^53 (every user-mode address), else a bigint (RBP is a general register
 * in optimized code and may hold anything). Numbers are cheaper than
 * bigints to compare, key maps with and format, and koffi takes them for
 * uint64_t.
 */
type U64 = number | bigint;

const hex = (v: U64) => `0x${v.toString(16)}`;

export type InlineStrategy = 'native' | 'synthesized';

/** What one StackWalkEx call reported: a physical frame (the inline frames synthesized for it share it), or, in 'native' mode, an inline one. */
interface PhysicalFrame {
  index: number;
  pc: U64;
  /** Where symbols are looked up: the PC, or return address - 1 in callers. */
  codeAddress: U64;
  /** True in callers, whose code address is return address - 1. */
  caller: boolean;
  ret: U64;
  framePtr: U64;
  sp: U64;
  /** Hex strings of the addresses, made when the first of its frames is handed out. */
  text?: { pc: string; ret: string; framePtr: string; sp: string };
}

interface WalkedFrame {
  physical: PhysicalFrame;
  inline: boolean;
  context: number;
  /** Its name, line and module, once it has been handed out (shared by every frame at the same place). */
  resolution?: CachedResolution;
}

type CachedResolution = Resolution & { resolvedBy: RawFrame['resolvedBy']; module?: ModuleInfo; moduleBase?: string };

/** How many caller contexts one stop keeps (the ones the user looked at, and the start). */
const MAX_CONTEXTS = 64;

export class StackWalker {
  private readonly frame = Buffer.alloc(SF.size);
  private readonly context: Buffer;
  /** Register contexts of physical frames by physical index, made on demand (0: the thread's own). */
  private readonly contexts = new Map<number, Buffer>();
  private readonly walked: WalkedFrame[] = [];
  private readonly memory: MemoryCache;
  /** By PC text: the resolutions made there, for each (code address, context). */
  private readonly resolutions = new Map<string, { caller: boolean; context: number; inline: boolean; r: CachedResolution }[]>();
  private readonly inlineContexts = new Map<U64, number[]>();
  private physicalCount = 0;
  /** Read ahead up to (not including) this frame; see page(). */
  private readAheadTo = 0;
  private readAheadNext = 0;
  private readAheadScheduled = false;
  /** The last physical frame, to tell a stuck unwind. */
  private lastPhysical?: { pc: U64; sp: U64 };
  done = false;

  constructor(
    private readonly process: Handle,
    private readonly thread: Handle,
    threadContext: Buffer,
    private readonly symbols: SymbolSession,
    private readonly encoding: InlineContextEncoding,
    private readonly strategy: InlineStrategy,
  ) {
    this.memory = new MemoryCache(process);
    // StackWalkEx updates the context as it unwinds: walk a private copy.
    this.context = alignedBuffer(Layouts.CONTEXT.size, Layouts.CONTEXT.align);
    threadContext.copy(this.context);
    this.contexts.set(0, copyContext(threadContext));
    startFrame(this.frame, this.context);
  }

  /**
   * The register context of physical frame `physicalIndex`, as the unwind
   * leaves it: nonvolatile registers, RIP and RSP are that frame's; the
   * volatile ones are whatever the callee left. Undefined past the end.
   */
  contextOf(physicalIndex: number): Buffer | undefined {
    const known = this.contexts.get(physicalIndex);
    if (known) return known;
    let from = 0;
    for (const k of this.contexts.keys()) if (k < physicalIndex && k > from) from = k;
    const context = copyContext(this.contexts.get(from)!);
    const frame = Buffer.alloc(SF.size);
    startFrame(frame, context);
    // The first call reports the starting frame itself; each further one unwinds one frame.
    for (let i = from; i <= physicalIndex; i++) {
      frame.writeUInt32LE(INLINE_FRAME_CONTEXT_IGNORE, SF.InlineFrameContext);
      const ok = dbghelp.StackWalkEx(
        IMAGE_FILE_MACHINE_AMD64, this.process, this.thread, frame, context,
        readRoutineFor(this.memory), dbghelpRoutines.SymFunctionTableAccess64, dbghelpRoutines.SymGetModuleBase64, null, 0,
      );
      if (!ok || frame.readBigUInt64LE(SF.AddrPC) === 0n) return undefined;
    }
    if (this.contexts.size >= MAX_CONTEXTS) this.contexts.delete([...this.contexts.keys()].find((k) => k !== 0)!);
    this.contexts.set(physicalIndex, context);
    return context;
  }

  /** Frames [start, start+count), walking only as far as needed. */
  page(start: number, count: number): RawFrame[] {
    const end = start + count;
    while (!this.done && this.walked.length < end) this.step();
    const out: RawFrame[] = [];
    for (let i = start; i < end && i < this.walked.length; i++) out.push(this.resolve(this.walked[i]!, i));
    if (count >= READ_AHEAD_MIN && !(this.done && end >= this.walked.length)) this.readAhead(end, end + count);
    return out;
  }

  /** Walks and names frames [from, to) in idle time (setImmediate slices), unless a request gets there first. */
  private readAhead(from: number, to: number): void {
    this.readAheadNext = Math.max(this.readAheadNext, from);
    this.readAheadTo = Math.max(this.readAheadTo, to);
    if (this.readAheadScheduled) return;
    this.readAheadScheduled = true;
    const slice = () => {
      const deadline = Date.now() + READ_AHEAD_SLICE_MS;
      while (this.readAheadNext < this.readAheadTo) {
        if (this.walked.length <= this.readAheadNext) {
          if (this.done) break;
          this.step();
          continue;
        }
        const i = this.readAheadNext++;
        this.prepare(this.walked[i]!);
        if ((i & 63) === 0 && Date.now() >= deadline) break;
      }
      if (this.readAheadNext < this.readAheadTo && !(this.done && this.readAheadNext >= this.walked.length)) setImmediate(slice);
      else this.readAheadScheduled = false;
    };
    setImmediate(slice);
  }

  get walkedCount(): number {
    return this.walked.length;
  }

  private step(): void {
    if (this.walked.length >= MAX_FRAMES) {
      this.done = true;
      return;
    }
    if (this.strategy === 'synthesized') this.frame.writeUInt32LE(INLINE_FRAME_CONTEXT_IGNORE, SF.InlineFrameContext);
    const ok = dbghelp.StackWalkEx(
      IMAGE_FILE_MACHINE_AMD64, this.process, this.thread, this.frame, this.context,
      readRoutineFor(this.memory), dbghelpRoutines.SymFunctionTableAccess64, dbghelpRoutines.SymGetModuleBase64, null, 0,
    );
    if (!ok) {
      this.done = true;
      return;
    }
    const pc = this.u64(SF.AddrPC);
    const sp = this.u64(SF.AddrStack);
    const reported = this.frame.readUInt32LE(SF.InlineFrameContext);
    const inline = this.strategy === 'native' && isInlineContext(reported, this.encoding);
    if (pc === 0) {
      this.done = true;
      return;
    }
    // A physical frame that does not move the stack is a broken unwind
    // (garbage stack pointer, missing unwind data): end the walk there.
    if (!inline && this.lastPhysical && this.lastPhysical.sp >= sp && this.lastPhysical.pc === pc) {
      this.done = true;
      return;
    }
    // Each StackWalkEx call gives one frame; synthesized inline frames share their physical frame's.
    const caller = this.physicalCount > 0;
    const physical: PhysicalFrame = {
      index: this.physicalCount,
      pc,
      codeAddress: caller ? (typeof pc === 'bigint' ? pc - 1n : pc - 1) : pc,
      caller,
      ret: this.u64(SF.AddrReturn),
      framePtr: this.u64(SF.AddrFrame),
      sp,
    };
    if (this.strategy === 'synthesized') {
      for (const context of this.inlineContextsAt(physical.codeAddress)) this.walked.push({ physical, inline: true, context });
      this.walked.push({ physical, inline: false, context: this.encoding === 'wine' ? WINE_REGULAR : reported });
    } else {
      this.walked.push({ physical, inline, context: reported });
    }
    if (!inline) this.lastPhysical = physical;
    if (!inline) this.physicalCount++;
  }

  /** A 64-bit field of the frame, as a number when it is below 2^53. */
  private u64(offset: number): U64 {
    const hi = this.frame.readUInt32LE(offset + 4);
    return hi < 0x200000 ? hi * 0x100000000 + this.frame.readUInt32LE(offset) : this.frame.readBigUInt64LE(offset);
  }

  private inlineContextsAt(address: U64): number[] {
    let contexts = this.inlineContexts.get(address);
    if (!contexts) {
      contexts = this.symbols.inlineContextsAt(BigInt(address));
      this.inlineContexts.set(address, contexts);
    }
    return contexts;
  }

  /**
   * The frame as the engine hands it out. Only its parts are kept (the
   * physical frame's addresses as text, the shared resolution), not the
   * RawFrame itself: a deep stack would keep hundreds of thousands of them.
   */
  private resolve(f: WalkedFrame, index: number): RawFrame {
    const r = this.prepare(f);
    const p = f.physical;
    const text = p.text!;
    return {
      index,
      physicalIndex: p.index,
      inline: f.inline,
      instructionOffset: text.pc,
      returnOffset: text.ret,
      frameOffset: text.framePtr,
      stackOffset: text.sp,
      inlineFrameContext: f.context >>> 0,
      function: r.function,
      // Displacements are from the PC, as WinDbg prints them (main+0x4f).
      displacement: r.displacement === undefined ? undefined : r.displacement + (p.caller ? 1 : 0),
      module: r.module?.name,
      moduleBase: r.moduleBase,
      file: r.file,
      line: r.line,
      resolvedBy: r.resolvedBy,
    };
  }

  /** Makes what a frame needs to be handed out: its addresses as text, its resolution. */
  private prepare(f: WalkedFrame): CachedResolution {
    const p = f.physical;
    const text = p.text ??= { pc: hex(p.pc), ret: hex(p.ret), framePtr: hex(p.framePtr), sp: hex(p.sp) };
    return f.resolution ??= this.resolution(p, text.pc, f.context, f.inline);
  }

  /** Name, line and module of a frame, asked of dbghelp once per (PC, code address, context) at this stop. */
  private resolution(p: PhysicalFrame, pcText: string, context: number, inline: boolean): CachedResolution {
    const caller = p.caller;
    let seen = this.resolutions.get(pcText);
    if (!seen) {
      seen = [];
      this.resolutions.set(pcText, seen);
    }
    for (const s of seen) if (s.context === context && s.caller === caller && s.inline === inline) return s.r;
    // Native contexts were made for the PC itself (Windows adjusts return
    // addresses through the RA flag); synthesized ones for the code address.
    const contextAddress = BigInt(this.strategy === 'native' ? p.pc : p.codeAddress);
    const module = this.symbols.moduleAt(BigInt(p.pc));
    const r = { ...this.symbols.resolve(contextAddress, context, inline, BigInt(p.codeAddress)), module, moduleBase: module ? hex(module.base) : undefined };
    seen.push({ caller, context, inline, r });
    return r;
  }
}

function copyContext(context: Buffer): Buffer {
  const out = alignedBuffer(Layouts.CONTEXT.size, Layouts.CONTEXT.align);
  context.copy(out);
  return out;
}

/** A STACKFRAME_EX for a walk that starts at the frame `context` describes. */
function startFrame(frame: Buffer, context: Buffer): void {
  const C = Layouts.CONTEXT;
  const setAddr = (off: number, value: bigint) => {
    frame.writeBigUInt64LE(value, off);
    frame.writeUInt32LE(AMODE_FLAT, off + Layouts.ADDRESS64.Mode);
  };
  setAddr(SF.AddrPC, context.readBigUInt64LE(C.Rip));
  setAddr(SF.AddrFrame, context.readBigUInt64LE(C.Rbp));
  setAddr(SF.AddrStack, context.readBigUInt64LE(C.Rsp));
  frame.writeUInt32LE(SF.size, SF.StackFrameSize);
}
