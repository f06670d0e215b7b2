/**
 * The engine thread and its client, below the adapter: a driver bundled
 * from drivers/engineCalls.ts runs in Windows Node (under Wine off
 * Windows) against the real engine and a real program.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import { fixtureExe, fixtureSource } from '../support/fixtures';
import { runWindowsDriver } from '../support/windowsDriver';
import { markerLine } from '../support/markers';

describe('EngineClient against the dbghelp engine', () => {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  let r: any;

  before(async () => {
    const src = fixtureSource('sample.c');
    r = await runWindowsDriver(path.join(__dirname, 'drivers', 'engineCalls.ts'), [fixtureExe('sample'), src, String(markerLine(src, '#BP helper'))]);
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
