/**
 * WinDbg commands in the Debug Console, for the dbghelp engine (the dbgeng
 * engine runs its own commands through ExecuteWide). The set is small and
 * documented; anything else gets a clear "not supported" naming the set.
 */
import type { EngineClient } from '../../native/api';
import { decodeInlineContext, hex32 } from '../../native/api';
import { disassemble } from '../disassembly';
import type { PathMapper } from '../paths';
import type { SourceOf } from '../stack/sources';
import { functionName } from '../stack/frameNames';
import { formatStack } from '../stack/stackText';

export const SUPPORTED_COMMANDS = 'k, kn, kv, .frame [n], dv, lm, r, db/dw/dd/dq <address> [L<count>], u [address] [L<count>], bl, bp <function>, bc <id|*>, .inline [0|1]';

export interface ConsoleState {
  engine: EngineClient;
  paths: PathMapper;
  sourceOf: SourceOf;
  threadId: number;
  /** The frame commands act on; `.frame N` sets it for the rest of the stop. */
  frameIndex: number;
  inlineShown: boolean;
  modules: { name: string; path: string; base: string; symbolStatus: string }[];
  breakpoints: { id: number; where: string; verified: boolean; addresses: string[] }[];
  addFunctionBreakpoint(name: string): Promise<string>;
  clearConsoleBreakpoints(which: string): Promise<string>;
}

/** `.frame N`'s frame number (hex, as k prints it), or undefined when the text is not `.frame` with one. */
export function frameCommand(text: string): number | undefined {
  const m = /^\s*\.frame\s+(?:0x)?([0-9a-f]+)\s*$/i.exec(text);
  return m ? parseInt(m[1]!, 16) : undefined;
}

const hex = (v: bigint, width = 16) => v.toString(16).padStart(width, '0');

/** Runs a console command; undefined when the text is not one (then it is an expression). */
export async function runCommand(text: string, st: ConsoleState): Promise<string | undefined> {
  const [cmd = '', ...rest] = text.trim().split(/\s+/);
  const arg = rest.join(' ');
  switch (cmd.toLowerCase()) {
    case 'k':
    case 'kn':
    case 'kv':
      return stackText(st, cmd.toLowerCase());
    case '.frame': {
      if (arg) {
        const n = frameCommand(text);
        if (n === undefined) return `.frame takes a frame number (hex, as k prints it), not "${arg}".`;
        const page = await st.engine.stackFrames(st.threadId, n, 1);
        if (!page.frames.length) return `There is no frame ${arg}.`;
        st.frameIndex = n;
      }
      const [f] = (await st.engine.stackFrames(st.threadId, st.frameIndex, 1)).frames;
      return f ? `${hex(BigInt(st.frameIndex), 2)} ${f.module ? `${f.module}!` : ''}${functionName(f)}${f.inline ? ' (Inline)' : ''}` : 'No frame.';
    }
    case 'dv':
      return localsText(st);
    case 'lm':
      return ['start             module name', ...st.modules.map((m) => `${hex(BigInt(m.base))}  ${m.name.padEnd(12)} (${m.symbolStatus})  ${st.paths.toClient(m.path)}`)].join('\n');
    case 'r':
      return (await st.engine.registers(st.threadId)).map((r) => `${r.name}=${hex(BigInt(r.value))}`).join('\n');
    case 'db':
    case 'dw':
    case 'dd':
    case 'dq':
      return dumpMemory(st, cmd.toLowerCase(), arg);
    case 'u':
      return unassemble(st, arg);
    case 'bl':
      return st.breakpoints.length
        ? st.breakpoints.map((b) => `${String(b.id).padStart(3)} ${b.verified ? 'e' : 'u'} ${b.addresses.join(' ').padEnd(18)} ${b.where}`).join('\n')
        : 'No breakpoints.';
    case 'bp':
      return arg ? st.addFunctionBreakpoint(arg) : 'bp takes a function name, for example: bp main';
    case 'bc':
      return arg ? st.clearConsoleBreakpoints(arg) : 'bc takes the id of a breakpoint set with bp (see bl), or *.';
    case '.inline':
      if (arg === '0' || arg === '1') st.inlineShown = arg === '1';
      else if (arg) return '.inline takes 0 (hide inline frames) or 1 (show them).';
      return `Include inline function queries is "${st.inlineShown ? 'enabled' : 'disabled'}".`;
    default:
      if (/^[.!~|]|^(bu|bm|ba|dt|x|g|p|t|gu|lsa|ln|s|e[bwdq]?)$/i.test(cmd)) {
        return `"${cmd}" is not supported by the dbghelp engine. Supported: ${SUPPORTED_COMMANDS}.`;
      }
      return undefined;
  }
}

