/**
 * Runs in Windows Node (under Wine off Windows): the walker's memory cache
 * (native/engines/dbghelp/memoryCache.ts), reading this very process
 * through ReadProcessMemory, and reading through a stand-in for it that
 * refuses one page (Wine reads any mapped page of a process, whatever its
 * protection, so an unreadable page next to a readable one cannot be made
 * here for real). Writes what it read as JSON. Used by memoryCache.test.ts.
 */
import fs from 'node:fs';
import koffi from 'koffi';
import { MemoryCache, readProcessMemory, type RemoteRead } from '../../../native/engines/dbghelp/memoryCache';

const k32 = koffi.load('kernel32.dll');
const VirtualAlloc = k32.func('uint64_t __stdcall VirtualAlloc(uint64_t address, size_t size, uint32_t type, uint32_t protect)');
const MEM_COMMIT_RESERVE = 0x3000;
const PAGE_READWRITE = 0x04;
/** GetCurrentProcess(): ReadProcessMemory reads this process through it. */
const CURRENT_PROCESS = 0xffffffffffffffffn;
const BLOCK = 65536;
const PAGE = 4096;

function main(): void {
  const out = process.argv[2]!;
  // Three blocks of a pattern, at a block-aligned address (VirtualAlloc aligns to 64 KB).
  const base = Number(VirtualAlloc(0, 3 * BLOCK, MEM_COMMIT_RESERVE, PAGE_READWRITE));
  const mem = Buffer.from(koffi.view(base, 3 * BLOCK));
  for (let i = 0; i < mem.length; i++) mem[i] = (i * 7 + 3) & 0xff;
  const dst = Buffer.from(new ArrayBuffer(64));
  const dstAddress = Number(koffi.address(dst));
  const reads: number[] = [];
  const counting: RemoteRead = (p, address, into) => {
    reads.push(into.length);
    return readProcessMemory(p, address, into);
  };
  // Page 5 of the second block cannot be read.
  const hole = base + BLOCK + 5 * PAGE;
  const holey: RemoteRead = (p, address, into) => (address < hole + PAGE && address + into.length > hole ? false : readProcessMemory(p, address, into));
  const readWith = (cache: MemoryCache) => (at: number, size: number) => {
    dst.fill(0);
    const n = cache.copyTo(at, size, dstAddress);
    return { n, bytes: [...dst.subarray(0, size)] };
  };
  const expected = (at: number, size: number) => [...mem.subarray(at - base, at - base + size)];

  const read = readWith(new MemoryCache(CURRENT_PROCESS, counting));
  const inBlock = read(base + 100, 8);
  const sameBlockAgain = read(base + 5000, 8);
  const acrossBlocks = read(base + BLOCK - 5, 16);
  // The debuggee is frozen while stopped: what was read stays what the walk sees.
  mem[100] ^= 0xff;
  const afterChange = read(base + 100, 8);
  mem[100] ^= 0xff;
  const nullPage = read(0x10, 8);

  const readHoley = readWith(new MemoryCache(CURRENT_PROCESS, holey));
  const beforeHole = readHoley(hole - 8, 8);
  const intoHole = readHoley(hole - 4, 8);
  const inHole = readHoley(hole + 16, 8);
  const afterHole = readHoley(hole + PAGE, 8);

  fs.writeFileSync(out, JSON.stringify({
    remoteReads: reads,
    inBlock: { ...inBlock, expected: expected(base + 100, 8) },
    sameBlockAgain: { ...sameBlockAgain, expected: expected(base + 5000, 8) },
    acrossBlocks: { ...acrossBlocks, expected: expected(base + BLOCK - 5, 16) },
    afterChange: { ...afterChange, expected: expected(base + 100, 8) },
    nullPage,
    beforeHole: { ...beforeHole, expected: expected(hole - 8, 8) },
    intoHole: { ...intoHole, expected: expected(hole - 4, 4) },
    inHole,
    afterHole: { ...afterHole, expected: expected(hole + PAGE, 8) },
  }));
}

try {
  main();
} catch (e) {
  fs.writeFileSync(process.argv[2]!, JSON.stringify({ error: String((e as Error).stack ?? e) }));
}
