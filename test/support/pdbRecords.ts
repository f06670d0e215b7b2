/**
 * Test expectations from a PDB's own records, decoded here, independently of
 * any debugger: which functions (inline ones too) and lines an address is in.
 *
 * The records come from `llvm-pdbutil dump` (text; parsed below): procedures
 * (S_GPROC32/S_LPROC32) with their line tables (the lines subsection), and
 * the S_INLINESITE records nested in them, with the inlinee's name (IPI
 * stream: LF_FUNC_ID / LF_MFUNC_ID), its first line and file (inlinee lines
 * subsection) and its binary annotations. The annotations are decoded as
 * CodeView defines them: an annotation that moves the code offset starts a
 * row at the current line (a line change alone starts none); a code length
 * ends the open row and moves the offset past it (a gap may follow); code
 * offsets count from the procedure's start; lines start at the inlinee's
 * first line. A site's rows also cover the code of the sites nested in it,
 * with the line of the call: that is how a caller's line is known.
 *
 * Not llvm-symbolizer: LLVM 14's reads these rows one step early (from one
 * byte past a row's start it reports the next row's line).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/** Part of a function's line table: [rva, end) is at `line` of `file`. */
export interface Row {
  rva: number;
  end: number;
  line: number;
  file: string;
}

export interface InlineSite {
  /** The inlined function (class or scope qualified, as the IPI stream names it). */
  function: string;
  /** The physical procedure the site is in. */
  procedure: string;
  /** The site this one is nested in; undefined when it is directly in the procedure. */
  parent: InlineSite | undefined;
  rows: Row[];
}

export interface Frame {
  function: string;
  line: number;
  file: string;
  inline: boolean;
  /**
   * Only on the physical frame: its line table has no row at this address
   * (LLVM 14 starts a procedure's table at its first own line, so code of
   * an inlined call that comes first has none), and `line` is the table's
   * first row, which there is the line of that call.
   */
  beforeFirstRow?: true;
}

export interface LineRange extends Row {
  function: string;
  inline: boolean;
}

interface Procedure {
  name: string;
  mod: string;
  rva: number;
  end: number;
  rows: Row[];
  sites: InlineSite[];
}

interface Records {
  procedures: Procedure[];
}

/**
 * The frames at `rva`, innermost first: each inline site containing it (the
 * inlinee at its row's line; its caller's row there is the call's line),
 * then the physical procedure (its line table's row).
 */
export function inlineChainAt(pdb: string, rva: number): Frame[] {
  const proc = procedureAt(pdb, rva);
  const sites = proc.sites.filter((s) => rowAt(s.rows, rva)).sort((a, b) => depth(b) - depth(a));
  sites.forEach((s, i) => {
    if (s.parent !== sites[i + 1]) throw new Error(`${pdb}: the inline sites at 0x${hex(rva)} do not nest (${sites.map((x) => x.function).join(', ')})`);
  });
  const frames: Frame[] = sites.map((s) => {
    const row = rowAt(s.rows, rva)!;
    return { function: s.function, line: row.line, file: row.file, inline: true };
  });
  const row = rowAt(proc.rows, rva);
  if (row) frames.push({ function: proc.name, line: row.line, file: row.file, inline: false });
  else if (proc.rows.length > 0 && rva < proc.rows[0]!.rva) frames.push({ function: proc.name, line: proc.rows[0]!.line, file: proc.rows[0]!.file, inline: false, beforeFirstRow: true });
  else throw new Error(`${pdb}: ${proc.name}'s line table has no row at 0x${hex(rva)}`);
  return frames;
}

/** A Call Stack row as the records say a debugger must show it. */
export interface ShownFrame {
  name: string;
  inline: boolean;
  /** Undefined where the records give the address no line (a physical frame before its table's first row). */
  line: number | undefined;
}

/**
 * The rows a debugger shows for a stack whose physical frames are at
 * `addresses` (the stop's instruction pointer, then return addresses), in a
 * module loaded at `base`: each frame's inline chain, innermost first. A
 * caller is looked up at its return address - 1, the call instruction, as
 * debuggers do: the return address may already be the next line.
 */
