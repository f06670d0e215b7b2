/**
 * Exceptions: an access violation inside an inline function stops with
 * exceptionInfo, and the stack's top frame is that inline function;
 * exception filters decide which first-chance exceptions stop.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { fixtureExe, fixtureSource } from '../support/fixtures';
import { markerLine } from '../support/markers';
import { TestSession } from '../support/dapSession';

const SRC = fixtureSource('inline_many.c');
let faultLine = 0;

/**
 * At one address the line table may hold several rows (DWARF location
 * views: the inline entry's declaration line first, then the statement);
 * the last applies. Wine 8's dbghelp answers the first.
 */
const WINE_VIEWS = process.platform === 'win32' ? undefined : "Wine 8's dbghelp answers the first of several line rows at one address";

describe('an access violation inside an inline function', () => {
  it('stops first chance with exceptionInfo, top frame the inline function; then second chance; then the program dies', async () => {
    const s = await TestSession.start();
    try {
      assert.ok(s.capabilities.supportsExceptionInfoRequest);
      assert.deepEqual(s.capabilities.exceptionBreakpointFilters?.filter((f) => f.default).map((f) => f.filter), ['breakpoint', 'access-violation', 'faults']);
      let stopped = s.waitForStop();
      await s.launch({ program: fixtureExe('inline_many'), args: ['av'] });
      let stop = await stopped;
      assert.equal(stop.body.reason, 'exception');
      const threadId = stop.body.threadId!;
      const info = (await s.dap.request<DebugProtocol.ExceptionInfoResponse>('exceptionInfo', { threadId })).body;
      assert.equal(info.exceptionId, '0xc0000005');
      assert.equal(info.breakMode, 'always');
      assert.match(info.description ?? '', /Access violation writing location 0x0 \(first chance\) at 0x[0-9a-f]+/);
      const frames = (await s.stackTrace(threadId, 0, 3)).stackFrames;
      assert.deepEqual(frames.slice(0, 2).map((f) => f.name), ['poke (Inline)', 'crash']);
      faultLine = frames[0]!.line;

      stopped = s.waitForStop();
      await s.dap.request('continue', { threadId });
      stop = await stopped;
      const second = (await s.dap.request<DebugProtocol.ExceptionInfoResponse>('exceptionInfo', { threadId: stop.body.threadId })).body;
      assert.equal(second.breakMode, 'unhandled');
      assert.match(second.description ?? '', /second chance/);

      const exited = s.dap.waitFor<DebugProtocol.ExitedEvent>('exited');
      await s.dap.request('continue', { threadId });
      assert.equal((await exited).body.exitCode >>> 0, 0xc0000005);
    } finally {
      await s.close();
    }
  });

  it('puts the inline frame on the faulting line', { todo: WINE_VIEWS }, () => {
    assert.equal(faultLine, markerLine(SRC, '#AV poke'));
  });

  it('exceptionInfo on a thread that did not stop for an exception says so', async () => {
    const s = await TestSession.start();
    try {
      const stopped = s.waitForStop();
      await s.launch({ program: fixtureExe('inline_many') }, [{ file: SRC, lines: [markerLine(SRC, '#BP helper-many')] }]);
      const stop = await stopped;
      const r = await s.dap.send('exceptionInfo', { threadId: stop.body.threadId });
      assert.equal(r.success, false);
      assert.match(r.message ?? (r.body as { error?: { format: string } })?.error?.format ?? '', /did not stop for an exception/);
    } finally {
      await s.close();
    }
  });
});

describe('exception filters', () => {
  it('with "breakpoint" off, a __debugbreak() does not stop and the program runs on', async () => {
    const s = await TestSession.start();
    try {
      const stops: unknown[] = [];
      s.dap.on('stopped', (e) => stops.push(e));
      const exited = s.dap.waitFor<DebugProtocol.ExitedEvent>('exited');
      await s.launch({ program: fixtureExe('sample'), args: ['break'] }, [], ['access-violation']);
      assert.equal((await exited).body.exitCode, 25);
      assert.equal(stops.length, 0);
    } finally {
      await s.close();
    }
  });

  it('with "access-violation" off, the first chance passes and only the second chance stops', async () => {
    const s = await TestSession.start();
    try {
      const stopped = s.waitForStop();
      await s.launch({ program: fixtureExe('inline_many'), args: ['av'] }, [], ['breakpoint']);
      const stop = await stopped;
      const info = (await s.dap.request<DebugProtocol.ExceptionInfoResponse>('exceptionInfo', { threadId: stop.body.threadId })).body;
      assert.equal(info.breakMode, 'unhandled');
    } finally {
      await s.close();
    }
  });
});

describe('continuing from a __debugbreak()', () => {
  it('stops at a breakpoint on the very next instruction (it is not stepped over)', async () => {
    const SAMPLE = fixtureSource('sample.c');
    const s = await TestSession.start();
    try {
      let stopped = s.waitForStop();
      const [bound] = await s.launch({ program: fixtureExe('sample'), args: ['break'] }, [{ file: SAMPLE, lines: [markerLine(SAMPLE, '#BP helper')] }]);
      const bp = bound!.body.breakpoints[0]!;
      assert.equal(bp.verified, true, bp.message);
      let stop = await stopped;
      assert.equal(stop.body.reason, 'exception');
      const info = (await s.dap.request<DebugProtocol.ExceptionInfoResponse>('exceptionInfo', { threadId: stop.body.threadId })).body;
      const int3 = BigInt(/at (0x[0-9a-f]+)/.exec(info.description ?? '')![1]!);
      // The case in point: the breakpoint sits right after the one-byte int3.
      assert.equal(BigInt(bp.instructionReference!), int3 + 1n, 'the fixture no longer puts the breakpoint right after the int3');

      stopped = s.waitForStop();
      await s.dap.request('continue', { threadId: stop.body.threadId });
      stop = await stopped;
      assert.equal(stop.body.reason, 'breakpoint');
      assert.deepEqual(stop.body.hitBreakpointIds, [bp.id]);
      const exited = s.dap.waitFor<DebugProtocol.ExitedEvent>('exited');
      await s.dap.request('continue', { threadId: stop.body.threadId });
      await exited;
    } finally {
      await s.close();
    }
  });
});
