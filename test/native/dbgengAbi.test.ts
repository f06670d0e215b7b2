/**
 * The dbgeng binding's ABI, for real:
 *  - against the system's dbgeng.dll (under Wine, Wine's own: DebugCreate,
 *    QueryInterface, AddRef/Release and a stubbed method really called);
 *  - against the native test double (string-size negotiation, HRESULT
 *    errors naming the method, a throwing callback turned into E_FAIL,
 *    reference counts back to zero);
 *  - the slot table (native/dbgeng/slots.ts) against the documented
 *    vtable order of the double's header, by the C compiler.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import { promisify } from 'node:util';
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
      });
      assert.equal(r.system.control5, false);
      assert.match(r.system.probe.missing, /lacks IDebugControl5, IDebugSymbols5 \(E_NOINTERFACE\)/);
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
