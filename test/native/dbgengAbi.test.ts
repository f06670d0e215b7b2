/**
 * The dbgeng binding's ABI, for real:
 *  - against the system's dbgeng.dll (under Wine, Wine's own: DebugCreate,
 *    QueryInterface, AddRef/Release and a stubbed method really called);
 *  - against the native test double (string-size negotiation, HRESULT
 *    errors naming the method, a throwing callback turned into E_FAIL,
 *    reference counts back to zero);
 *  - the slot table (native/dbgeng/slots.ts) against the documented
 *    vtable order of the double's header, by the C compiler, and against
 *    mingw-w64's dbgeng.h (an independent, older transcription of the SDK
 *    header) for every method that header declares;
 *  - the structure offsets of native/dbgeng/layouts.ts against mingw-w64's
 *    dbgeng.h, by the C compiler.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { DbgengLayouts } from '../../native/dbgeng/layouts';
import { Slots } from '../../native/dbgeng/slots';
import { dbgengDouble, repoRoot } from '../support/fixtures';
import { runWindowsDriver } from '../support/windowsDriver';

const run = promisify(execFile);
const underWine = process.platform !== 'win32';

describe('dbgeng COM binding', () => {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  let r: any;
  before(async () => {
    r = await runWindowsDriver(path.join(__dirname, 'drivers', 'dbgengCalls.ts'), [dbgengDouble], { DBGENG_DOUBLE_LOG: path.join(repoRoot, 'test-results', 'dbgengAbi-violations.txt') });
  });

  describe("the system's dbgeng.dll", { skip: underWine ? false : "expectations describe Wine's dbgeng" }, () => {
    it('DebugCreate works and QueryInterface answers per interface', () => {
      assert.equal(r.system.debugCreateHr, 0);
      assert.deepEqual(r.system.probe.interfaces, {
        IDebugClient: true, IDebugClient5: true, IDebugControl5: false, IDebugSymbols3: true, IDebugSymbols5: false, IDebugSystemObjects: true,
        IDebugRegisters2: false, IDebugDataSpaces4: false,
      });
      assert.equal(r.system.control5, false);
      assert.match(r.system.probe.missing, /lacks IDebugControl5, IDebugSymbols5, IDebugRegisters2, IDebugDataSpaces4 \(E_NOINTERFACE\)/);
    });

    it('AddRef and Release move the real reference count', () => {
      assert.equal(r.system.addRef, 2);
      assert.equal(r.system.release, 1);
      assert.equal(r.system.countWithSymbols, 3, 'the IDebugSymbols3 reference shares the object count');
    });

    it("a stubbed method's HRESULT becomes an error naming the method", () => {
      assert.equal(r.system.symbolOptionsError, 'IDebugSymbols3::GetSymbolOptions: IDebugSymbols3::GetSymbolOptions failed: E_NOTIMPL (not implemented) 0x80004001');
    });

    it('every reference taken was given back', () => assert.equal(r.system.liveAfter, 0));
  });

  describe('the native test double', () => {
    it('negotiates string sizes: S_FALSE and a bigger buffer', () => {
      assert.equal(r.double.name, 'runasm!main');
      assert.equal(r.double.displacement, 0x20);
    });

    it('names the failing method in the error', () => {
      assert.match(r.double.notFound, /^IDebugSymbols5::GetNameByOffsetWide failed: E_FAIL 0x80004005$/);
    });

    it('turns a JS exception in a callback into E_FAIL, reported, not a crash', () => {
      assert.deepEqual(r.double.failures, ['slot 3: boom in GetInterestMask']);
      const log = fs.readFileSync(path.join(repoRoot, 'test-results', 'dbgengAbi-violations.txt'), 'utf8');
      assert.match(log, /GetInterestMask returned 0x80004005/);
    });

    it('callback objects are referenced while set and released when cleared', () => {
      assert.equal(r.double.refsWhileSet, 1);
      assert.equal(r.double.refsAfterClear, 0);
    });

    it('reference counts return to zero on both sides', () => {
      assert.equal(r.double.liveInDouble, 0);
      assert.equal(r.double.liveOurs, 0);
    });
  });
});

describe('slots.ts against the documented vtable order', () => {
  it('every slot number equals the method offset in the double header', async () => {
    const header = { IDebugBreakpoint2: 'IDebugBreakpoint3Vtbl', IUnknown: 'IDebugClient5Vtbl' } as Record<string, string>;
    const lines: string[] = [];
    for (const [iface, methods] of Object.entries(Slots)) {
      const vtbl = header[iface] ?? `${iface}Vtbl`;
      for (const [method, slot] of Object.entries(methods)) {
        lines.push(`  printf("%s.%s %d %d\\n", "${iface}", "${method}", ${slot}, (int)(offsetof(${vtbl}, ${method}) / sizeof(DbgMethod)));`);
      }
    }
    const dir = path.join(repoRoot, 'test-results', 'slots-probe');
    fs.mkdirSync(dir, { recursive: true });
    const src = path.join(dir, 'slots.c');
    fs.writeFileSync(src, `#include <stddef.h>\n#include <stdio.h>\n#include "dbgeng_abi.h"\nint main(void) {\n${lines.join('\n')}\n  return 0;\n}\n`);
    const exe = path.join(dir, 'slots.exe');
    await run('x86_64-w64-mingw32-gcc', ['-Wall', '-Werror', '-I', path.join(repoRoot, 'test', 'fixtures', 'dbgeng-double'), src, '-o', exe]);
    const paths = await import('../../scripts/lib/paths.mjs');
    const [cmd, args] = paths.windowsCommand(exe);
    const { stdout } = await run(cmd, args, { env: paths.wineEnv() });
    const rows = stdout.trim().split(/\r?\n/).map((l) => l.split(' '));
    assert.equal(rows.length, lines.length);
    for (const [name, ours, documented] of rows) assert.equal(ours, documented, `${name}: slots.ts says ${ours}, the documented order ${documented}`);
  });
});

/** Where the cross-compiler finds <dbgeng.h>. */
async function mingwDbgengHeader(): Promise<string> {
  const probe = path.join(repoRoot, 'test-results', 'slots-probe', 'find-dbgeng.c');
  fs.mkdirSync(path.dirname(probe), { recursive: true });
  fs.writeFileSync(probe, '#include <windows.h>\n#include <dbgeng.h>\n');
  const { stdout } = await run('x86_64-w64-mingw32-gcc', ['-E', '-M', probe]);
  const header = stdout.split(/[\s\\]+/).find((f) => /[\\/]dbgeng\.h$/.test(f));
  if (!header) throw new Error(`the cross-compiler does not find dbgeng.h:\n${stdout}`);
  return header;
}

