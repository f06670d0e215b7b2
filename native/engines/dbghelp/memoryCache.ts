/**
 * The debuggee's memory as StackWalkEx reads it, for one stop.
 *
 * StackWalkEx reads the stack and the code's unwind data through a
 * ReadProcessMemory routine, in small pieces: 16 reads of 1 to 8 bytes per
 * physical frame under Wine (measured). Each read of another process goes
 * through the kernel, under Wine through the wineserver, about 70 µs a
 * read: without this cache a walk spent ~99% of its time there (1 ms a
 * frame). The debuggee is frozen while it is stopped, so the walker reads
 * 64 KB at a time, once, and serves every small read from that copy.
 *
 * The routine is a JavaScript callback, called ~16 times a frame, so it is
 * kept lean (measured under Wine, per call: a koffi callback ~0.35 µs, a
 * koffi call of RtlMoveMemory ~0.05 µs, koffi.encode ~0.5 µs, a BigInt per
 * pointer argument): its pointers arrive as numbers, and the bytes and the
 * count are both stored with RtlMoveMemory.
 *
 * A cache lives as long as its StackWalker: one thread's stack at one stop.
 * The engine drops walkers when the debuggee resumes, and with them this.
 */
import koffi from 'koffi';
import { ReadMemoryRoutine } from '../../win32/dbghelp';
import { k32, type Handle } from '../../win32/kernel32';

const PAGE = 4096;
/** Read this much around a miss (aligned); where part of it cannot be read, page by page. */
const BLOCK = 65536;
const PAGES_PER_BLOCK = BLOCK / PAGE;
const ALL_PAGES = (1 << PAGES_PER_BLOCK) - 1;
/** Addresses at or above this cannot be user-mode memory (and would lose precision as numbers). */
const ADDRESS_LIMIT = 2 ** 53;

const kernel32 = koffi.load('kernel32.dll');
/** memmove between native addresses given as numbers (no Buffer or BigInt is made per read). */
const RtlMoveMemory = kernel32.func('void __stdcall RtlMoveMemory(uint64_t dst, uint64_t src, size_t n)');

/** Reads `into.length` bytes of a process at `address`; true when all of them could be read. */
export type RemoteRead = (process: Handle, address: number, into: Buffer) => boolean;

export const readProcessMemory: RemoteRead = (process, address, into) => {
  const read = [0n];
  return !!k32.ReadProcessMemory(process, BigInt(address), into, BigInt(into.length), read) && Number(read[0]) === into.length;
};

interface Block {
  data: Buffer;
  /** Native address of `data`. */
  address: number;
  /** Bit i set: page i of the block was read. */
  valid: number;
}

export class MemoryCache {
  private readonly blocks = new Map<number, Block>();

  constructor(private readonly process: Handle, private readonly readRemote: RemoteRead = readProcessMemory) {}

  /** Copies `size` bytes at `address` to native memory at `dst`; returns how many could be copied. */
  copyTo(address: number, size: number, dst: number): number {
    if (address < 0 || address + size > ADDRESS_LIMIT) return 0;
    const index = Math.floor(address / BLOCK);
    const off = address - index * BLOCK;
    const block = this.blocks.get(index) ?? this.load(index);
    if (off + size <= BLOCK && (block.valid === ALL_PAGES || covers(block.valid, off, size))) {
      RtlMoveMemory(dst, block.address + off, size);
      return size;
    }
    return this.copySlow(address, size, dst);
  }

  /** Reads that cross a block or touch an unreadable page: page by page, up to the first hole. */
  private copySlow(address: number, size: number, dst: number): number {
    let done = 0;
    while (done < size) {
      const at = address + done;
      const index = Math.floor(at / BLOCK);
      const off = at - index * BLOCK;
      const block = this.blocks.get(index) ?? this.load(index);
      const n = Math.min(PAGE - (off % PAGE), size - done);
      if (!covers(block.valid, off, n)) break;
      RtlMoveMemory(dst + done, block.address + off, n);
      done += n;
    }
    return done;
  }

  private load(index: number): Block {
    const data = Buffer.alloc(BLOCK);
    const base = index * BLOCK;
    let valid = 0;
    if (this.readRemote(this.process, base, data)) valid = ALL_PAGES;
    else {
      for (let i = 0; i < PAGES_PER_BLOCK; i++) {
        if (this.readRemote(this.process, base + i * PAGE, data.subarray(i * PAGE, (i + 1) * PAGE))) valid |= 1 << i;
      }
    }
    const block = { data, address: Number(koffi.address(data)), valid };
    this.blocks.set(index, block);
    return block;
  }

}

function covers(valid: number, off: number, size: number): boolean {
  for (let p = off >> 12, last = (off + size - 1) >> 12; p <= last; p++) if (!(valid & (1 << p))) return false;
  return true;
}

/**
 * dbghelp calls the routine on the thread that called StackWalkEx, during
 * that call, so one registered routine serves every walker: the walker sets
 * `active` before each StackWalkEx call.
 */
let active: MemoryCache | undefined;
let routine: bigint | undefined;
/**
 * The count handed back, and its native address. Made from an ArrayBuffer
 * so that its memory is off V8's heap and never moves (V8 may keep a small
 * typed array's bytes on its heap).
 */
const count = Buffer.from(new ArrayBuffer(8));
let countAddress = 0;

/** The PREAD_PROCESS_MEMORY_ROUTINE64 to hand StackWalkEx, reading through `cache`. */
export function readRoutineFor(cache: MemoryCache): bigint {
  active = cache;
  if (routine === undefined) {
    countAddress = Number(koffi.address(count));
    routine = koffi.register((_process: number, address: number | bigint, buffer: number | bigint, size: number, read: number | bigint) => {
      // Numbers unless above 2^53, which no user-mode address is.
      const n = active && size > 0 && typeof address === 'number' && typeof buffer === 'number' ? active.copyTo(address, size, buffer) : 0;
      if (read && typeof read === 'number') {
        count.writeUInt32LE(n, 0);
        RtlMoveMemory(read, countAddress, 4);
      }
      return n === size ? 1 : 0;
    }, koffi.pointer(ReadMemoryRoutine));
  }
  return routine;
}