export function stackShownAt(pdb: string, base: number, addresses: bigint[]): ShownFrame[] {
  return addresses.flatMap((address, i) => {
    const rva = Number(address - BigInt(base)) - (i > 0 ? 1 : 0);
    return inlineChainAt(pdb, rva).map((f) => ({ name: f.function, inline: f.inline, line: f.beforeFirstRow ? undefined : f.line }));
  });
}

/**
 * Every row of `line` in `file` (an absolute path, or its end such as
 * "sample.c"): the procedures' line tables and the inline sites' rows,
 * call-site rows of a caller included, in address order.
 */
export function rangesOfLine(pdb: string, file: string, line: number): LineRange[] {
  const out: LineRange[] = [];
  for (const proc of records(pdb).procedures) {
    for (const r of proc.rows) if (r.line === line && sameFile(r.file, file)) out.push({ ...r, function: proc.name, inline: false });
    for (const s of proc.sites) for (const r of s.rows) if (r.line === line && sameFile(r.file, file)) out.push({ ...r, function: s.function, inline: true });
  }
  return out.sort((a, b) => a.rva - b.rva);
}

/** Every inline site, decoded. */
export function inlineSites(pdb: string): InlineSite[] {
  return records(pdb).procedures.flatMap((p) => p.sites);
}

/** The preferred load address of a PE image (exe or dll): virtual address = imageBase + rva. */
export function imageBase(image: string): number {
  const b = fs.readFileSync(image).subarray(0, 4096);
  const pe = b.readUInt32LE(0x3c);
  if (b.toString('latin1', pe, pe + 4) !== 'PE\0\0') throw new Error(`${image} is not a PE image`);
  const opt = pe + 24;
  const magic = b.readUInt16LE(opt);
  if (magic === 0x20b) return Number(b.readBigUInt64LE(opt + 24));
  if (magic === 0x10b) return b.readUInt32LE(opt + 28);
  throw new Error(`${image}: unknown optional header magic 0x${hex(magic)}`);
}

function procedureAt(pdb: string, rva: number): Procedure {
  const proc = records(pdb).procedures.find((p) => p.rva <= rva && rva < p.end);
  if (!proc) throw new Error(`${pdb}: no procedure contains 0x${hex(rva)}`);
  return proc;
}

const rowAt = (rows: Row[], rva: number) => rows.find((r) => r.rva <= rva && rva < r.end);
const depth = (s: InlineSite): number => (s.parent ? depth(s.parent) + 1 : 0);
const hex = (n: number) => n.toString(16).toUpperCase();

function sameFile(recorded: string, wanted: string): boolean {
  const r = recorded.replace(/\\/g, '/');
  const w = wanted.replace(/\\/g, '/');
  return path.isAbsolute(wanted) ? path.posix.normalize(r) === path.posix.normalize(w) : r === w || r.endsWith(`/${w}`);
}

// --- parsing llvm-pdbutil's text ---------------------------------------------

const cache = new Map<string, { mtimeMs: number; records: Records }>();

function records(pdb: string): Records {
  const key = path.resolve(pdb);
  const { mtimeMs } = fs.statSync(key);
  const hit = cache.get(key);
  if (hit && hit.mtimeMs === mtimeMs) return hit.records;
  const text = execFileSync('llvm-pdbutil', ['dump', '-section-headers', '-l', '-il', '-symbols', '-ids', '-types', key], { encoding: 'utf8', maxBuffer: 1 << 30 });
  const parsed = parse(text, key);
  cache.set(key, { mtimeMs, records: parsed });
  return parsed;
}

/** The dump's sections by title (the line above a row of '='). */
function sections(text: string): Map<string, string[]> {
  const lines = text.split('\n');
  const out = new Map<string, string[]>();
  let current: string[] = [];
  lines.forEach((l, i) => {
    if (/^=+$/.test(l)) return;
    if (/^=+$/.test(lines[i + 1] ?? '')) out.set(l.trim(), (current = []));
    else current.push(l);
  });
  return out;
}

