/**
 * What the DebugConfigurationProvider refuses before any adapter starts
 * (client/launchCheck.ts, client/peFile.ts), on real files: the mingw-built
 * sample (x64 PE), a source file, a missing file, and PE headers patched to
 * other machines and to a DLL.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { configurationProblem } from '../../client/launchCheck';
import { checkProgram, readPe } from '../../client/peFile';
import { fixtureExe, fixtureSource } from '../support/fixtures';
import { writeMinidump } from '../support/minidumps';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'dbgeng-launchcheck-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** A copy of the sample with its COFF header patched. */
function patched(name: string, patch: (buf: Buffer, pe: number) => void): string {
  const buf = fs.readFileSync(fixtureExe('sample'));
  patch(buf, buf.readUInt32LE(0x3c));
  const file = path.join(tmp, name);
  fs.writeFileSync(file, buf);
  return file;
}

describe('PE headers', () => {
  it('the mingw-built sample is an x64 console program, PE32+', () => {
    assert.deepEqual(readPe(fixtureExe('sample')), { machine: 'x64', machineCode: 0x8664, dll: false, pe32Plus: true, console: true });
    assert.doesNotThrow(() => checkProgram(fixtureExe('sample')));
  });
  it('refuses x86, ARM64 and DLLs, saying what the file is', () => {
    assert.throws(() => checkProgram(patched('x86.exe', (b, pe) => b.writeUInt16LE(0x014c, pe + 4))), /built for x86; this debugger debugs x64 programs only/);
    assert.throws(() => checkProgram(patched('arm64.exe', (b, pe) => b.writeUInt16LE(0xaa64, pe + 4))), /built for arm64/);
    assert.throws(() => checkProgram(patched('lib.dll', (b, pe) => b.writeUInt16LE(b.readUInt16LE(pe + 22) | 0x2000, pe + 22))), /is a DLL, not a program/);
  });
  it('refuses files that are not PE files, and missing ones', () => {
    assert.throws(() => checkProgram(fixtureSource('sample.c')), /is not a Windows program \(PE file\): it does not start with "MZ"/);
    assert.throws(() => checkProgram(patched('nope.exe', (b, pe) => b.write('XX', pe))), /no "PE" signature/);
    assert.throws(() => checkProgram(path.join(tmp, 'missing.exe')), /does not exist/);
    assert.throws(() => checkProgram(tmp), /is a folder/);
  });
});

describe('launch configuration checks', () => {
  const ok = { type: 'dbgeng', request: 'launch', program: fixtureExe('sample') };
  it('accepts a good configuration', () => {
    assert.equal(configurationProblem({ ...ok, args: ['break'], cwd: tmp, env: { A: 'b', B: null }, engine: 'dbghelp', stopOnEntry: true }), undefined);
  });
  it('accepts an attach configuration with a process id (a number, or the picker\'s string)', () => {
    assert.equal(configurationProblem({ type: 'dbgeng', request: 'attach', processId: 1234, engine: 'auto' }), undefined);
    assert.equal(configurationProblem({ type: 'dbgeng', request: 'attach', processId: ' 1234 ' }), undefined);
  });
  it('says what is wrong, and what to do', () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ type: 'dbgeng', request: 'launch' }, /"program" is missing: set it in launch.json/],
      [{ ...ok, program: 'build/app.exe' }, /must be an absolute path/],
      [{ ...ok, program: fixtureSource('sample.c') }, /not a Windows program/],
      [{ ...ok, args: 'break' }, /"args" must be a list of strings/],
      [{ ...ok, cwd: path.join(tmp, 'nowhere') }, /"cwd" is not a folder/],
      [{ ...ok, env: { A: 1 } }, /"env" must be an object of strings/],
      [{ ...ok, engine: 'windbg' }, /"engine" must be "auto", "dbgeng" or "dbghelp"/],
      [{ ...ok, stopOnEntry: 'yes' }, /"stopOnEntry" must be true or false/],
      [{ ...ok, dbgengPath: path.join(tmp, 'dbgeng.dll') }, /"dbgengPath" must name an existing dbgeng.dll/],
      [{ type: 'dbgeng', request: 'attach' }, /"processId" is missing/],
      [{ type: 'dbgeng', request: 'attach', processId: 'abc' }, /must be a process id/],
      [{ type: 'dbgeng', request: 'attach', processId: 0 }, /must be a process id/],
      [{ type: 'dbgeng', request: 'attach', processId: 1234, engine: 'windbg' }, /"engine" must be "auto", "dbgeng" or "dbghelp"/],
      [{ type: 'dbgeng', request: 'debug' }, /"request" must be "launch" or "attach"/],
    ];
    for (const [config, message] of cases) assert.match(configurationProblem(config) ?? '(accepted)', message, JSON.stringify(config));
  });
});

describe('launch configuration checks: a crash dump instead of a program', () => {
  const dump = writeMinidump(path.join(tmp, 'crash.dmp'));
  const notADump = path.join(tmp, 'notes.dmp');
  fs.writeFileSync(notADump, 'notes, not a dump');
  const ok = { type: 'dbgeng', request: 'launch', dumpFile: dump };
  it('accepts "dumpFile" naming an existing file, with no "program"', () => {
    assert.equal(configurationProblem(ok), undefined);
    assert.equal(configurationProblem({ ...ok, engine: 'dbgeng', stopOnEntry: false }), undefined);
  });
  it('refuses both, neither, and a dump that is not an existing minidump', () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ ...ok, program: fixtureExe('sample') }, /either "program" \(a program to run\) or "dumpFile" \(a crash dump to open\), not both/],
      [{ type: 'dbgeng', request: 'launch' }, /"program" is missing: .*or set "dumpFile"/],
      [{ ...ok, dumpFile: '' }, /"dumpFile" must be the path of a crash dump/],
      [{ ...ok, dumpFile: 42 }, /"dumpFile" must be the path of a crash dump/],
      [{ ...ok, dumpFile: 'crash.dmp' }, /"dumpFile" must be an absolute path/],
      [{ ...ok, dumpFile: path.join(tmp, 'missing.dmp') }, /"dumpFile" does not exist/],
      [{ ...ok, dumpFile: tmp }, /"dumpFile" is a folder/],
      [{ ...ok, dumpFile: notADump }, /is not a crash dump: it starts with "note", not "MDMP"/],
      [{ ...ok, engine: 'windbg' }, /"engine" must be "auto", "dbgeng" or "dbghelp"/],
    ];
    for (const [config, message] of cases) assert.match(configurationProblem(config) ?? '(accepted)', message, JSON.stringify(config));
  });
});
