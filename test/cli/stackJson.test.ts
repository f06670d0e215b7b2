/**
 * `dbgeng-inline stack --json` on a fixture: one JSON object per stop with
 * the frames, inline ones flagged, bare names, and the program's exit code
 * as the command's own.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fixtureExe, fixtureSource, repoRoot } from '../support/fixtures';
import { markerLine } from '../support/markers';
import { runCli } from '../support/cli';


interface JsonFrame { index: number; name: string; inline: boolean; module: string | null; file: string | null; line: number | null; instructionPointer: string; inlineFrameContext: string }
interface JsonStop { reason: string; threadId: number; frames: JsonFrame[] }

async function stack(args: string[], cwd = repoRoot): Promise<{ stops: JsonStop[]; code: number; stderr: string }> {
  const r = await runCli(['stack', ...args], cwd);
  return { stops: parse(r.stdout), code: r.code, stderr: r.stderr };
}
const parse = (out: string) => out.split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as JsonStop);

describe('dbgeng-inline stack --json', () => {
  it('prints the inline frames at a FILE:LINE breakpoint and exits with the program', async () => {
    const src = fixtureSource('sample.c');
    const line = markerLine(src, '#BP helper');
    const { stops, code, stderr } = await stack(['--json', '--break', `${src}:${line}`, '--', fixtureExe('sample')]);
    assert.equal(code, 19, stderr);
    assert.equal(stops.length, 1);
    const [stop] = stops;
    assert.equal(stop!.reason, 'breakpoint');
    const top = stop!.frames.slice(0, 4);
    assert.deepEqual(top.map((f) => [f.name, f.inline]), [['helper', true], ['middle', true], ['outer', false], ['main', false]]);
    assert.deepEqual(top.map((f) => f.index), [0, 1, 2, 3]);
    assert.ok(top.every((f) => f.module === 'sample'));
    assert.equal(top[0]!.line, line);
    assert.match(top[0]!.file!, /test\/fixtures\/src\/sample\.c$/);
    assert.equal(top[3]!.line, markerLine(src, '#CALL outer from main'));
    for (const f of stop!.frames) {
      assert.match(f.inlineFrameContext, /^[0-9a-f]{8}$/);
      assert.match(f.instructionPointer, /^0x[0-9a-f]+$/);
    }
  });

  it('counts an exception stop, and prints the k-style table without --json', async () => {
    const r = await runCli(['stack', '--', fixtureExe('sample'), 'break']);
    assert.equal(r.code, 25);
    const out = r.stdout;
    assert.match(out, /Stopped \(exception\)/);
    assert.match(out, /^\s*# Child-SP\s+RetAddr\s+Call Site$/m);
    assert.match(out, /^[0-9a-f]{2} \(Inline\)\s+-+ sample!helper \[.*sample\.c @ \d+\]$/m);
    assert.match(out, /^[0-9a-f]{2} \(Inline\)\s+-+ sample!middle/m);
    assert.match(out, /^[0-9a-f]{2} [0-9a-f]{16} [0-9a-f]{16} sample!outer\+0x[0-9a-f]+/m);
  });

  it('binds --break NAME.c:LINE given from another folder: a bare file name, as gdb and WinDbg take it', async () => {
    const line = markerLine(fixtureSource('sample.c'), '#BP helper');
    const { stops, code, stderr } = await stack(['--json', '--break', `sample.c:${line}`, '--', fixtureExe('sample')], os.tmpdir());
    assert.equal(code, 19, stderr);
    assert.doesNotMatch(stderr, /not bound/);
    assert.deepEqual(stops.map((st) => [st.reason, st.frames[0]!.name, st.frames[0]!.line]), [['breakpoint', 'helper', line]]);
  });

  it('names no file that is not on this machine, in JSON or in the k table (Wine\'s DLLs record paths like dlls/kernel32/thread.c)', async () => {
    const src = fixtureSource('sample.c');
    const args = ['--break', `${src}:${markerLine(src, '#BP helper')}`, '--', fixtureExe('sample')];
    const { stops } = await stack(['--json', ...args]);
    const frames = stops.flatMap((st) => st.frames);
    assert.ok(frames.some((f) => f.module === 'kernel32'), 'the stack reaches into kernel32');
    for (const f of frames) if (f.file !== null) assert.ok(fs.existsSync(f.file), `${f.name}: ${f.file}`);
    const text = await runCli(['stack', ...args]);
    const named = [...text.stdout.matchAll(/\[(.+) @ \d+\]$/gm)].map((m) => m[1]!);
    assert.ok(named.length > 0);
    for (const file of named) assert.ok(fs.existsSync(file), file);
  });

  it('stops at a FUNCTION breakpoint', async () => {
    const { stops, code } = await stack(['--json', '--break', 'outer', '--', fixtureExe('sample')]);
    assert.equal(code, 19);
    assert.equal(stops.length, 1);
    assert.equal(stops[0]!.reason, 'breakpoint');
    const physical = stops[0]!.frames.filter((f) => !f.inline);
    assert.deepEqual(physical.slice(0, 2).map((f) => f.name), ['outer', 'main']);
  });

  it('rejects bad usage with a message that says what to do', async () => {
    const r = await runCli(['stack', '--json']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /Give the program after "--"/);
  });

  it('reports a missing program clearly', async () => {
    const { code, stderr } = await stack(['--', path.join(repoRoot, 'no-such-program.exe')]);
    assert.equal(code, 2);
    assert.match(stderr, /does not exist\. Set "program"/);
  });
});