/** "path (MD5: ...)" -> "path". */
const stripChecksum = (s: string) => s.replace(/ \((?:None|MD5|SHA1|SHA256)\b[^)]*\)$/, '');

function parse(text: string, pdb: string): Records {
  const sec = sections(text);
  const part = (title: string) => {
    const s = sec.get(title);
    if (!s) throw new Error(`llvm-pdbutil printed no "${title}" for ${pdb}`);
    return s;
  };

  // Section number -> RVA, to turn segment:offset into RVAs.
  const sectionRva = new Map<number, number>();
  let secNo = 0;
  for (const l of part('Section Headers')) {
    const h = /SECTION HEADER #(\d+)/.exec(l);
    if (h) secNo = Number(h[1]);
    const va = /^\s+([0-9A-F]+) virtual address$/.exec(l);
    if (va) sectionRva.set(secNo, parseInt(va[1]!, 16));
  }
  const rvaOf = (seg: number, off: number) => {
    const base = sectionRva.get(seg);
    if (base === undefined) throw new Error(`${pdb}: no section ${seg}`);
    return base + off;
  };

  // Names: class and struct names (TPI), then function ids (IPI).
  const typeNames = new Map<number, string>();
  for (const l of part('Types (TPI Stream)')) {
    const m = /^\s*0x([0-9A-F]+) \| LF_(?:CLASS|STRUCTURE|UNION|INTERFACE) \[size = \d+\] `(.*)`/.exec(l);
    if (m) typeNames.set(parseInt(m[1]!, 16), m[2]!);
  }
  const ids = part('Types (IPI Stream)');
  const strings = new Map<number, string>();
  for (const l of ids) {
    const m = /^\s*0x([0-9A-F]+) \| LF_STRING_ID \[size = \d+\] ID: .*?, String: (.*)$/.exec(l);
    if (m) strings.set(parseInt(m[1]!, 16), m[2]!);
  }
  const funcNames = new Map<number, string>();
  ids.forEach((l, i) => {
    const m = /^\s*0x([0-9A-F]+) \| LF_(M?)FUNC_ID /.exec(l);
    const d = m && /^\s*name = (.*), type = 0x[0-9A-F]+, (?:parent scope|class type) = (?:<no type>|0x([0-9A-F]+))$/.exec(ids[i + 1] ?? '');
    if (!m || !d) return;
    const scope = d[2] === undefined ? undefined : (m[2] ? typeNames : strings).get(parseInt(d[2], 16));
    funcNames.set(parseInt(m[1]!, 16), scope ? `${scope}::${d[1]}` : d[1]!);
  });

  // Inlinee first lines, per module.
  const inlinees = new Map<string, { line: number; file: string }>();
  let mod = '';
  for (const l of part('Inlinee Lines')) {
    const m = /^\s*Mod (\d+) \|/.exec(l);
    if (m) mod = m[1]!;
    const e = /^\s+0x([0-9A-F]+) \|\s+(\d+) \| (.*)$/.exec(l);
    if (e) inlinees.set(`${mod}:${parseInt(e[1]!, 16)}`, { line: Number(e[2]), file: stripChecksum(e[3]!) });
  }

  // Line table entries, per module. (LLVM 14's llvm-pdbutil prints, for a
  // module without a debug stream, the previous module's lines again, with
  // "(unknown file name offset N)": entries count only for their module's
  // procedures.)
  const entries: { mod: string; rva: number; line: number; file: string }[] = [];
  let file = '';
  let seg = 0;
  let blockStart = 0;
  for (const l of part('Lines')) {
    const m = /^Mod (\d+) \|/.exec(l);
    if (m) mod = m[1]!;
    if (m || l.trim() === '') continue;
    if (!/^\s/.test(l)) {
      file = stripChecksum(l);
      continue;
    }
    const b = /^\s+(\d+):([0-9A-F]+)-([0-9A-F]+), line\/addr entries = \d+/.exec(l);
    if (b) {
      seg = Number(b[1]);
      blockStart = parseInt(b[2]!, 16);
      continue;
    }
    for (const e of l.matchAll(/(\d+)(?::\d+)? ([0-9A-F]{8})\b/g)) {
      const line = Number(e[1]);
      const off = parseInt(e[2]!, 16);
      if (off < blockStart) throw new Error(`${pdb}: line entry before its block in "${l.trim()}"`);
      if (line < 0xf00000) entries.push({ mod, rva: rvaOf(seg, off), line, file }); // 0xFEEFEE & co: hidden code
    }
  }
  entries.sort((a, b) => a.rva - b.rva);

  // Symbols: procedures and the inline sites nested in them.
  // owner: the procedure a procedure, block or site record is in; site: the site record's own.
  type Sym = { kind: string; name: string; parent: number; owner?: Procedure; site?: InlineSite; decode?: (l: string) => void; finish?: () => void };
  const procedures: Procedure[] = [];
  let syms = new Map<number, Sym>();
  let current: Sym | undefined;
  const endRecord = () => {
    current?.finish?.();
    current = undefined;
  };
  for (const l of part('Symbols')) {
    const m = /^\s*Mod (\d+) \|/.exec(l);
    if (m) {
      endRecord();
      mod = m[1]!;
      syms = new Map();
      continue;
    }
    const r = /^\s*(\d+) \| (S_\w+) \[size = \d+\](?: `(.*)`)?/.exec(l);
    if (r) {
      endRecord();
      current = { kind: r[2]!, name: r[3] ?? '', parent: -1 };
      syms.set(Number(r[1]), current);
      continue;
    }
    if (!current) continue;
    if (current.decode) {
      current.decode(l);
      continue;
    }
    const p = /^\s*parent = (\d+), end = \d+(?:, addr = (\d+):(\d+), code size = (\d+))?/.exec(l);
    if (p && current.parent < 0) {
      current.parent = Number(p[1]);
      current.owner = syms.get(current.parent)?.owner;
      if (/^S_[GL]PROC32(_ID)?$/.test(current.kind) && p[2]) {
        const start = rvaOf(Number(p[2]), Number(p[3]));
        current.owner = { name: current.name, mod, rva: start, end: start + Number(p[4]), rows: [], sites: [] };
        procedures.push(current.owner);
      }
      continue;
    }
    const s = /^\s*inlinee = 0x([0-9A-F]+)(?: \((.*)\))?, parent = (\d+), end = \d+$/.exec(l);
    if (s && current.kind === 'S_INLINESITE') {
      current.parent = Number(s[3]);
      let up = syms.get(current.parent);
      const owner = up?.owner;
      while (up && !up.site && !/^S_[GL]PROC32/.test(up.kind)) up = syms.get(up.parent); // up through S_BLOCK32 & co
      const id = parseInt(s[1]!, 16);
      if (!owner) throw new Error(`${pdb}: S_INLINESITE of 0x${hex(id)} outside a procedure`);
      const first = inlinees.get(`${mod}:${id}`);
      if (!first) throw new Error(`${pdb}: no inlinee line for 0x${hex(id)} (${s[2]}) in module ${mod}`);
      const site: InlineSite = { function: funcNames.get(id) ?? s[2] ?? `0x${hex(id)}`, procedure: owner.name, parent: up?.site, rows: [] };
      current.owner = owner;
      owner.sites.push(site);
      current.site = site;
      const decoder = annotationDecoder(site, owner.rva, first, pdb);
      current.decode = decoder.line;
      current.finish = decoder.finish;
    }
  }
  endRecord();

  // Each procedure's line table: its entries, each up to the next (or the procedure's end).
  for (const proc of procedures) {
    const mine = entries.filter((e) => e.mod === proc.mod && proc.rva <= e.rva && e.rva < proc.end);
    proc.rows = mine.map((e, i) => ({ rva: e.rva, end: mine[i + 1]?.rva ?? proc.end, line: e.line, file: e.file })).filter((r) => r.end > r.rva);
  }
  procedures.sort((a, b) => a.rva - b.rva);
  return { procedures };
}

