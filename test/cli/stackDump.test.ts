/**
 * `dbgeng-inline stack --dump FILE.dmp`: a crash dump Microsoft's dbgeng
 * wrote (`.dump /m` at a breakpoint in sample.exe's PDB build, inside
 * helper inlined into middle) prints the stack at its event, inline frames
 * marked, each frame with the line the PDB's own records give its address;
 * and a dump that lies (empty, cut short, no dump at all, another
 * architecture) is named for what it is, exit code 2, before any adapter
 * starts, with no JavaScript stack.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { installedPlatform } from '../../client/platformChoice';
import { identityPaths, winePaths } from '../../adapter/paths';
import { needsWine } from '../../scripts/lib/paths.mjs';
import { runCli } from '../support/cli';
import { TestSession } from '../support/dapSession';
import { fixtureExe, fixturePdb, fixtureSource, repoRoot } from '../support/fixtures';
import { markerLine } from '../support/markers';
import { minidumpBytes, PROCESSOR_ARCHITECTURE } from '../support/minidumps';
import { imageBase, stackShownAt } from '../support/pdbRecords';

const SAMPLE_C = fixtureSource('sample.c');
const SAMPLE = fixtureExe('sample', 'pdb');
const skip = installedPlatform(repoRoot) ? false : "Microsoft's debugger platform is not installed: run `npm run setup` with dotnet on PATH";

interface JsonFrame { name: string; inline: boolean; module: string | null; line: number | null; instructionPointer: string }

const stack = (args: string[]) => runCli(['stack', ...args]);

describe('dbgeng-inline stack --dump', { skip }, () => {
  let dir: string;
  let dump: string;

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-dump-'));
    dump = path.join(dir, 'sample.dmp');
    const s = await TestSession.start(undefined, { engine: 'dbgeng', program: SAMPLE });
    try {
      const stopped = s.waitForStop();
      await s.launch({ program: SAMPLE, engine: 'dbgeng' }, [{ file: SAMPLE_C, lines: [markerLine(SAMPLE_C, '#BP helper')] }]);
      await stopped;
      const written = await s.dap.request<DebugProtocol.EvaluateResponse>('evaluate', { expression: `.dump /m ${(needsWine ? winePaths : identityPaths).toEngine(dump)}`, context: 'repl' });
      assert.ok(fs.existsSync(dump) && fs.statSync(dump).size > 0, written.body.result);
      await s.dap.request('disconnect', { terminateDebuggee: true });
    } finally {
      await s.close();
    }
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("prints the dump's stack: the inline frames marked, with the lines the PDB records give", async () => {
    const { stdout, stderr, code } = await stack(['--json', '--dump', dump]);
    assert.equal(code, 0, stderr);
    const stops = stdout.split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as { reason: string; frames: JsonFrame[] });
    assert.equal(stops.length, 1, stdout);
    const own = stops[0]!.frames.slice(0, 4);
    const physical = own.filter((f) => !f.inline).map((f) => BigInt(f.instructionPointer));
    assert.deepEqual(own.map((f) => f.name), ['helper', 'middle', 'outer', 'main']);
    assert.deepEqual(own.map((f) => ({ name: f.name, inline: f.inline, line: f.line ?? undefined })), stackShownAt(fixturePdb('sample'), imageBase(SAMPLE), physical));
  });

  it('prints it as the k table too', async () => {
    const { stdout, stderr, code } = await stack(['--dump', dump]);
    assert.equal(code, 0, stderr);
    assert.match(stdout, /^00 \(Inline\)\s+-+ sample!helper /m);
    assert.match(stdout, /^01 \(Inline\)\s+-+ sample!middle /m);
  });

  it('names a dump that lies for what it is, and starts no adapter', async () => {
    const whole = fs.readFileSync(dump);
    const bad: [string, Buffer | string, RegExp][] = [
      ['empty.dmp', '', /is empty \(0 bytes\), not a crash dump/],
      ['half.dmp', whole.subarray(0, Math.floor(whole.length / 2)), new RegExp(`is cut short: it has ${Math.floor(whole.length / 2)} bytes, but stream \\d+ \\(type \\d+\\) runs to byte \\d+`)],
      ['readme.dmp', 'This is not a dump.\n', /is not a crash dump: it starts with "This", not "MDMP"/],
      ['program.dmp', fs.readFileSync(SAMPLE), /is a Windows program or DLL \(it starts with "MZ"\), not a crash dump/],
      ['x86.dmp', minidumpBytes({ architecture: PROCESSOR_ARCHITECTURE.x86, threads: true }), /crash dump of a 32-bit x86 process; this debugger debugs x64 programs/],
    ];
    for (const [name, bytes, message] of bad) {
      const file = path.join(dir, name);
      fs.writeFileSync(file, bytes);
      const { stdout, stderr, code, ms } = await stack(['--dump', file]);
      assert.equal(code, 2, `${name}: ${stderr}`);
      assert.match(stderr, message, name);
      assert.doesNotMatch(stderr, /\n\s+at /, `${name}: no JavaScript stack`);
      assert.equal(stdout, '', name);
      // Refused from the file's header, before an adapter (and Wine) starts.
      assert.ok(ms < 10_000, `${name}: ${ms} ms`);
    }
  });

  it('refuses --dump with a program, with --break, or with the dbghelp engine', async () => {
    for (const [args, message] of [
      [['--dump', dump, '--', SAMPLE], /either a crash dump .* or a program/],
      [['--break', 'main', '--dump', dump], /A crash dump cannot run, so --break has nothing to stop/],
      [['--engine', 'dbghelp', '--dump', dump], /Crash dumps are read by the dbgeng engine/],
    ] as const) {
      const { stderr, code } = await stack([...args]);
      assert.equal(code, 2, stderr);
      assert.match(stderr, message);
    }
  });
});
