/**
 * `dbgeng-inline stack` on the PDB build of the sample, on Microsoft's
 * platform: `--engine dbgeng` (Microsoft's dbgeng) and `--engine dbghelp`
 * (the dbghelp engine on Microsoft's dbghelp). Each prints the inline
 * frames marked, each frame with the line the PDB's own records give its
 * address (test/support/pdbRecords.ts decodes them; callers at return
 * address - 1), and exits with the program's exit code.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { installedPlatform } from '../../client/platformChoice';
import { runCli } from '../support/cli';
import { fixtureExe, fixturePdb, fixtureSource, repoRoot } from '../support/fixtures';
import { markerLine } from '../support/markers';
import { imageBase, stackShownAt } from '../support/pdbRecords';

const SAMPLE_C = fixtureSource('sample.c');
const SAMPLE = fixtureExe('sample', 'pdb');
const SAMPLE_PDB = fixturePdb('sample');
const BREAK = `${SAMPLE_C}:${markerLine(SAMPLE_C, '#BP helper')}`;
const skip = installedPlatform(repoRoot) ? false : "Microsoft's debugger platform is not installed: run `npm run setup` with dotnet on PATH";

interface JsonFrame { name: string; inline: boolean; module: string | null; file: string | null; line: number | null; instructionPointer: string }
interface JsonStop { reason: string; frames: JsonFrame[] }

const stack = (args: string[], cwd = repoRoot) => runCli(['stack', ...args], cwd);

/** The frames of the sample's own code (helper, middle, outer, main), as the records say they are shown. */
function expected(frames: JsonFrame[]) {
  const own = frames.slice(0, 4);
  const physical = own.filter((f) => !f.inline).map((f) => BigInt(f.instructionPointer));
  return { got: own.map((f) => ({ name: f.name, inline: f.inline, line: f.line ?? undefined })), want: stackShownAt(SAMPLE_PDB, imageBase(SAMPLE), physical) };
}

for (const engine of ['dbgeng', 'dbghelp'] as const) {
  describe(`dbgeng-inline stack --engine ${engine} on a PDB program`, { skip }, () => {
    it('prints the inline frames with the lines the PDB records give, and exits with the program', async () => {
      const { stdout, stderr, code } = await stack(['--engine', engine, '--json', '--break', BREAK, '--', SAMPLE]);
      assert.equal(code, 19, stderr);
      const stops = stdout.split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as JsonStop);
      assert.equal(stops.length, 1, stdout);
      assert.equal(stops[0]!.reason, 'breakpoint');
      const { got, want } = expected(stops[0]!.frames);
      assert.deepEqual(got.map((f) => f.name), ['helper', 'middle', 'outer', 'main']);
      assert.deepEqual(got, want);
      assert.ok(stops[0]!.frames.slice(0, 4).every((f) => f.module === 'sample'));
    });

    it('binds --break NAME.c:LINE given from another folder (a bare file name, as gdb and WinDbg take it)', async () => {
      const line = markerLine(SAMPLE_C, '#BP helper');
      const { stdout, stderr, code } = await stack(['--engine', engine, '--json', '--break', `sample.c:${line}`, '--', SAMPLE], os.tmpdir());
      assert.equal(code, 19, stderr);
      assert.doesNotMatch(stderr, /not bound/);
      const stops = stdout.split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as JsonStop);
      assert.deepEqual(stops.map((st) => [st.reason, st.frames[0]!.name, st.frames[0]!.line]), [['breakpoint', 'helper', line]]);
    });
  });
}

describe('dbgeng-inline stack --engine dbgeng: the k table', { skip }, () => {
  it("names Microsoft's dbgeng and its version, and marks the inline frames with their own lines", async () => {
    const { stdout, stderr, code } = await stack(['--engine', 'dbgeng', '--break', BREAK, '--', SAMPLE]);
    assert.equal(code, 19, stderr);
    assert.match(stderr + stdout, /Engine: dbgeng engine: Microsoft's dbgeng 10\.0\.\d+\.\d+ /);
    const helper = markerLine(SAMPLE_C, '#BP helper');
    const middle = markerLine(SAMPLE_C, '#CALL helper from middle');
    assert.match(stdout, new RegExp(`^00 \\(Inline\\)\\s+-+ sample!helper \\[.*sample\\.c @ ${helper}\\]$`, 'm'));
    assert.match(stdout, new RegExp(`^01 \\(Inline\\)\\s+-+ sample!middle \\[.*sample\\.c @ ${middle}\\]$`, 'm'));
    assert.match(stdout, /^02 [0-9a-f]{16} [0-9a-f]{16} sample!outer\+0x[0-9a-f]+$/m);
  });
});

describe('dbgeng-inline stack --dbghelp-path: the engine runs on the dbghelp.dll the user names', { skip }, () => {
  it("runs the dbghelp engine on that file, says so in the Engine line, and reads the PDB with it", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'user-dbghelp-'));
    try {
      const mine = path.join(dir, 'dbghelp.dll');
      fs.copyFileSync(path.join(installedPlatform(repoRoot)!.bin, 'dbghelp.dll'), mine);
      const { stdout, stderr, code } = await stack(['--engine', 'dbghelp', '--dbghelp-path', mine, '--break', BREAK, '--', SAMPLE]);
      assert.equal(code, 19, stderr);
      const engineLine = (stderr + stdout).split('\n').find((l) => l.startsWith('Engine:')) ?? '';
      // The adapter runs beside a link of that file (client/windowsRuntime.ts), which is what it loaded.
      assert.match(engineLine, /^Engine: dbghelp engine, as the launch configuration asks, on Microsoft's dbghelp 10\.0\.\d+\.\d+ \(.*\\staged\\[0-9a-f]{16}\\dbghelp\.dll\)/, engineLine);
      assert.match(engineLine, new RegExp(`dbghelp from dbghelpPath ${mine.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
      assert.match(stdout, /^00 \(Inline\)\s+-+ sample!helper /m);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('says clearly when the named file does not exist, and starts nothing', async () => {
    const { stderr, code } = await stack(['--dbghelp-path', path.join(os.tmpdir(), 'no-such-dir', 'dbghelp.dll'), '--', SAMPLE]);
    assert.notEqual(code, 0);
    assert.match(stderr, /dbghelpPath names .*no-such-dir.dbghelp\.dll, which does not exist\. Name a dbghelp\.dll/);
  });
});

