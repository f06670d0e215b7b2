/**
 * The product's signature, end to end: a real program built with inline
 * functions, stopped inside them, and a call stack whose inline frames are
 * their own entries, named for themselves and marked "(Inline)".
 * Real adapter, real engine thread, real dbghelp and kernel32 under Wine.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { fixtureExe, fixtureSource } from '../support/fixtures';
import { markerLine } from '../support/markers';
import { TestSession } from '../support/dapSession';

const SAMPLE_C = fixtureSource('sample.c');

/**
 * Wine 8's dbghelp gives inline frames the wrong line on the caller side:
 * an outer inline frame or the physical frame holding it gets no line or
 * its declaration's line, where Windows gives the call site. These checks
 * state the right answer and are marked todo under Wine.
 */
const WINE_CALLER_LINES = process.platform === 'win32' ? undefined : 'Wine 8 dbghelp reports wrong caller-side lines for inline frames';

const baseName = (f: DebugProtocol.StackFrame) => f.name.replace(/ \(Inline\)$/, '');
const fileOf = (f: DebugProtocol.StackFrame) => f.source?.path?.replace(/\\/g, '/');

describe('breakpoint inside a function inlined two levels deep', () => {
  let s: TestSession;
  let stop: DebugProtocol.StoppedEvent;
  let frames: DebugProtocol.StackFrame[];
  let bound: DebugProtocol.Breakpoint[];

  before(async () => {
    s = await TestSession.start();
    const stopped = s.waitForStop();
    const [bp] = await s.launch({ program: fixtureExe('sample') }, [{ file: SAMPLE_C, lines: [markerLine(SAMPLE_C, '#BP helper')] }]);
    bound = bp!.body.breakpoints;
    stop = await stopped;
    frames = (await s.stackTrace(stop.body.threadId!)).stackFrames;
  });
  after(() => s?.close());

  it('binds the breakpoint on the marked line', () => {
    assert.equal(bound.length, 1);
    assert.equal(bound[0]!.verified, true, bound[0]!.message);
    assert.equal(bound[0]!.line, markerLine(SAMPLE_C, '#BP helper'));
  });

  it('stops for the breakpoint', () => {
    assert.equal(stop.body.reason, 'breakpoint');
    assert.deepEqual(stop.body.hitBreakpointIds, [bound[0]!.id]);
  });

  it('shows helper and middle as inline frames, then outer, then main', () => {
    assert.deepEqual(frames.slice(0, 4).map((f) => f.name), ['helper (Inline)', 'middle (Inline)', 'outer', 'main']);
  });

  it('never marks inline frames subtle (VS Code would fold them away)', () => {
    for (const f of frames) assert.notEqual(f.presentationHint, 'subtle');
  });

  it('puts the innermost frame on the breakpoint line of sample.c', () => {
    assert.match(fileOf(frames[0]!)!, /test\/fixtures\/src\/sample\.c$/);
    assert.equal(frames[0]!.line, markerLine(SAMPLE_C, '#BP helper'));
  });

  it('gives main the line of its call to outer', () => {
    assert.match(fileOf(frames[3]!)!, /sample\.c$/);
    assert.equal(frames[3]!.line, markerLine(SAMPLE_C, '#CALL outer from main'));
  });

  it('gives every frame an instruction pointer and a module', () => {
    for (const f of frames) {
      assert.match(f.instructionPointerReference ?? '', /^0x[0-9a-f]+$/);
    }
    for (const f of frames.slice(0, 4)) assert.ok(f.moduleId, `${f.name} has a moduleId`);
  });

  it('inline frames share the PC of the physical frame that holds them', () => {
    assert.equal(frames[0]!.instructionPointerReference, frames[2]!.instructionPointerReference);
    assert.equal(frames[1]!.instructionPointerReference, frames[2]!.instructionPointerReference);
  });

  it('gives middle and outer their call-site lines', { todo: WINE_CALLER_LINES }, () => {
    assert.equal(frames[1]!.line, markerLine(SAMPLE_C, '#CALL helper from middle'));
    assert.equal(frames[2]!.line, markerLine(SAMPLE_C, '#CALL middle from outer'));
  });

  it('runs to the end and reports the exit code', async () => {
    const exited = s.dap.waitFor<DebugProtocol.ExitedEvent>('exited');
    const terminated = s.dap.waitFor('terminated');
    await s.dap.request('continue', { threadId: stop.body.threadId });
    assert.equal((await exited).body.exitCode, 19); // outer(1) = 19, see sample.c
    await terminated;
  });
});

