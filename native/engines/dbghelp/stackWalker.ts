/**
 * A lazy StackWalkEx walk of one thread, kept for one stop.
 *
 * StackWalkEx with a zero (INIT) InlineFrameContext reports inline frames
 * itself: at a PC inside inlined code it returns one frame per inline level
 * (innermost first), all at the same PC, then the physical frame, then
 * unwinds. We only ever walk as far as a page of frames asked for, and
 * resolve names only for the frames handed out, so the first frame costs
 * the same at any depth.
 */
import { dbghelp, dbghelpRoutines, IMAGE_FILE_MACHINE_AMD64 } from '../../win32/dbghelp';
import { alignedBuffer, type Handle } from '../../win32/kernel32';
import { Layouts } from '../../win32/layouts';
import type { RawFrame } from '../engine';
import { isInlineContext, type InlineContextEncoding } from '../inlineContext';
import type { SymbolSession } from './symbols';

const SF = Layouts.STACKFRAME_EX;
const AMODE_FLAT = 3;
/** A stack deeper than this is treated as corrupt; the walk ends there. */
const MAX_FRAMES = 2_000_000;

const hex = (v: bigint) => `0x${v.toString(16)}`;

interface WalkedFrame {
  physicalIndex: number;
  inline: boolean;
  pc: bigint;
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
    this.frame.writeUInt32LE(0, SF.InlineFrameContext); // INIT: report inline frames
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
    const context = this.frame.readUInt32LE(SF.InlineFrameContext);
    const inline = isInlineContext(context, this.encoding);
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
    this.walked.push({
      physicalIndex: this.physicalCount,
      inline,
      pc,
      ret: this.frame.readBigUInt64LE(SF.AddrReturn),
      framePtr: this.frame.readBigUInt64LE(SF.AddrFrame),
      sp,
      context,
    });
    if (!inline) this.physicalCount++;
  }

  private resolve(f: WalkedFrame, index: number): RawFrame {
    if (f.resolved) return f.resolved;
    // A caller's PC is a return address: the call it returns from sits just
    // before it, so by-address lookups use PC-1 to stay in the calling line.
    const lookup = f.physicalIndex > 0 ? f.pc - 1n : f.pc;
    // Windows' contexts carry the RA flag and dbghelp adjusts by itself;
    // Wine's contexts are only mode and depth, so the address must be adjusted here.
    const contextAddress = this.encoding === 'wine' ? lookup : f.pc;
    const r = this.symbols.resolve(contextAddress, f.context, f.inline, lookup);
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
      displacement: r.displacement,
      module: mod?.name,
      moduleBase: mod ? hex(mod.base) : undefined,
      file: r.file,
      line: r.line,
      resolvedBy: r.resolvedBy,
    };
    return f.resolved;
  }
}
