/**
 * `dbgeng-inline decode`: the language server's parser and decoding on the
 * command line (the built CLI, dist/cli.js).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, it } from 'node:test';
import { repoRoot } from '../support/fixtures';

const cli = (...args: string[]) => spawnSync(process.execPath, [path.join(repoRoot, 'dist', 'cli.js'), 'decode', ...args], { encoding: 'utf8' });
const lines = (s: string) => s.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);

describe('dbgeng-inline decode', () => {
  it('decodes values in the Windows encoding by default, and in Wine\'s on request', () => {
    const w = cli('25ed8200', '0xffffffff');
    assert.equal(w.status, 0, w.stderr);
    assert.deepEqual(lines(w.stdout), [
      { inlineFrameContext: '25ed8200', inline: true, decoded: { encoding: 'windows', frameId: 0, frameType: 0x82, frameTypeNames: ['INLINE', 'RA'], frameSignature: 0x25ed } },
      { inlineFrameContext: 'ffffffff', inline: false, decoded: { encoding: 'windows', frameId: 0xff, frameType: 0xff, frameTypeNames: ['IGNORE'], frameSignature: 0xffff } },
    ]);
    assert.deepEqual(lines(cli('--encoding', 'wine', '40000002').stdout)[0]!.decoded, { encoding: 'wine', mode: 'inline', depth: 2 });
  });

  it('reads pasted kb output (seed 004): one line per frame, then the !gcsex values', () => {
    const r = cli('--stack', path.join(repoRoot, 'test', 'fixtures', 'stacktext', 'seed004-windbg.txt'));
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stderr, '');
    const out = lines(r.stdout);
    assert.deepEqual(out[0], { command: 'kb', index: 0, name: 'helper', inline: true, module: 'runasm', file: 'e:\\test\\runasm\\runasm.cpp', line: 4 });
    assert.equal(out.filter((o) => 'name' in o).length, 24);
    const ctx = out.filter((o) => !('name' in o));
    assert.equal(ctx.length, 12);
    assert.deepEqual(ctx[0], { frame: 0, inlineFrameContext: '25ed0200', inline: true, decoded: { encoding: 'windows', frameId: 0, frameType: 2, frameTypeNames: ['INLINE'], frameSignature: 0x25ed } });
  });

  it('reports lines it cannot read on stderr, and bad arguments as usage errors', () => {
    const r = spawnSync(process.execPath, [path.join(repoRoot, 'dist', 'cli.js'), 'decode', '--stack', '-'], { encoding: 'utf8', input: '00 0029fd44 0124159a runasm!main+0x20\nnot a stack line\n' });
    assert.equal(r.status, 0);
    assert.equal(lines(r.stdout)[0]!.name, 'main');
    assert.match(r.stderr, /^line 2: Not a line of a call stack/);
    const bad = cli('zzz');
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /"zzz" is not an InlineFrameContext value/);
  });
});