/** Each interface of a header, by name: its methods in declaration (vtable) order (STDMETHODV: the varargs ones). */
function vtablesOf(headerText: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const m of headerText.matchAll(/DECLARE_INTERFACE_\((\w+),\s*IUnknown\)\s*\{([\s\S]*?)\n\s*\};/g)) {
    out.set(m[1]!, [...m[2]!.matchAll(/STDMETHODV?(?:_\([^,]+,\s*(\w+)\)|\((\w+)\))/g)].map((x) => x[1] ?? x[2]!));
  }
  return out;
}

describe('slots.ts against mingw-w64\'s dbgeng.h', () => {
  it('every slot of a method that header declares is its position there', async () => {
    const vtables = vtablesOf(fs.readFileSync(await mingwDbgengHeader(), 'utf8'));
    // The newest version of each interface that mingw-w64 declares; newer versions only append.
    const older: Record<string, string> = {
      IUnknown: 'IDebugClient', IDebugClient5: 'IDebugClient4', IDebugControl7: 'IDebugControl3', IDebugSymbols5: 'IDebugSymbols2',
      IDebugSystemObjects4: 'IDebugSystemObjects3', IDebugBreakpoint2: 'IDebugBreakpoint', IDebugSymbolGroup2: 'IDebugSymbolGroup',
      IDebugRegisters2: 'IDebugRegisters', IDebugDataSpaces4: 'IDebugDataSpaces3', IDebugEventCallbacksWide: 'IDebugEventCallbacks',
      IDebugOutputCallbacksWide: 'IDebugOutputCallbacks',
    };
    const wrong: string[] = [];
    let checked = 0;
    for (const [iface, methods] of Object.entries(Slots)) {
      const theirs = vtables.get(older[iface]!);
      assert.ok(theirs, `mingw-w64's dbgeng.h has no ${older[iface]}`);
      for (const [method, slot] of Object.entries(methods)) {
        if (slot >= theirs.length) continue; // added after the version mingw-w64 declares
        checked++;
        if (theirs[slot] !== method) wrong.push(`${iface}.${method}: slots.ts says ${slot}, where ${older[iface]} has ${theirs[slot]} (${method} is at ${theirs.indexOf(method)})`);
      }
    }
    assert.deepEqual(wrong, []);
    assert.ok(checked >= 60, `only ${checked} slots could be checked`);
  });
});

describe('layouts.ts against mingw-w64\'s dbgeng.h', () => {
  it('every size and offset is what the compiler says', async () => {
    const lines: string[] = [];
    for (const [struct, fields] of Object.entries(DbgengLayouts)) {
      for (const field of Object.keys(fields)) {
        const measure = field === 'size' ? `sizeof(${struct})` : `offsetof(${struct}, ${field})`;
        lines.push(`  printf("%s.%s %u\\n", "${struct}", "${field}", (unsigned)${measure});`);
      }
    }
    const dir = path.join(repoRoot, 'test-results', 'slots-probe');
    const src = path.join(dir, 'layouts.c');
    fs.writeFileSync(src, `#include <windows.h>\n#include <stddef.h>\n#include <stdio.h>\n#include <dbgeng.h>\nint main(void) {\n${lines.join('\n')}\n  return 0;\n}\n`);
    const exe = path.join(dir, 'layouts.exe');
    await run('x86_64-w64-mingw32-gcc', ['-Wall', '-Werror', src, '-o', exe]);
    const paths = await import('../../scripts/lib/paths.mjs');
    const [cmd, args] = paths.windowsCommand(exe);
    const { stdout } = await run(cmd, args, { env: paths.wineEnv() });
    const measured = Object.fromEntries(stdout.trim().split(/\r?\n/).map((l) => l.split(' ')).map(([k, v]) => [k, Number(v)]));
    const ours = Object.fromEntries(Object.entries(DbgengLayouts).flatMap(([s, f]) => Object.entries(f).map(([k, v]) => [`${s}.${k}`, v])));
    assert.deepEqual(ours, measured);
  });
});
