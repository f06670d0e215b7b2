/**
 * The TypeScript side's ABI numbers against Microsoft's own headers: the
 * dbgeng.h and dbghelp.h of Microsoft.Debugging.Platform.DbgEng, which
 * setup fetches into .cache/ms-platform (platformHeadersDir in
 * scripts/lib/paths.mjs). dbgengAbi.test.ts and layouts.test.ts check the
 * same tables against mingw-w64's transcriptions; this is the vendor's word.
 *
 *  - Every vtable slot of native/dbgeng/slots.ts is
 *    offsetof(IXxxVtbl, Method) / sizeof(void *); IUnknown's three are
 *    checked in every interface the table names; for the callback
 *    interfaces we implement (IDebug*Callbacks*), the table must list the
 *    whole vtable, or dbgeng would call past the end of ours.
 *  - Every size and offset of native/dbgeng/layouts.ts, of the layout
 *    tables kept beside their code in native/ (FRAME in dbgengEngine.ts:
 *    DEBUG_STACK_FRAME_EX), and of each native/win32/layouts.ts struct that
 *    Microsoft's dbghelp.h defines (the others are winnt.h's and
 *    winbase.h's, which the package does not ship: layouts.test.ts has
 *    them).
 *  - The IIDs of slots.ts, and every named constant in native/ whose name
 *    the two headers define (DEBUG_STATUS.GO is DEBUG_STATUS_GO, ...).
 *
 * The C probe's main() is generated here from those tables, so a new slot,
 * field or constant is checked without touching this file; its fixed part,
 * with the shims mingw-w64 needs for Microsoft's headers (and why), is
 * test/native/probe/platformAbi.h. It is built with x86_64-w64-mingw32-gcc
 * and run as a Windows program (under Wine off Windows). Without the
 * platform installed every test here is skipped, saying so.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { before, describe, it, type TestContext } from 'node:test';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { DbgengLayouts } from '../../native/dbgeng/layouts';
import { IIDs, Slots } from '../../native/dbgeng/slots';
import { Layouts } from '../../native/win32/layouts';

const run = promisify(execFile);

const repoRoot = path.resolve(__dirname, '..', '..');
const probeDir = path.join(repoRoot, 'test', 'native', 'probe');
const shimDir = path.join(probeDir, 'platform-shims');
const HEADERS = ['dbgeng.h', 'dbghelp.h'] as const;

/** What a measurement is compared in: one test each. */
type Group = 'slots' | 'vtables' | 'dbgeng layouts' | 'dbghelp layouts' | 'iids' | 'constants';

/** One number (or IID) the TypeScript side states, and the C expression that measures it. */
interface Expectation {
  group: Group;
  /** kind, name, name: the probe's line for it starts with these, tab-separated. */
  key: string;
  /** What is checked, for the failure message: "IDebugControl7::GetStackTraceEx". */
  label: string;
  /** Where the TypeScript value is written. */
  says: string;
  expected: number | string;
  /** Where the measured value comes from, for the failure message. */
  source: string;
  /** The generated C statement. */
  c: string;
}

const rel = (file: string) => path.relative(repoRoot, file).split(path.sep).join('/');
const cString = (s: string) => JSON.stringify(s);
const report = (kind: string, a: string, b: string, value: string) => `  report(${cString(kind)}, ${cString(a)}, ${cString(b)}, (long long)(${value}));`;

function tsFiles(dir: string, out: string[] = []): string[] {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) tsFiles(full, out);
    else if (e.name.endsWith('.ts')) out.push(full);
  }
  return out.sort();
}

/** `{ a: 1, b: 0x10 }` as written in TypeScript source: the numeric entries. */
function numericEntries(body: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const m of body.matchAll(/(\w+)\s*:\s*(0x[0-9a-fA-F_]+|\d[\d_]*)(?=\s*[,}]|\s*$)/g)) out[m[1]!] = Number(m[2]!.replace(/_/g, ''));
  return out;
}