/** `dv`: the frame's parameters, then its locals, as WinDbg lines them up (an inline frame's own). */
async function localsText(st: ConsoleState): Promise<string> {
  const values = await st.engine.variables(st.threadId, st.frameIndex);
  if (!values.length) return 'No locals or parameters in this frame.';
  const ordered = [...values.filter((v) => v.kind === 'parameter'), ...values.filter((v) => v.kind !== 'parameter')];
  const width = Math.max(...ordered.map((v) => v.name.length));
  return ordered.map((v) => `${v.name.padStart(width)} = ${v.value}`).join('\n');
}

async function stackText(st: ConsoleState, cmd: string): Promise<string> {
  const frames = [];
  for (let at = 0; ; at += 256) {
    const page = await st.engine.stackFrames(st.threadId, at, 256);
    frames.push(...page.frames);
    if (page.complete || page.frames.length < 256) break;
  }
  const { inlineContextEncoding } = await st.engine.describe();
  const shown = st.inlineShown ? frames : frames.filter((f) => !f.inline);
  const rows = shown.map((f, i) => ({
    index: i, inline: f.inline, name: functionName(f), displacement: f.displacement, module: f.module,
    file: f.file ? st.paths.toClient(f.file) : undefined, line: f.line, stackOffset: f.stackOffset, returnOffset: f.returnOffset,
  }));
  let text = formatStack(rows);
  if (cmd === 'kv') {
    // kv adds what WinDbg's frame-data columns would: here, the raw inline context and its decoding.
    text += '\n\n # InlineFrameContext  decoded\n' + shown.map((f, i) => {
      const d = decodeInlineContext(f.inlineFrameContext, inlineContextEncoding);
      const parts = d.encoding === 'windows' ? `FrameId ${d.frameId} FrameType ${d.frameTypeNames.join('|')} Signature 0x${d.frameSignature.toString(16)}` : `${d.mode} depth ${d.depth}`;
      return `${hex(BigInt(i), 2)} ${hex32(f.inlineFrameContext)}            ${parts}`;
    }).join('\n');
  }
  if (cmd === 'k') text = text.split('\n').map((l, i) => (i === 0 ? l.replace(/^ #/, '  ') : l)).join('\n');
  return text;
}

function parseAddressAndCount(arg: string, fallbackCount: number): { address?: bigint; count: number } {
  const m = /^(?:0x)?([0-9a-f`]+)?(?:\s+[lL](?:0x)?([0-9a-f]+))?$/i.exec(arg.trim());
  if (!m) return { count: fallbackCount };
  return {
    address: m[1] ? BigInt(`0x${m[1].replace(/`/g, '')}`) : undefined,
    count: m[2] ? parseInt(m[2], 16) : fallbackCount,
  };
}

async function dumpMemory(st: ConsoleState, cmd: string, arg: string): Promise<string> {
  const unit = { db: 1, dw: 2, dd: 4, dq: 8 }[cmd]!;
  const { address, count } = parseAddressAndCount(arg, 128 / unit);
  if (address === undefined) return `${cmd} takes an address, for example: ${cmd} 0x140001000 L10`;
  const block = await st.engine.readMemory(`0x${address.toString(16)}`, count * unit);
  const bytes = Buffer.from(block.data, 'base64');
  const lines: string[] = [];
  for (let off = 0; off < bytes.length; off += 16) {
    const chunk = bytes.subarray(off, off + 16);
    const cells: string[] = [];
    for (let i = 0; i + unit <= chunk.length; i += unit) {
      const v = unit === 1 ? chunk.readUInt8(i) : unit === 2 ? chunk.readUInt16LE(i) : unit === 4 ? chunk.readUInt32LE(i) : chunk.readBigUInt64LE(i);
      cells.push(v.toString(16).padStart(unit * 2, '0'));
    }
    const ascii = unit === 1 ? '  ' + [...chunk].map((b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.')).join('') : '';
    lines.push(`${hex(address + BigInt(off))}  ${cells.join(' ')}${ascii}`);
  }
  if (block.unreadable) lines.push(`${hex(address + BigInt(bytes.length))}  ?? (${block.unreadable} bytes could not be read)`);
  return lines.join('\n');
}

async function unassemble(st: ConsoleState, arg: string): Promise<string> {
  const parsed = parseAddressAndCount(arg, 8);
  const count = parsed.count;
  let address = parsed.address;
  if (address === undefined) {
    const [f] = (await st.engine.stackFrames(st.threadId, st.frameIndex, 1)).frames;
    if (!f) return 'u needs an address (no frame is selected).';
    address = BigInt(f.instructionOffset);
  }
  const body = await disassemble(st.engine, st.sourceOf, { memoryReference: `0x${address.toString(16)}`, instructionCount: count });
  return body!.instructions.map((i) => `${i.symbol && i.line ? `${i.symbol} [${i.location?.name ?? ''} @ ${i.line}]:\n` : ''}${hex(BigInt(i.address))} ${(i.instructionBytes ?? '').replace(/ /g, '').padEnd(20)} ${i.instruction}`).join('\n');
}
