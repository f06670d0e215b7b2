/**
 * The engine thread and its client, below the adapter: a driver bundled
 * from drivers/engineCalls.ts runs in Windows Node (under Wine off
 * Windows) against the real engine and a real program.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import * as esbuild from 'esbuild';
import { fixtureExe, fixtureSource, repoRoot } from '../support/fixtures';
import { markerLine } from '../support/markers';
import { winePaths } from '../../adapter/paths';

describe('EngineClient against the dbghelp engine', () => {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  let r: any;

  before(async () => {
    const paths = await import('../../scripts/lib/paths.mjs');
    const outDir = path.join(repoRoot, 'dist', 'test-drivers');
    fs.mkdirSync(outDir, { recursive: true });
    await esbuild.build({
      entryPoints: [path.join(__dirname, 'drivers', 'engineCalls.ts')], bundle: true, platform: 'node', format: 'cjs',
      outfile: path.join(outDir, 'engineCalls.js'), external: ['koffi'], logLevel: 'warning',
    });
    fs.copyFileSync(path.join(repoRoot, 'dist', 'engine-host.js'), path.join(outDir, 'engine-host.js'));
    const out = path.join(paths.testResults, 'engineCalls.json');
    fs.rmSync(out, { force: true });
    const src = fixtureSource('sample.c');
    const toWin = (p: string) => (paths.needsWine ? winePaths.toEngine(p) : p);
    const [cmd, args] = paths.windowsCommand(paths.nodeWinExe, [toWin(path.join(outDir, 'engineCalls.js')), toWin(fixtureExe('sample')), toWin(src), String(markerLine(src, '#BP helper')), toWin(out)]);
    // Windows node.exe under Wine cannot use pipes for stdio: ignore them.
    await new Promise<void>((resolve, reject) => {
      const child = spawn(cmd, args, { env: paths.wineEnv(), cwd: outDir, stdio: 'ignore', timeout: 60_000 });
      child.on('error', reject);
      child.on('exit', () => resolve());
    });
    r = JSON.parse(fs.readFileSync(out, 'utf8'));
    if (r.error) throw new Error(r.error);
  });

  it('launches with the dbghelp engine and says why', () => {
    assert.equal(r.launched.engine, 'dbghelp');
    assert.ok(r.launched.processId > 0);
    assert.match(r.launched.engineReason, /dbghelp/);
  });

  it('binds the breakpoint and stops there', () => {
    assert.equal(r.bps[0].verified, true);
    assert.equal(r.stop.type, 'stopped');
    assert.equal(r.stop.reason, 'breakpoint');
    assert.deepEqual(r.stop.breakpointIds, [r.bps[0].id]);
  });

  it('reads the registers: RIP is the breakpoint address', () => {
    const rip = r.registers.find((x: { name: string }) => x.name === 'rip');
    assert.equal(rip.value, r.bps[0].addresses[0]);
    assert.ok(r.registers.find((x: { name: string }) => x.name === 'rsp'));
  });

  it('gives raw frames with their inline contexts', () => {
    assert.deepEqual(r.frames.map((f: { inline: boolean }) => f.inline), [true, true, false, false]);
    assert.deepEqual(r.frames.map((f: { physicalIndex: number }) => f.physicalIndex), [0, 0, 0, 1]);
    assert.deepEqual(r.frames.map((f: { resolvedBy: string }) => f.resolvedBy), ['inlineContext', 'inlineContext', 'offset', 'offset']);
  });

  it('resolveSymbol names each frame by its inline context, as the walk did', () => {
    assert.deepEqual(r.resolved.slice(0, 3).map((x: { function: string }) => x.function), ['helper', 'middle', 'outer']);
    assert.deepEqual(r.resolved.slice(0, 3).map((x: { resolvedBy: string }) => x.resolvedBy), ['inlineContext', 'inlineContext', 'offset']);
    assert.equal(r.resolved[0].module, 'sample');
  });

  it('answers a bad thread with a coded error, not a crash', () => {
    assert.equal(r.notStopped.code, 'noThread');
  });

  it('reports the exit after terminate', () => {
    assert.ok(r.events.includes('exited'));
  });
});