/**
 * Layout tables kept beside their code instead of in a layouts.ts:
 * `const NAME = { size: ..., Field: ... } as const`, named by the doc
 * comment right above it, whose first word is the C struct
 * (FRAME in dbgengEngine.ts: "DEBUG_STACK_FRAME_EX: 136 bytes; ...").
 */
function localLayoutTables(): { file: string; struct: string; name: string; fields: Record<string, number> }[] {
  const out = [];
  for (const file of tsFiles(path.join(repoRoot, 'native'))) {
    if (path.basename(file) === 'layouts.ts') continue;
    const text = fs.readFileSync(file, 'utf8');
    for (const m of text.matchAll(/^\s*(?:export\s+)?const\s+(\w+)\s*=\s*\{([^{}]*\bsize\s*:[^{}]*)\}/gm)) {
      const doc = /\/\*\*\s*([A-Z][A-Z0-9_]*)\b(?:(?!\*\/)[\s\S])*\*\/\s*$/.exec(text.slice(0, m.index! + m[0].indexOf('const')));
      assert.ok(doc, `${rel(file)}: the layout table ${m[1]} has no doc comment naming its C struct first ("/** DEBUG_XXX: ..."), so platformAbi.test.ts cannot check it`);
      out.push({ file: rel(file), struct: doc[1]!, name: m[1]!, fields: numericEntries(m[2]!) });
    }
  }
  return out;
}

/**
 * Named constants in native/: `const DEBUG_ANY_ID = 0xffffffff;` as
 * itself, `const DEBUG_STATUS = { GO: 1, ... }` as DEBUG_STATUS_GO, ...
 * (entries whose value is an expression, like `0x80004001 | 0`, are left
 * out). Only the names the headers define are kept, by the caller.
 */
function namedConstants(): { file: string; name: string; value: number }[] {
  const out = new Map<string, { file: string; name: string; value: number }>();
  for (const file of tsFiles(path.join(repoRoot, 'native'))) {
    const text = fs.readFileSync(file, 'utf8');
    const add = (name: string, value: number) => out.set(`${name}\t${rel(file)}`, { file: rel(file), name, value });
    for (const m of text.matchAll(/^\s*(?:export\s+)?const\s+([A-Z][A-Z0-9_]*)\s*=\s*(0x[0-9a-fA-F_]+|\d[\d_]*)\s*;/gm)) add(m[1]!, Number(m[2]!.replace(/_/g, '')));
    for (const m of text.matchAll(/^\s*(?:export\s+)?const\s+([A-Z][A-Z0-9_]*)\s*=\s*\{([^{}]*)\}/gm)) {
      for (const [k, v] of Object.entries(numericEntries(m[2]!))) add(`${m[1]}_${k}`, v);
    }
  }
  return [...out.values()];
}

interface Platform {
  headersDir: string;
  /** Each header's text, by name. */
  text: Record<(typeof HEADERS)[number], string>;
}

/** The package's header that defines a struct (its typedef's closing `} NAME, ...;`), if one does. */
function definingHeader(p: Platform, struct: string): string | undefined {
  const closing = new RegExp(String.raw`\}\s*${struct}\s*[,;]`);
  return HEADERS.find((h) => closing.test(p.text[h]));
}

