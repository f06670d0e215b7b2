/**
 * client/pdbFile.ts reads a PDB's GUID and age from its own MSF records;
 * checked against llvm-pdbutil, which decodes them independently, for
 * every PDB the fixtures build, and against each program's CodeView record
 * (client/debugInfo.ts). Then the files that are not a whole PDB, and
 * client/symbolCheck.ts's reading of the symbol path.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { readDebugInfo } from '../../client/debugInfo';
import { readPdb } from '../../client/pdbFile';
import { symbolFolders, symbolProblem } from '../../client/symbolCheck';
import { askedSymbolPath, pruneSymbolPath } from '../../adapter/symbolPath';
import { repoRoot } from '../support/fixtures';

const PDB_DIR = path.join(repoRoot, 'test', 'fixtures', 'build', 'pdb');
const pdbs = fs.readdirSync(PDB_DIR).filter((f) => f.endsWith('.pdb'));

function pdbutilSignature(file: string): string {
  const out = execFileSync('llvm-pdbutil', ['dump', '-summary', file], { encoding: 'utf8' });
  const guid = /GUID: (\{[0-9A-F-]+\})/.exec(out)![1];
  const age = /Age: (\d+)/.exec(out)![1];
  return `${guid} age ${age}`;
}

describe('PDB signatures, as llvm-pdbutil reads them', () => {
  it(`every fixture PDB (${pdbs.length}) and the program that names it`, () => {
    assert.ok(pdbs.length >= 5);
    for (const f of pdbs) {
      const file = path.join(PDB_DIR, f);
      const expected = pdbutilSignature(file);
      assert.deepEqual(readPdb(file), { kind: 'pdb', signature: expected }, f);
      const image = ['.exe', '.dll'].map((ext) => file.replace(/\.pdb$/, ext)).find((p) => fs.existsSync(p))!;
      assert.equal(readDebugInfo(image).pdbSignature, expected, image);
    }
  });
});

describe('files that are not a whole PDB', () => {
  let dir: string;
  const good = fs.readFileSync(path.join(PDB_DIR, 'sample.pdb'));
  const write = (name: string, data: Buffer | string) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, data);
    return file;
  };
  before(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dbgeng-pdbfile-'))));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('empty, text, a program: not a PDB, and what it starts with', () => {
    assert.deepEqual(readPdb(write('empty.pdb', '')), { kind: 'notPdb', why: 'it is empty' });
    assert.deepEqual(readPdb(write('text.pdb', 'hello\nworld, and more')), { kind: 'notPdb', why: 'it starts with "hello.world,", not "Microsoft C/C++ MSF 7.00"' });
    assert.equal(readPdb(path.join(PDB_DIR, 'sample.exe')).kind, 'notPdb');
  });

  it('cut short: how many bytes of how many', () => {
    assert.deepEqual(readPdb(write('half.pdb', good.subarray(0, 10_000))), { kind: 'damaged', why: `it is cut short: 10000 bytes of the ${good.length} its header says it has` });
    assert.equal(readPdb(write('header.pdb', good.subarray(0, 40))).kind, 'notPdb', 'a header cut in the middle is not even a superblock');
  });

  it('a bad block size, a stream directory outside the file', () => {
    const badBlock = Buffer.from(good);
    badBlock.writeUInt32LE(1000, 32);
    assert.deepEqual(readPdb(write('block.pdb', badBlock)), { kind: 'damaged', why: 'its block size, 1000, is not one a PDB uses' });
    const badMap = Buffer.from(good);
    badMap.writeUInt32LE(0xffff, 52);
    assert.deepEqual(readPdb(write('map.pdb', badMap)), { kind: 'damaged', why: 'its stream directory lies outside the file' });
  });

  it('missing: unreadable, with the system\'s reason', () => {
    const r = readPdb(path.join(dir, 'nothing.pdb'));
    assert.equal(r.kind, 'unreadable');
    assert.match((r as { why: string }).why, /ENOENT/);
  });

  it('a program whose PDB matches has no problem; a copy elsewhere without it has', () => {
    assert.equal(symbolProblem(path.join(PDB_DIR, 'sample.exe'), { toLocal: (p) => p, show: (p) => p }), undefined);
    // The copy's record still names the fixture's PDB by its full path: found there, and it matches.
    const copy = path.join(dir, 'sample.exe');
    fs.copyFileSync(path.join(PDB_DIR, 'sample.exe'), copy);
    assert.equal(symbolProblem(copy, { toLocal: (p) => p, show: (p) => p }), undefined);
    // Looked for where the record says: a path that does not exist here.
    const problem = symbolProblem(copy, { toLocal: (p) => path.join(dir, 'moved', path.basename(p)), show: (p) => p });
    assert.match(problem ?? '', /^No symbols for sample\.exe: its PDB is not where its record says \(.*moved.sample\.pdb\), nor beside it \(.*sample\.pdb\)\./);
  });

  it('a program without a PDB record (DWARF or none) is not spoken of', () => {
    assert.equal(symbolProblem(path.join(repoRoot, 'test', 'fixtures', 'build', 'gcc', 'sample.exe'), { toLocal: (p) => p, show: (p) => p }), undefined);
  });
});

describe('the symbol path', () => {
  it('plain folders are read, server entries are not, missing folders are named', () => {
    const { folders, missing } = symbolFolders(`${os.tmpdir()}; srv*C:\\sym*https://msdl.microsoft.com/download/symbols;cache*C:\\c;/no/such/folder;`);
    assert.deepEqual(folders, [os.tmpdir(), '/no/such/folder']);
    assert.deepEqual(missing, ['/no/such/folder']);
  });

  it('the engines are given it without the missing folders; the path as asked is kept', () => {
    const env: NodeJS.ProcessEnv = { _NT_SYMBOL_PATH: `/no/such/a;${os.tmpdir()};srv*x`, _NT_ALT_SYMBOL_PATH: '/no/such/b' };
    pruneSymbolPath(env);
    assert.equal(env._NT_SYMBOL_PATH, `${os.tmpdir()};srv*x`);
    assert.equal(env._NT_ALT_SYMBOL_PATH, '');
    assert.equal(askedSymbolPath(env), `/no/such/a;${os.tmpdir()};srv*x;/no/such/b`);
  });
});
