import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { recordedPathOf, SourceFiles } from '../../adapter/stack/sources';

describe('sources the debug information names', () => {
  const onDisk = new Set(['Z:\\src\\a.c']);
  const client = (p: string) => p.slice(2).replace(/\\/g, '/');

  it('a file on this machine gets its path, in the client\'s form', () => {
    const files = new SourceFiles((p) => onDisk.has(p));
    assert.deepEqual(files.source('Z:\\src\\a.c', client('Z:\\src\\a.c')), { name: 'a.c', path: '/src/a.c' });
  });

  it('a file that is not here gets its name only, deemphasized, with the recorded path kept for the source request', () => {
    const files = new SourceFiles((p) => onDisk.has(p));
    const s = files.source('Z:\\work\\dist\\dlls\\kernelbase\\sync.c', client('Z:\\work\\dist\\dlls\\kernelbase\\sync.c'));
    assert.equal(s.path, undefined);
    assert.equal(s.name, 'sync.c');
    assert.equal(s.presentationHint, 'deemphasize');
    assert.equal(recordedPathOf(s), '/work/dist/dlls/kernelbase/sync.c');
    assert.equal(recordedPathOf({ name: 'a.c', path: '/src/a.c' }), undefined);
    assert.equal(recordedPathOf({ name: 'x', adapterData: 'not ours' }), undefined);
  });

  it('asks the disk once per file for a while, then again (a file can appear)', () => {
    let now = 0;
    const asked: string[] = [];
    const here = new Set<string>();
    const files = new SourceFiles((p) => (asked.push(p), here.has(p)), () => now);
    for (let i = 0; i < 1000; i++) files.source('Z:\\b.c', '/b.c');
    assert.equal(asked.length, 1);
    here.add('Z:\\b.c');
    now = 5_000;
    assert.equal(files.source('Z:\\b.c', '/b.c').path, undefined, 'still the remembered answer');
    now = 10_000;
    assert.equal(files.source('Z:\\b.c', '/b.c').path, '/b.c');
    assert.equal(asked.length, 2);
  });
});
