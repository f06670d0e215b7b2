/**
 * The matrix, "Step Into Target" (native/engines/stepInTargets.ts), on every
 * cell, in test/fixtures/src/targets.c:
 *  - on `#TWO INLINED` main calls twice() and add_ten(), both inlined:
 *    stepInTargets lists both, and stepIn with add_ten's target stops in
 *    add_ten (Inline) at its first line, main under it on the call's line;
 *  - on `#CALL AND INLINED` main calls square() (a real call) and twice()
 *    inlined: both listed, and stepIn with square's stops in square.
 * Which calls a line makes is read from the source line itself.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { describe, it } from 'node:test';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { fixtureSource } from '../support/fixtures';
import { markerLine } from '../support/markers';
import type { TestSession } from '../support/dapSession';
import { caseOptions, cells, openProgram, type Cell } from './cells';

const SRC = fixtureSource('targets.c');
const INLINED = new Set(['twice', 'add_ten']);

/** The functions the marked line calls, as its text spells them (the code after the marker's `//` left out). */
function callsOnLine(marker: string): string[] {
  const text = fs.readFileSync(SRC, 'utf8').split('\n')[markerLine(SRC, marker) - 1].replace(/\/\/.*$/, '');
  return [...text.matchAll(/\b([A-Za-z_]\w*)\s*\(/g)].map((m) => m[1]!);
}

/** The DAP label a target of `name` gets: inlined calls are marked as the Call Stack marks them. */
const label = (name: string) => (INLINED.has(name) ? `${name} (Inline)` : name);

async function stopAtLine(s: TestSession, marker: string, threadId?: number): Promise<{ threadId: number; frames: DebugProtocol.StackFrame[] }> {
  const stopped = s.waitForStop(60_000);
  await s.dap.request('setBreakpoints', { source: { path: SRC }, breakpoints: [{ line: markerLine(SRC, marker) }] });
  if (threadId !== undefined) await s.dap.request('continue', { threadId });
  else await s.dap.request('configurationDone');
  const stop = await stopped;
  assert.equal(stop.body.reason, 'breakpoint');
  const id = stop.body.threadId!;
  const frames = (await s.stackTrace(id, 0, 2)).stackFrames;
  assert.equal(frames[0]!.name, 'main');
  assert.equal(frames[0]!.line, markerLine(SRC, marker));
  return { threadId: id, frames };
}

async function targetsOf(s: TestSession, frameId: number): Promise<DebugProtocol.StepInTarget[]> {
  return (await s.dap.request<DebugProtocol.StepInTargetsResponse>('stepInTargets', { frameId })).body.targets;
}

async function stepInto(s: TestSession, threadId: number, target: DebugProtocol.StepInTarget): Promise<DebugProtocol.StackFrame[]> {
  const stopped = s.waitForStop(60_000);
  await s.dap.request('stepIn', { threadId, targetId: target.id });
  const stop = await stopped;
  assert.equal(stop.body.reason, 'step', `stopped for ${JSON.stringify(stop.body)}`);
  return (await s.stackTrace(threadId, 0, 2)).stackFrames;
}

async function stepIntoTargets(cell: Cell) {
  const { program, exe, s } = await openProgram(cell, 'targets');
  try {
    const initialized = s.dap.waitFor('initialized', 60_000);
    await s.dap.request('launch', program.launch(exe));
    await initialized;
    const caps = s.capabilities;
    assert.equal(caps.supportsStepInTargetsRequest, true);

    // Two inlined calls: both listed, the second one entered.
    const first = await stopAtLine(s, '#TWO INLINED');
    const two = await targetsOf(s, first.frames[0]!.id);
    const wantTwo = callsOnLine('#TWO INLINED');
    assert.deepEqual(wantTwo, ['twice', 'add_ten'], 'the fixture line calls twice and add_ten');
    assert.deepEqual(two.map((t) => t.label).sort(), wantTwo.map(label).sort());
    const addTen = two.find((t) => t.label === label('add_ten'))!;
    const inAddTen = await stepInto(s, first.threadId, addTen);
    assert.deepEqual(inAddTen.map((f) => [f.name, f.line]), [
      ['add_ten (Inline)', markerLine(SRC, '#ADD_TEN first')],
      ['main', markerLine(SRC, '#TWO INLINED')],
    ]);

    // A real call and an inlined one: both listed, the real one entered.
    const second = await stopAtLine(s, '#CALL AND INLINED', first.threadId);
    const mixed = await targetsOf(s, second.frames[0]!.id);
    const wantMixed = callsOnLine('#CALL AND INLINED');
    assert.deepEqual(wantMixed, ['square', 'twice']);
    assert.deepEqual(mixed.map((t) => t.label).sort(), wantMixed.map(label).sort());
    const inSquare = await stepInto(s, second.threadId, mixed.find((t) => t.label === 'square')!);
    // At square's start, by the records; its line the opening brace's or its first statement's
    // (clang gives the entry address a row of each; Microsoft's dbghelp keeps the first).
    const [entry] = program.records('targets').stackShownAt([BigInt(inSquare[0]!.instructionPointerReference!)]);
    assert.equal(entry!.name, 'square');
    assert.equal(inSquare[0]!.name, 'square');
    const squareFirst = markerLine(SRC, '#SQUARE first');
    assert.ok([squareFirst - 1, squareFirst].includes(inSquare[0]!.line), `square entered at its start (line ${inSquare[0]!.line})`);
    assert.equal(inSquare[1]!.name, 'main');

    // A target of an earlier stop is refused with a reason, not stepped.
    const stale = await s.dap.request('stepIn', { threadId: second.threadId, targetId: addTen.id + 100 }).then(() => undefined, (e: Error) => e);
    assert.match(String(stale?.message), /not one of this stop's/);

    await s.dap.request('setBreakpoints', { source: { path: SRC }, breakpoints: [] });
    // v = argc = 1: r = twice(1) + add_ten(1) = 13, q = square(13) + twice(13) = 195.
    assert.equal(await s.continueToExit(second.threadId), (13 + 195) & 0x7f);
  } finally {
    await s.close();
  }
}

for (const cell of cells) {
  describe(`matrix, ${cell.name}: step into a chosen call of the line`, { skip: cell.skip }, () => {
    it('lists the calls of a line, inlined ones included, and steps into the one asked for', caseOptions(cell, 'stepInTargets'), () => stepIntoTargets(cell));
  });
}