/**
 * Decodes one S_INLINESITE's annotations, as llvm-pdbutil prints them: the
 * bytes (whose first one is the opcode), then what they say, e.g.
 *   0B29      code 0xC (+0x9) line 4 (+1)
 * Decoded from the opcode and the deltas; llvm-pdbutil's running values
 * (0xC, 4) are only checked against ours.
 */
function annotationDecoder(site: InlineSite, procRva: number, first: { line: number; file: string }, pdb: string) {
  let code = 0;
  let line = first.line;
  let open: { start: number; line: number } | undefined;
  const where = () => `${pdb}: inline site of ${site.function} in ${site.procedure}`;
  const close = (end: number) => {
    if (open && end > open.start) site.rows.push({ rva: procRva + open.start, end: procRva + end, line: open.line, file: first.file });
    open = undefined;
  };
  const moveCode = (delta: number) => {
    code += delta;
    close(code);
    open = { start: code, line };
  };
  const codeLength = (length: number) => {
    close(code + length);
    code += length;
  };
  return {
    line(l: string) {
      const a = /^\s+([0-9A-F]{2,})(?:\s+(.*))?$/.exec(l);
      if (!a) throw new Error(`${where()}: unexpected line "${l.trim()}"`);
      const op = parseInt(a[1]!.slice(0, 2), 16);
      const said = a[2] ?? '';
      const codes = [...said.matchAll(/code 0x([0-9A-F]+) \(\+0x([0-9A-F]+)\)/g)].map((m) => ({ at: parseInt(m[1]!, 16), delta: parseInt(m[2]!, 16) }));
      const ends = [...said.matchAll(/code end 0x([0-9A-F]+) \(\+0x([0-9A-F]+)\)/g)].map((m) => ({ at: parseInt(m[1]!, 16), length: parseInt(m[2]!, 16) }));
      const lines = [...said.matchAll(/line (-?\d+) \(([+-])(\d+)\)/g)].map((m) => ({ at: Number(m[1]), delta: (m[2] === '-' ? -1 : 1) * Number(m[3]) }));
      const check = (ok: boolean) => {
        if (!ok) throw new Error(`${where()}: decoding "${l.trim()}" gave code 0x${hex(code)}, line ${line}`);
      };
      const need = (c: number, e: number, n: number) => check(codes.length === c && ends.length === e && lines.length === n);
      switch (op) {
        case 0x00: // invalid: padding
          return need(0, 0, 0);
        case 0x03: // ChangeCodeOffset
          need(1, 0, 0);
          moveCode(codes[0]!.delta);
          return check(code === codes[0]!.at);
        case 0x04: // ChangeCodeLength
          need(0, 1, 0);
          check(code + ends[0]!.length === ends[0]!.at);
          return codeLength(ends[0]!.length);
        case 0x06: // ChangeLineOffset: no row of its own
          need(0, 0, 1);
          line += lines[0]!.delta;
          return check(line - first.line === lines[0]!.at);
        case 0x0b: // ChangeCodeOffsetAndLineOffset
          need(1, 0, 1);
          line += lines[0]!.delta;
          moveCode(codes[0]!.delta);
          return check(code === codes[0]!.at && line - first.line === lines[0]!.at);
        case 0x0c: // ChangeCodeLengthAndCodeOffset: a row of that length
          need(1, 1, 0);
          moveCode(codes[0]!.delta);
          check(code === codes[0]!.at && code + ends[0]!.length === ends[0]!.at);
          return codeLength(ends[0]!.length);
        case 0x07: // ChangeLineEndDelta
        case 0x08: // ChangeRangeKind
        case 0x09: // ChangeColumnStart
        case 0x0a: // ChangeColumnEndDelta
        case 0x0d: // ChangeColumnEnd
          return; // no effect on rows
        default: // CodeOffset, ChangeCodeOffsetBase, ChangeFile: LLVM 14 emits none
          throw new Error(`${where()}: annotation opcode 0x${hex(op)} ("${said}") is not decoded here`);
      }
    },
    finish() {
      if (open) throw new Error(`${where()}: its last row has no code length`);
    },
  };
}