/** Everything the probe measures, generated from the TypeScript tables; and what was left out, and why. */
function expectations(p: Platform): { list: Expectation[]; notes: string[] } {
  const list: Expectation[] = [];
  const notes: string[] = [];
  const slotsTs = 'native/dbgeng/slots.ts';

  // Vtable slots. IUnknown's three are in every interface's vtable.
  const { IUnknown, ...interfaces } = Slots;
  for (const [iface, methods] of Object.entries(interfaces)) {
    const vtbl = `${iface}Vtbl`;
    const source = `Microsoft's dbgeng.h (${vtbl})`;
    for (const [method, slot] of [...Object.entries(IUnknown), ...Object.entries(methods)]) {
      const says = method in IUnknown ? `${slotsTs} (IUnknown)` : slotsTs;
      list.push({ group: 'slots', key: `slot\t${iface}\t${method}`, label: `${iface}::${method}`, says, expected: slot, source, c: report('slot', iface, method, `offsetof(${vtbl}, ${method}) / sizeof(void *)`) });
    }
    // Ours to implement: dbgeng calls every slot of the vtable it knows.
    if (/Callbacks/.test(iface)) {
      const count = Object.keys(IUnknown).length + Object.keys(methods).length;
      list.push({ group: 'vtables', key: `vtbl\t${iface}\t`, label: `${iface} (implemented by us): number of methods, IUnknown's included`, says: slotsTs, expected: count, source, c: report('vtbl', iface, '', `sizeof(${vtbl}) / sizeof(void *)`) });
    }
  }

  // Struct layouts.
  const layoutTables: { file: string; struct: string; fields: Record<string, number>; group: Group; onlyMicrosofts: boolean }[] = [
    ...Object.entries(DbgengLayouts).map(([struct, fields]) => ({ file: 'native/dbgeng/layouts.ts', struct, fields, group: 'dbgeng layouts' as const, onlyMicrosofts: false })),
    ...localLayoutTables().map((t) => ({ file: `${t.file} (${t.name})`, struct: t.struct, fields: t.fields, group: 'dbgeng layouts' as const, onlyMicrosofts: false })),
    ...Object.entries(Layouts).map(([struct, fields]) => ({ file: 'native/win32/layouts.ts', struct, fields, group: 'dbghelp layouts' as const, onlyMicrosofts: true })),
  ];
  const notMicrosofts: string[] = [];
  for (const t of layoutTables) {
    const header = definingHeader(p, t.struct);
    if (!header && t.onlyMicrosofts) {
      notMicrosofts.push(t.struct);
      continue;
    }
    // dbgeng's own structs may embed winnt.h's (DEBUG_LAST_EVENT_INFO_EXCEPTION holds an
    // EXCEPTION_RECORD64): measured all the same, as Microsoft's headers compose them.
    const source = header ? `Microsoft's ${header}` : `mingw-w64's winnt.h, as Microsoft's dbgeng.h uses it (the package does not define ${t.struct})`;
    if (!header) notes.push(`${t.struct} (${t.file}) is not defined by the package's headers: measured from mingw-w64's winnt.h, which Microsoft's dbgeng.h builds on`);
    for (const [field, value] of Object.entries(t.fields)) {
      const measure = field === 'size' ? `sizeof(${t.struct})` : field === 'align' ? `__alignof__(${t.struct})` : `offsetof(${t.struct}, ${field})`;
      list.push({ group: t.group, key: `field\t${t.struct}\t${field}`, label: `${t.struct}.${field}`, says: t.file, expected: value, source, c: report('field', t.struct, field, measure) });
    }
  }
  if (notMicrosofts.length) notes.push(`not in Microsoft's dbghelp.h (winnt.h/winbase.h structs; test/native/layouts.test.ts checks them against mingw-w64): ${notMicrosofts.join(', ')}`);

  // IIDs the package declares (IID_IUnknown is COM's, not dbgeng.h's).
  for (const [name, iid] of Object.entries(IIDs)) {
    if (!new RegExp(String.raw`DEFINE_GUID\(\s*IID_${name}\s*,`).test(p.text['dbgeng.h'])) {
      notes.push(`IID of ${name}: not declared by Microsoft's dbgeng.h, not compared`);
      continue;
    }
    list.push({ group: 'iids', key: `iid\t${name}\t`, label: `IID_${name}`, says: slotsTs, expected: iid.toLowerCase(), source: "Microsoft's dbgeng.h", c: `  report_iid(${cString(name)}, &IID_${name});` });
  }

  // Named constants whose name the headers define, as a macro or an enum member.
  for (const k of namedConstants()) {
    const header = HEADERS.find((h) => new RegExp(String.raw`^\s*#\s*define\s+${k.name}\b|^\s*${k.name}\s*(?:=|,|$)`, 'm').test(p.text[h]));
    if (!header) continue;
    list.push({ group: 'constants', key: `const\t${k.name}\t${k.file}`, label: k.name, says: k.file, expected: k.value, source: `Microsoft's ${header}`, c: report('const', k.name, k.file, k.name) });
  }
  return { list, notes };
}

