/**
 * What the step-into-target rule (native/engines/stepInTargets.ts) needs
 * to know of a function's code, read from dbghelp and the code bytes:
 * instruction by instruction, the inline sites there, each level's line,
 * and where a call instruction goes. Shared by both engines: the dbgeng
 * engine asks the dbghelp session dbgeng keeps for its process.
 */
import { Decoder, DecoderOptions, FlowControl, Mnemonic, OpKind, Register } from 'iced-x86';
import type { CodeSpot } from '../engines/stepInTargets';
import type { Site } from '../engines/stepping';
import type { SymbolLookup } from './symbolLookup';

/** Wine's context of a physical frame (mode regular). */
const WINE_REGULAR = 0x80000000;
/** Longer functions are not swept (the answer would take too long to be worth it). */
const MAX_FUNCTION_BYTES = 64 * 1024;

/**
 * The context that names the physical function's own line at an address
 * with `contexts` (innermost first) inline frames: the line of its call of
 * the outermost inlined function there. Windows' encoding (seed 004: an
 * inline frame 0x25ed0200 over the physical 0x25ed0100) keeps the
 * signature and frame id and sets the frame type to STACK; Wine's is its
 * regular mode.
 */
function physicalContext(contexts: number[], wine: boolean): number | undefined {
  if (wine) return WINE_REGULAR;
  const outermost = contexts[contexts.length - 1];
  return outermost === undefined ? undefined : ((outermost & 0xffff00ff) | 0x0100) >>> 0;
}

/**
 * The spots of the physical function holding `pc`. `readCode`: the
 * program's own bytes (breakpoints hidden); `readPointer`: a pointer of
 * the debuggee's memory (an import's address slot), undefined when unreadable.
 */
export function codeSpots(lookup: SymbolLookup, pc: bigint, readCode: (address: bigint, size: number) => Buffer, readPointer: (address: bigint) => bigint | undefined): CodeSpot[] {
  const range = lookup.symbolRange(pc);
  if (!range || range.end - range.start > BigInt(MAX_FUNCTION_BYTES)) return [];
  const code = readCode(range.start, Number(range.end - range.start));
  const decoder = new Decoder(64, new Uint8Array(code), DecoderOptions.None);
  decoder.ip = range.start;
  const spots: CodeSpot[] = [];
  try {
    while (decoder.canDecode) {
      const insn = decoder.decode();
      const address = insn.ip;
      const isCall = insn.flowControl === FlowControl.Call || insn.flowControl === FlowControl.IndirectCall;
      let destination: bigint | undefined;
      if (isCall && insn.mnemonic === Mnemonic.Call) {
        if (insn.op0Kind === OpKind.NearBranch64) destination = insn.nearBranch64;
        // call [rip+disp]: through an import's address slot.
        else if (insn.op0Kind === OpKind.Memory && insn.memoryBase === Register.RIP) destination = readPointer(insn.memoryDisplacementU64);
      }
      insn.free();
      spots.push(spotAt(lookup, address, destination));
    }
  } finally {
    decoder.free();
  }
  return spots;
}

/**
 * The inline sites at an address, outermost first, each by its name and
 * the start of its inlined copy (the address less the displacement dbghelp
 * measures from it): how stepping and the target search tell copies apart.
 */
export function inlineChainAt(lookup: SymbolLookup, address: bigint, contexts = lookup.inlineContextsAt(address)): Site[] {
  return contexts.map((ctx) => {
    const n = lookup.nameByInlineContext(address, ctx);
    return { name: n?.name ?? '?', start: n ? address - BigInt(n.displacement) : 0n };
  }).reverse();
}

function spotAt(lookup: SymbolLookup, address: bigint, destination: bigint | undefined): CodeSpot {
  const contexts = lookup.inlineContextsAt(address);
  const chain = inlineChainAt(lookup, address, contexts);
  const physical = contexts.length ? physicalContext(contexts, lookup.wine) : undefined;
  // Each level's line is the one its context names; the physical function's, the call of the outermost inlined one.
  const lines: (number | undefined)[] = [];
  lines.push((physical === undefined ? lookup.lineByOffset(address) : lookup.lineByInlineContext(address, physical))?.line);
  for (let i = contexts.length - 1; i >= 0; i--) lines.push(lookup.lineByInlineContext(address, contexts[i]!)?.line);
  const spot: CodeSpot = { address, chain, lines };
  if (destination !== undefined) {
    const callee = lookup.nameByOffset(destination);
    if (callee && callee.displacement === 0 && lookup.lineByOffset(destination)) spot.call = { address: destination, name: callee.name };
  }
  return spot;
}