describe('__debugbreak() inside an inline function', () => {
  let s: TestSession;
  let stop: DebugProtocol.StoppedEvent;
  let frames: DebugProtocol.StackFrame[];

  before(async () => {
    s = await TestSession.start();
    const stopped = s.waitForStop();
    await s.launch({ program: fixtureExe('sample'), args: ['break'] });
    stop = await stopped;
    frames = (await s.stackTrace(stop.body.threadId!)).stackFrames;
  });
  after(() => s?.close());

  it('stops with an exception: a break instruction', () => {
    assert.equal(stop.body.reason, 'exception');
    assert.match(stop.body.text ?? '', /Break instruction exception.*0x80000003/);
  });

  it('shows the inline chain down to __debugbreak, then outer and main', () => {
    // mingw's __debugbreak is itself an always_inline function (_mingw.h),
    // so it is the innermost inline frame; MSVC's is an intrinsic.
    const names = frames.map((f) => f.name);
    const at = names.indexOf('helper (Inline)');
    assert.ok(at >= 0, `helper (Inline) in ${names.join(', ')}`);
    for (const f of frames.slice(0, at)) assert.match(f.name, /^__debugbreak \(Inline\)$/);
    assert.deepEqual(names.slice(at, at + 4), ['helper (Inline)', 'middle (Inline)', 'outer', 'main']);
    if (at > 0) assert.match(fileOf(frames[0]!)!, /_mingw\.h$/);
  });

  it('puts helper on the __debugbreak line', { todo: WINE_CALLER_LINES }, () => {
    const helper = frames.find((f) => baseName(f) === 'helper')!;
    assert.equal(helper.line, markerLine(SAMPLE_C, '#DEBUGBREAK helper'));
  });

  it('continues past the int3 and the program finishes', async () => {
    const exited = s.dap.waitFor<DebugProtocol.ExitedEvent>('exited');
    await s.dap.request('continue', { threadId: stop.body.threadId });
    assert.equal((await exited).body.exitCode, 25); // outer(2) = 25
  });
});

describe('C++: a template and a member function inlined', () => {
  const CPP = fixtureSource('inline_cpp.cpp');
  let s: TestSession;
  let frames: DebugProtocol.StackFrame[];

  before(async () => {
    s = await TestSession.start();
    const stopped = s.waitForStop();
    await s.launch({ program: fixtureExe('inline_cpp') }, [{ file: CPP, lines: [markerLine(CPP, '#BP cpp-inner')] }]);
    frames = (await s.stackTrace((await stopped).body.threadId!)).stackFrames;
  });
  after(() => s?.close());

  it('shows scale<int> and add as inline frames, then run and main', () => {
    assert.deepEqual(frames.slice(0, 4).map((f) => f.name.replace(/^Accumulator::/, '')), ['scale<int> (Inline)', 'add (Inline)', 'run', 'main']);
    assert.equal(frames[0]!.line, markerLine(CPP, '#BP cpp-inner'));
    assert.equal(frames[3]!.line, markerLine(CPP, '#CALL run from main'));
  });

  it('qualifies the member function with its class', {
    todo: process.platform === 'win32' ? undefined : "Wine 8's dbghelp names DWARF member functions without their class",
  }, () => {
    assert.equal(frames[1]!.name, 'Accumulator::add (Inline)');
  });
});