/** The probe's lines, by key (kind, name, name), to the value it printed. */
type Measured = Map<string, string>;

function generateProbe(list: Expectation[]): string {
  return [
    '/* Generated by test/native/platformAbi.test.ts from the TypeScript tables; do not edit. */',
    '#include "platformAbi.h"',
    '',
    'int main(void)',
    '{',
    ...list.map((e) => e.c),
    '  return 0;',
    '}',
    '',
  ].join('\n');
}

const sameNumber = (a: bigint, b: bigint) => a === b || (BigInt.asUintN(32, a) === BigInt.asUintN(32, b) && a >= -(2n ** 31n) && b >= -(2n ** 31n) && a < 2n ** 32n && b < 2n ** 32n);

/** Every expectation of a group the probe contradicts (or did not report), as one line each. */
function mismatches(list: Expectation[], measured: Measured, group: Group): { compared: number; wrong: string[] } {
  const wrong: string[] = [];
  const mine = list.filter((e) => e.group === group);
  for (const e of mine) {
    const got = measured.get(e.key);
    if (got === undefined) {
      wrong.push(`${e.label}: the probe did not report it`);
      continue;
    }
    const same = typeof e.expected === 'string' ? e.expected === got : sameNumber(BigInt(e.expected), BigInt(got));
    if (!same) {
      const show = (v: number | string) => (typeof v === 'number' && (group === 'constants') ? `0x${(v >>> 0).toString(16)}` : String(v));
      wrong.push(`${e.label}: ${e.says} says ${show(e.expected)}, ${e.source} says ${show(typeof e.expected === 'number' ? Number(got) : got)}`);
    }
  }
  return { compared: mine.length, wrong };
}

