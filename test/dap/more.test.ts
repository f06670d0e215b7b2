/**
 * The rest of the debugging experience: thread names, modules and loaded
 * sources, instruction breakpoints, setting variables, the raw inline
 * frame contexts of every frame.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { fixtureExe, fixtureSource } from '../support/fixtures';
import { markerLine } from '../support/markers';
import { TestSession } from '../support/dapSession';

const SRC = fixtureSource('inline_many.c');

describe('threads, modules, sources', () => {
  it('a thread that named itself shows its name; modules and loaded sources list the program', async () => {
    const s = await TestSession.start();
    try {
      const threadEvents: DebugProtocol.ThreadEvent[] = [];
      s.dap.on('thread', (e: DebugProtocol.ThreadEvent) => threadEvents.push(e));
      const stopped = s.waitForStop();
      await s.launch({ program: fixtureExe('inline_many'), args: ['threads'] });
      const stop = await stopped;
      const threads = (await s.dap.request<DebugProtocol.ThreadsResponse>('threads')).body.threads;
      assert.equal(threads.find((t) => t.id === stop.body.threadId)?.name, 'worker-seven');
      assert.ok(threadEvents.some((e) => e.body.reason === 'started' && e.body.threadId === stop.body.threadId));
      const frames = (await s.stackTrace(stop.body.threadId!, 0, 3)).stackFrames;
      assert.ok(frames.some((f) => f.name === 'worker'), frames.map((f) => f.name).join(', '));

      const modules = (await s.dap.request<DebugProtocol.ModulesResponse>('modules', {})).body;
      const exe = modules.modules.find((m) => m.name === 'inline_many');
      assert.ok(exe, modules.modules.map((m) => m.name).join(', '));
      assert.equal(exe.symbolStatus, 'symbols loaded');
      assert.ok(modules.modules.some((m) => /^kernel32$/i.test(m.name)));
      assert.equal(modules.totalModules, modules.modules.length);

      const sources = (await s.dap.request<DebugProtocol.LoadedSourcesResponse>('loadedSources')).body.sources;
      assert.ok(sources.some((x) => /test\/fixtures\/src\/inline_many\.c$/.test(x.path ?? '')), sources.map((x) => x.path).join('\n'));

      const exited = s.dap.waitFor<DebugProtocol.ExitedEvent>('exited');
      await s.dap.request('continue', { threadId: stop.body.threadId });
      assert.equal((await exited).body.exitCode, 3);
      assert.ok(threadEvents.some((e) => e.body.reason === 'exited' && e.body.threadId === stop.body.threadId));
    } finally {
      await s.close();
    }
  });
});

describe('instruction breakpoints', () => {
  it('stop at the address, inside the inlined copy', async () => {
    const s = await TestSession.start();
    try {
      // Find the address of the inlined line through a line breakpoint, then
      // break on that instruction in the next round of the loop.
      let stopped = s.waitForStop();
      const [bp] = await s.launch({ program: fixtureExe('inline_many'), args: ['loop', '3'] }, [{ file: SRC, lines: [markerLine(SRC, '#BP helper-many')] }]);
      const address = bp!.body.breakpoints[0]!.instructionReference!;
      await stopped;
      await s.dap.request('setBreakpoints', { source: { path: SRC }, breakpoints: [] });
      const r = await s.dap.request<DebugProtocol.SetInstructionBreakpointsResponse>('setInstructionBreakpoints', { breakpoints: [{ instructionReference: address }] });
      assert.equal(r.body.breakpoints[0]!.verified, true);
      stopped = s.waitForStop();
      await s.dap.request('continue', { threadId: 0 });
      const stop = await stopped;
      assert.deepEqual(stop.body.hitBreakpointIds, [r.body.breakpoints[0]!.id]);
      const top = (await s.stackTrace(stop.body.threadId!, 0, 2)).stackFrames;
      assert.equal(top[0]!.instructionPointerReference, address);
      assert.equal(top[0]!.name, 'helper (Inline)');
    } finally {
      await s.close();
    }
  });
});

describe('setVariable', () => {
  it('sets a local of an inline frame, and the program computes with it', async () => {
    const toolchain = process.platform === 'win32' ? 'gcc' : 'clang'; // Wine locates variables in clang's DWARF
    const s = await TestSession.start();
    try {
      const stops: DebugProtocol.StoppedEvent[] = [];
      s.dap.on('stopped', (e: DebugProtocol.StoppedEvent) => stops.push(e));
      const exited = s.dap.waitFor<DebugProtocol.ExitedEvent>('exited', 30_000);
      await s.launch({ program: fixtureExe('inline_many', toolchain), args: ['locals'] });
      while (!stops.length) await new Promise((r) => setTimeout(r, 20));
      const frames = (await s.stackTrace(stops[0]!.body.threadId!, 0, 6)).stackFrames;
      const helper = frames.find((f) => f.name === 'helper (Inline)')!;
      const scopes = (await s.dap.request<DebugProtocol.ScopesResponse>('scopes', { frameId: helper.id })).body.scopes;
      const locals = scopes.find((x) => x.name === 'Locals')!;
      const r = await s.dap.request<DebugProtocol.SetVariableResponse>('setVariable', { variablesReference: locals.variablesReference, name: 'only_in_helper', value: '100' });
      assert.equal(r.body.value, '100');
      const bad = await s.dap.send('setVariable', { variablesReference: locals.variablesReference, name: 'only_in_helper', value: 'banana' });
      assert.equal(bad.success, false);
      assert.match((bad.body as { error?: { format: string } })?.error?.format ?? bad.message ?? '', /not a number/);
      // Three copies of helper break; go on through all of them.
      for (let i = 0; i < 3; i++) {
        while (stops.length <= i) await new Promise((res) => setTimeout(res, 20));
        await s.dap.request('continue', { threadId: stops[i]!.body.threadId });
      }
      // caller_a returns 100 + 2 instead of 9: (102 + 87 + 165) & 0x7f = 98.
      assert.equal((await exited).body.exitCode, 98);
    } finally {
      await s.close();
    }
  });
});

describe('rawInlineFrameContext', () => {
  it('answers every frame with its raw context, decoded, and how it was named', async () => {
    const s = await TestSession.start();
    try {
      const stopped = s.waitForStop();
      await s.launch({ program: fixtureExe('sample') }, [{ file: fixtureSource('sample.c'), lines: [markerLine(fixtureSource('sample.c'), '#BP helper')] }]);
      const stop = await stopped;
      const raw = (await s.dap.request('rawInlineFrameContext', { threadId: stop.body.threadId })).body as {
        encoding: string; frames: { index: number; name: string; inline: boolean; inlineFrameContext: string; decoded: { mode: string; depth: number }; resolvedBy: string; instructionOffset: string }[];
      };
      const frames = (await s.stackTrace(stop.body.threadId!)).stackFrames;
      assert.equal(raw.frames.length, frames.length);
      assert.equal(raw.encoding, process.platform === 'win32' ? 'windows' : 'wine');
      assert.deepEqual(raw.frames.slice(0, 4).map((f) => [f.name, f.inline, f.inlineFrameContext, f.resolvedBy]), [
        ['helper', true, '40000000', 'inlineContext'],
        ['middle', true, '40000001', 'inlineContext'],
        ['outer', false, '80000000', 'offset'],
        ['main', false, '80000000', 'offset'],
      ]);
      assert.deepEqual(raw.frames.slice(0, 3).map((f) => f.decoded), [{ encoding: 'wine', mode: 'inline', depth: 0 }, { encoding: 'wine', mode: 'inline', depth: 1 }, { encoding: 'wine', mode: 'regular', depth: 0 }]);
      for (const [i, f] of raw.frames.entries()) {
        assert.equal(f.index, i);
        assert.match(f.inlineFrameContext, /^[0-9a-f]{8}$/);
        assert.equal(f.instructionOffset, frames[i]!.instructionPointerReference);
      }
    } finally {
      await s.close();
    }
  });
});
