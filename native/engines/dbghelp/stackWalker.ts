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
 */
import { dbghelp, dbghelpRoutines, IMAGE_FILE_MACHINE_AMD64 } from '../../win32/dbghelp';
import { alignedBuffer, type Handle } from '../../win32/kernel32';
import { Layouts } from '../../win32/layouts';
import type { RawFrame } from '../engine';
import { INLINE_FRAME_CONTEXT_IGNORE, isInlineContext, type InlineContextEncoding } from '../inlineContext';
import type { SymbolSession } from './symbols';

const SF = Layouts.STACKFRAME_EX;
const AMODE_FLAT = 3;
/** A stack deeper than this is treated as corrupt; the walk ends there. */
const MAX_FRAMES = 2_000_000;
/** Wine's context for a regular (physical) frame. */
const WINE_REGULAR = 0x80000000;

const hex = (v: bigint) => `0x${v.toString(16)}`;

export type InlineStrategy = 'native' | 'synthesized';

interface WalkedFrame {
  physicalIndex: number;
  inline: boolean;
  pc: bigint;
  /** Where symbols are looked up: the PC, or return address - 1 in callers. */
  codeAddress: bigint;
  ret: bigint;
  framePtr: bigint;
  sp: bigint;
  context: number;
  resolved?: RawFrame;
}

export class StackWalker {
  private readonly frame = Buffer.alloc(SF.size);
  private readonly context: Buffer;
  private readonly walked: WalkedFrame[] = [];
  private physicalCount = 0;
  private lastPhysical?: { pc: bigint; sp: bigint };
  done = false;

  constructor(
    private readonly process: Handle,
    private readonly thread: Handle,
    threadContext: Buffer,
    private readonly symbols: SymbolSession,
    private readonly encoding: InlineContextEncoding,
    private readonly strategy: InlineStrategy,
  ) {
    // StackWalkEx updates the context as it unwinds: walk a private copy.
    this.context = alignedBuffer(Layouts.CONTEXT.size, Layouts.CONTEXT.align);
    threadContext.copy(this.context);
    const C = Layouts.CONTEXT;
    const setAddr = (off: number, value: bigint) => {
      this.frame.writeBigUInt64LE(value, off);
      this.frame.writeUInt32LE(AMODE_FLAT, off + Layouts.ADDRESS64.Mode);
    };
    setAddr(SF.AddrPC, this.context.readBigUInt64LE(C.Rip));
    setAddr(SF.AddrFrame, this.context.readBigUInt64LE(C.Rbp));
    setAddr(SF.AddrStack, this.context.readBigUInt64LE(C.Rsp));
    this.frame.writeUInt32LE(SF.size, SF.StackFrameSize);
  }

  /** Frames [start, start+count), walking only as far as needed. */
  page(start: number, count: number): RawFrame[] {
    while (!this.done && this.walked.length < start + count) this.step();
    return this.walked.slice(start, start + count).map((f, i) => this.resolve(f, start + i));
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
      null, dbghelpRoutines.SymFunctionTableAccess64, dbghelpRoutines.SymGetModuleBase64, null, 0,
    );
    if (!ok) {
      this.done = true;
      return;
    }
    const pc = this.frame.readBigUInt64LE(SF.AddrPC);
    const sp = this.frame.readBigUInt64LE(SF.AddrStack);
    const reported = this.frame.readUInt32LE(SF.InlineFrameContext);
    const inline = this.strategy === 'native' && isInlineContext(reported, this.encoding);
    if (pc === 0n) {
      this.done = true;
      return;
    }
    if (!inline) {
      // A physical frame that does not move the stack is a broken unwind
      // (garbage stack pointer, missing unwind data): end the walk there.
      if (this.lastPhysical && this.lastPhysical.sp >= sp && this.lastPhysical.pc === pc) {
        this.done = true;
        return;
      }
      this.lastPhysical = { pc, sp };
    }
    const codeAddress = this.physicalCount > 0 ? pc - 1n : pc;
    const base = {
      physicalIndex: this.physicalCount,
      pc,
      codeAddress,
      ret: this.frame.readBigUInt64LE(SF.AddrReturn),
      framePtr: this.frame.readBigUInt64LE(SF.AddrFrame),
      sp,
    };
    if (this.strategy === 'synthesized') {
      for (const context of this.symbols.inlineContextsAt(codeAddress)) this.walked.push({ ...base, inline: true, context });
      this.walked.push({ ...base, inline: false, context: this.encoding === 'wine' ? WINE_REGULAR : reported });
    } else {
      this.walked.push({ ...base, inline, context: reported });
    }
    if (!inline) this.physicalCount++;
  }

  private resolve(f: WalkedFrame, index: number): RawFrame {
    if (f.resolved) return f.resolved;
    // Native contexts were made for the PC itself (Windows adjusts return
    // addresses through the RA flag); synthesized ones for the code address.
    const contextAddress = this.strategy === 'native' ? f.pc : f.codeAddress;
    const r = this.symbols.resolve(contextAddress, f.context, f.inline, f.codeAddress);
    const mod = this.symbols.moduleAt(f.pc);
    f.resolved = {
      index,
      physicalIndex: f.physicalIndex,
      inline: f.inline,
      instructionOffset: hex(f.pc),
      returnOffset: hex(f.ret),
      frameOffset: hex(f.framePtr),
      stackOffset: hex(f.sp),
      inlineFrameContext: f.context >>> 0,
      function: r.function,
      // Displacements are from the PC, as WinDbg prints them (main+0x4f).
      displacement: r.displacement === undefined ? undefined : r.displacement + Number(f.pc - f.codeAddress),
      module: mod?.name,
      moduleBase: mod ? hex(mod.base) : undefined,
      file: r.file,
      line: r.line,
      resolvedBy: r.resolvedBy,
    };
    return f.resolved;
  }
}