describe("native ABI tables against Microsoft's dbgeng.h and dbghelp.h (Microsoft.Debugging.Platform.DbgEng)", () => {
  let skip: string | undefined;
  let list: Expectation[] = [];
  let notes: string[] = [];
  let measured: Measured = new Map();
  let deps: string[] = [];
  let headersDir = '';

  before(async () => {
    // scripts/lib/*.mjs are ESM and this file runs as CommonJS: dynamic imports. By URL, untyped:
    // paths.d.mts does not declare the platform's paths, and platform.mjs has no types.
    const lib = (name: string) => import(pathToFileURL(path.join(repoRoot, 'scripts', 'lib', name)).href);
    const platformLib = (await lib('platform.mjs')) as { installedPlatform(): unknown };
    const pathsLib = (await lib('paths.mjs')) as {
      platformHeadersDir: string; testResults: string;
      windowsCommand(exe: string, args?: string[]): [string, string[]];
      wineEnv(extra?: Record<string, string>): NodeJS.ProcessEnv;
      PLATFORM: { id: string; version: string };
    };
    headersDir = pathsLib.platformHeadersDir;
    if (!platformLib.installedPlatform() || !HEADERS.every((h) => fs.existsSync(path.join(headersDir, h)))) {
      skip = `Microsoft's debugger platform (${pathsLib.PLATFORM.id} ${pathsLib.PLATFORM.version}, with its dbgeng.h and dbghelp.h) is not installed in .cache/ms-platform: run \`npm run setup\` (it needs the .NET SDK's dotnet)`;
      return;
    }
    const p: Platform = { headersDir, text: Object.fromEntries(HEADERS.map((h) => [h, fs.readFileSync(path.join(headersDir, h), 'utf8')])) as Platform['text'] };
    ({ list, notes } = expectations(p));

    const outDir = path.join(pathsLib.testResults, 'platform-probe');
    fs.mkdirSync(outDir, { recursive: true });
    const src = path.join(outDir, 'platformAbi.c');
    const exe = path.join(outDir, 'platformAbi.exe');
    fs.writeFileSync(src, generateProbe(list));
    // -isystem: Microsoft's headers, searched before mingw-w64's own dbgeng.h and dbghelp.h, and
    // without gcc's warnings about MSVC pragmas in them; -Wall -Wextra -Werror for the probe itself.
    const flags = ['-Wall', '-Wextra', '-Werror', '-O0', '-isystem', headersDir, '-I', probeDir, '-I', shimDir];
    try {
      deps = (await run('x86_64-w64-mingw32-gcc', [...flags, '-M', src])).stdout.split(/[\s\\]+/).filter(Boolean).map((f) => path.resolve(outDir, f));
      await run('x86_64-w64-mingw32-gcc', [...flags, src, '-o', exe]);
    } catch (e) {
      const stderr = String((e as { stderr?: string }).stderr ?? e);
      throw new Error(`the platform probe (${rel(src)}) does not build against Microsoft's headers (a name in the TypeScript tables they do not have?):\n${stderr.split('\n').filter((l) => /error/.test(l)).slice(0, 20).join('\n') || stderr}`);
    }
    const [cmd, args] = pathsLib.windowsCommand(exe);
    const { stdout } = await run(cmd, args, { env: pathsLib.wineEnv(), timeout: 60_000, maxBuffer: 16 << 20 });
    measured = new Map(stdout.split(/\r?\n/).filter(Boolean).map((line) => {
      const cols = line.split('\t');
      return [cols.slice(0, 3).join('\t'), cols[3]!] as const;
    }));
  });

  /** Skips the test, with the reason, when the platform is not installed; otherwise true. */
  const ready = (t: TestContext) => {
    if (skip) t.skip(skip);
    return !skip;
  };

  const compare = (group: Group, what: string, atLeast: number) => (t: TestContext) => {
    if (!ready(t)) return;
    const { compared, wrong } = mismatches(list, measured, group);
    t.diagnostic(`${compared} ${what} compared`);
    assert.equal(wrong.length, 0, `${wrong.length} of ${compared} ${what} differ from Microsoft's headers:\n${wrong.join('\n')}`);
    assert.ok(compared >= atLeast, `only ${compared} ${what} found to compare (expected at least ${atLeast}): is the table generation broken?`);
  };

  it("the probe is built from the package's dbgeng.h and dbghelp.h, not mingw-w64's", (t) => {
    if (!ready(t)) return;
    // Real paths: gcc names a header under an -isystem folder by its resolved path.
    const inside = (dir: string, f: string) => !path.relative(fs.realpathSync(dir), fs.realpathSync(f)).startsWith('..');
    for (const h of [...HEADERS, 'minidumpapiset.h']) {
      const found = deps.filter((f) => path.basename(f).toLowerCase() === h);
      assert.equal(found.length, 1, `${h}: the compiler read ${found.length ? found.join(', ') : 'none'}`);
      const from = h === 'minidumpapiset.h' ? shimDir : headersDir;
      assert.ok(inside(from, found[0]!), `${h} came from ${found[0]}, not ${from}`);
    }
    for (const n of notes) t.diagnostic(n);
  });

  it('every slot of slots.ts is its method\'s place in Microsoft\'s vtable', compare('slots', 'vtable slots', 60));
  it('the callback interfaces we implement list their whole vtable', compare('vtables', 'callback vtable lengths', 2));
  it("every size and offset of the dbgeng tables is what Microsoft's dbgeng.h gives", compare('dbgeng layouts', 'dbgeng struct sizes and offsets', 30));
  it("every size and offset of win32/layouts.ts that Microsoft's dbghelp.h defines is what it gives", compare('dbghelp layouts', 'dbghelp struct sizes and offsets', 30));
  it("the IIDs of slots.ts are Microsoft's", compare('iids', 'IIDs', 10));
  it("named constants in native/ have Microsoft's values", compare('constants', 'named constants', 40));
});
