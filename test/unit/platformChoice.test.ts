/**
 * Which debugger platform a session starts on, from the program's own PE
 * headers: the fixtures' PDB builds name their PDB in a CodeView record,
 * the gcc and clang builds carry DWARF, nosyms carries neither.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { readDebugInfo, NotAProgramError } from '../../client/debugInfo';
import { choosePlatform, installedPlatform, platformRuntime, type InstalledPlatform } from '../../client/platformChoice';
import { fixtureExe, fixturePdb, fixtureSource, repoRoot } from '../support/fixtures';

const installed: InstalledPlatform = { bin: '/x/ms-platform/amd64', id: 'Microsoft.Debugging.Platform.DbgEng', version: '1.2.3' };

describe('readDebugInfo', () => {
  it("names the PDB of a PDB build, with its GUID and age, and finds no DWARF", () => {
    const info = readDebugInfo(fixtureExe('sample', 'pdb'));
    assert.equal(info.pdb, fixturePdb('sample'));
    assert.match(info.pdbSignature ?? '', /^\{[0-9A-F-]{36}\} age \d+$/);
    assert.equal(info.dwarf, false);
  });

  it('finds DWARF (a long section name) and no PDB in the gcc and clang builds', () => {
    for (const tc of ['gcc', 'clang'] as const) assert.deepEqual(readDebugInfo(fixtureExe('sample', tc)), { dwarf: true });
  });

  it('finds neither in a program built without debug information', () => {
    assert.deepEqual(readDebugInfo(fixtureExe('nosyms', 'pdb')), { dwarf: false });
  });

  it('says a file that is not a program is not one', () => {
    assert.throws(() => readDebugInfo(fixtureSource('sample.c')), NotAProgramError);
    const empty = path.join(os.tmpdir(), `empty-${process.pid}.exe`);
    fs.writeFileSync(empty, 'MZ');
    try {
      assert.throws(() => readDebugInfo(empty), /past the end of the file/);
    } finally {
      fs.rmSync(empty);
    }
  });
});

describe('choosePlatform', () => {
  const choose = (target: Parameters<typeof choosePlatform>[1]) => choosePlatform(repoRoot, target, installed);

  it("takes Microsoft's platform for a PDB program, and says so with the PDB's name", () => {
    const c = choose({ program: fixtureExe('sample', 'pdb') });
    assert.equal(c.platform, 'microsoft');
    assert.equal(c.installed, installed);
    assert.match(c.reason, /Microsoft\.Debugging\.Platform\.DbgEng 1\.2\.3\): the program's debug directory names the PDB .*sample\.pdb/);
  });

  it("takes Wine's DLLs for a DWARF program under auto and dbghelp, Microsoft's when dbgeng is asked for", () => {
    assert.equal(choose({ program: fixtureExe('sample', 'gcc') }).platform, 'wine');
    assert.equal(choose({ program: fixtureExe('sample', 'gcc'), engine: 'dbghelp' }).platform, 'wine');
    assert.equal(choose({ program: fixtureExe('sample', 'gcc'), engine: 'dbgeng' }).platform, 'microsoft');
  });

  it("takes Microsoft's for dumps, Wine's for an attach under auto, and Wine's when the user names a dbgeng.dll", () => {
    assert.equal(choose({ dumpFile: '/tmp/x.dmp' }).platform, 'microsoft');
    assert.equal(choose({ processId: 42 }).platform, 'wine');
    assert.equal(choose({ processId: 42, engine: 'dbgeng' }).platform, 'microsoft');
    assert.equal(choose({ program: fixtureExe('sample', 'pdb'), dbgengPath: '/d/dbgeng.dll' }).platform, 'wine');
  });

  it('without the platform installed, runs on Wine and says how to get it', () => {
    // A root with no .cache/ms-platform: nothing installed there.
    const c = choosePlatform(os.tmpdir(), { program: fixtureExe('sample', 'pdb'), engine: 'dbgeng' });
    assert.equal(c.platform, 'wine');
    assert.match(c.reason, /not installed \(run `npm run setup` with dotnet on PATH/);
  });

  it('leaves a file that is not a program to the launch checks, on Wine', () => {
    const c = choose({ program: fixtureSource('sample.c') });
    assert.equal(c.platform, 'wine');
    assert.match(c.reason, /cannot be read .*not a Windows program/);
  });

  it('runs on the dbghelp.dll the user names, whichever platform, and says so', () => {
    const pdb = choose({ program: fixtureExe('sample', 'pdb'), dbghelpPath: '/d/dbghelp.dll' });
    assert.deepEqual([pdb.platform, pdb.dbghelp], ['microsoft', '/d/dbghelp.dll']);
    assert.match(pdb.reason, /; dbghelp from dbghelpPath \/d\/dbghelp\.dll$/);
    assert.deepEqual(platformRuntime(pdb).dbghelp, '/d/dbghelp.dll');
    const dwarf = choose({ program: fixtureExe('sample', 'gcc'), dbghelpPath: '/d/dbghelp.dll' });
    assert.deepEqual([dwarf.platform, dwarf.dbghelp], ['wine', '/d/dbghelp.dll']);
  });
});

describe('installedPlatform on Windows: the NuGet copy, else the Debugging Tools for Windows, else WinDbg', () => {
  /** A folder laid out as Windows lays these out, with empty stand-ins for the DLLs. */
  function tree(dirs: string[]): string {
    const top = fs.mkdtempSync(path.join(os.tmpdir(), 'platforms-'));
    for (const d of dirs) {
      fs.mkdirSync(path.join(top, d), { recursive: true });
      for (const dll of ['dbgeng.dll', 'dbghelp.dll']) fs.writeFileSync(path.join(top, d, dll), '');
    }
    return top;
  }
  const noNuget = os.tmpdir();

  it('finds the Debugging Tools of a Windows Kit under ProgramFiles(x86) first', () => {
    const top = tree(['x86pf/Windows Kits/10/Debuggers/x64', 'pf/Windows Kits/10/Debuggers/x64']);
    try {
      const found = installedPlatform(noNuget, { os: 'win32', env: { 'ProgramFiles(x86)': path.join(top, 'x86pf'), ProgramFiles: path.join(top, 'pf') } });
      assert.deepEqual(found, { bin: path.join(top, 'x86pf', 'Windows Kits', '10', 'Debuggers', 'x64'), id: 'Debugging Tools for Windows', version: '' });
      const reason = choosePlatform(repoRoot, { program: fixtureExe('sample', 'pdb') }, found).reason;
      assert.match(reason, /^Microsoft's debugger platform \(Debugging Tools for Windows, .*x64\): the program's debug directory/);
    } finally {
      fs.rmSync(top, { recursive: true, force: true });
    }
  });

  it('else the newest WinDbg package folder that holds the DLLs', () => {
    const top = tree([
      'pf/WindowsApps/Microsoft.WinDbg_1.2306.12001.0_x64__8wekyb3d8bbwe/amd64',
      'pf/WindowsApps/Microsoft.WinDbg_1.2410.11001.0_x64__8wekyb3d8bbwe/amd64',
      'pf/WindowsApps/Microsoft.WinDbg_1.2502.1.0_arm64__8wekyb3d8bbwe/amd64',
    ]);
    fs.mkdirSync(path.join(top, 'pf/WindowsApps/Microsoft.WinDbg_1.2599.1.0_x64__8wekyb3d8bbwe'), { recursive: true });
    try {
      const found = installedPlatform(noNuget, { os: 'win32', env: { ProgramFiles: path.join(top, 'pf') } });
      assert.deepEqual(found, { bin: path.join(top, 'pf', 'WindowsApps', 'Microsoft.WinDbg_1.2410.11001.0_x64__8wekyb3d8bbwe', 'amd64'), id: 'WinDbg', version: '1.2410.11001.0' });
    } finally {
      fs.rmSync(top, { recursive: true, force: true });
    }
  });

  it('finds none where none is laid out, and looks for none of these off Windows', () => {
    const top = tree(['pf/Windows Kits/10/Debuggers/x64']);
    try {
      assert.equal(installedPlatform(noNuget, { os: 'win32', env: {} }), undefined);
      assert.equal(installedPlatform(noNuget, { os: 'linux', env: { ProgramFiles: path.join(top, 'pf') } }), undefined);
    } finally {
      fs.rmSync(top, { recursive: true, force: true });
    }
  });

  it('prefers the NuGet copy setup installed', { skip: installedPlatform(repoRoot, { os: 'linux' }) ? false : 'the platform is not installed here' }, () => {
    const top = tree(['pf/Windows Kits/10/Debuggers/x64']);
    try {
      assert.equal(installedPlatform(repoRoot, { os: 'win32', env: { ProgramFiles: path.join(top, 'pf') } })?.id, 'Microsoft.Debugging.Platform.DbgEng');
    } finally {
      fs.rmSync(top, { recursive: true, force: true });
    }
  });
});
