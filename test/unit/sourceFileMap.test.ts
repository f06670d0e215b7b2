/** sourceFileMap, both ways (adapter/sourceFileMap.ts). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SourceFileMap } from '../../adapter/sourceFileMap';

describe('SourceFileMap', () => {
  const m = new SourceFileMap({ '/nowhere/src': '/home/me/src', 'C:\\agent\\_work\\1\\s': '/home/me/proj', '/nowhere/src/vendor': '/opt/vendor' });

  it('maps a recorded path to the local copy, longest prefix first, on whole components', () => {
    assert.equal(m.toLocal('/nowhere/src/sample.c'), '/home/me/src/sample.c');
    assert.equal(m.toLocal('/nowhere/src/vendor/z.c'), '/opt/vendor/z.c');
    assert.equal(m.toLocal('/nowhere/srcx/a.c'), '/nowhere/srcx/a.c');
    assert.equal(m.toLocal('c:\\AGENT\\_work\\1\\s\\lib\\a.c'), '/home/me/proj/lib/a.c', 'a Windows prefix: any case, either separator');
  });

  it('maps a local path back to the recorded one, for breakpoints', () => {
    assert.equal(m.toRecorded('/home/me/src/sample.c'), '/nowhere/src/sample.c');
    assert.equal(m.toRecorded('/home/me/proj/lib/a.c'), 'C:\\agent\\_work\\1\\s\\lib\\a.c');
    assert.equal(m.toRecorded('/elsewhere/a.c'), '/elsewhere/a.c');
    assert.equal(new SourceFileMap().empty, true);
  });
});
