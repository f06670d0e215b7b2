/**
 * The dbghelp engine on Microsoft's own dbghelp.dll (the NuGet package
 * Microsoft.Debugging.Platform.DbgEng that setup installs), reading the
 * PDB of a program whose DWARF was stripped. The adapter runs where the
 * extension would run it for such a program: the platform's node.exe, under
 * Wine off Windows, with Microsoft's DLLs chosen over Wine's.
 *
 * The expectations are the PDB's own records (`llvm-pdbutil dump -symbols
 * -l`): line `#BP helper` has code only inside helper's S_INLINESITE (in
 * outer), the line table of outer starts after that code (so outer has no
 * line there), and the CRT start-up code main returns to has no symbol of
 * its own (it lies before the nearest public symbol, so it is named by
 * module+offset). helper has three S_INLINESITE records in inline_many,
 * one in each of caller_a, caller_b and caller_c.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { installedPlatform } from '../../client/platformChoice';
import { fixtureExe, fixtureSource, repoRoot } from '../support/fixtures';
import { markerLine } from '../support/markers';
import { TestSession } from '../support/dapSession';

const SAMPLE_C = fixtureSource('sample.c');
const MANY_C = fixtureSource('inline_many.c');
const skip = installedPlatform(repoRoot) ? false : "Microsoft's debugger platform is not installed (npm run setup with dotnet on PATH fetches it)";

const baseName = (f: DebugProtocol.StackFrame) => f.name.replace(/ \(Inline\)$/, '');

async function start(program: string): Promise<{ s: TestSession; output: string[] }> {
  const s = await TestSession.start(undefined, { engine: 'dbghelp', program });
  const output: string[] = [];
  s.dap.on('output', (e: DebugProtocol.OutputEvent) => output.push(e.body.output));
  return { s, output };
}

async function scopeVars(s: TestSession, frameId: number, scope: string): Promise<DebugProtocol.Variable[]> {
  const scopes = (await s.dap.request<DebugProtocol.ScopesResponse>('scopes', { frameId })).body.scopes;
  const found = scopes.find((x) => x.name === scope);
  assert.ok(found, `${scope} in ${scopes.map((x) => x.name).join(', ')}`);
  return (await s.dap.request<DebugProtocol.VariablesResponse>('variables', { variablesReference: found.variablesReference })).body.variables;
}

describe("dbghelp engine on Microsoft's dbghelp, PDB program", { skip }, () => {
  describe('sample: a breakpoint inside helper, inlined into middle, inlined into outer', () => {
    let s: TestSession;
    let output: string[];
    let bound: DebugProtocol.Breakpoint[];
    let stop: DebugProtocol.StoppedEvent;
    let frames: DebugProtocol.StackFrame[];
    let exited: Promise<DebugProtocol.ExitedEvent>;

    before(async () => {
      ({ s, output } = await start(fixtureExe('sample', 'pdb')));
      exited = s.dap.waitFor<DebugProtocol.ExitedEvent>('exited', 60_000);
      const stopped = s.waitForStop();
      const [bp] = await s.launch({ program: fixtureExe('sample', 'pdb'), engine: 'dbghelp' }, [{ file: SAMPLE_C, lines: [markerLine(SAMPLE_C, '#BP helper')] }]);
      bound = bp!.body.breakpoints;
      stop = await stopped;
      frames = (await s.stackTrace(stop.body.threadId!)).stackFrames;
    });
    after(() => s?.close());

    it("says the dbghelp engine runs on Microsoft's dbghelp", () => {
      const line = output.find((o) => o.startsWith('Engine:'));
      assert.match(line ?? '', /^Engine: dbghelp engine\b.* on Microsoft's dbghelp 10\.[\d.]+ \(.*dbghelp\.dll\)/i);
    });

    it('binds the breakpoint on its own line (the inlined code), not on a later line', () => {
      assert.equal(bound.length, 1);
      assert.equal(bound[0]!.verified, true, bound[0]!.message);
      assert.equal(bound[0]!.line, markerLine(SAMPLE_C, '#BP helper'));
    });

    it('stops there', () => {
      assert.equal(stop.body.reason, 'breakpoint');
      assert.deepEqual(stop.body.hitBreakpointIds, [bound[0]!.id]);
    });

    it('names helper and middle as inline frames, then outer, then main', () => {
      assert.deepEqual(frames.slice(0, 4).map((f) => f.name), ['helper (Inline)', 'middle (Inline)', 'outer', 'main']);
    });

    it('gives each frame the line the PDB gives it: helper the breakpoint, middle its call of helper, outer none, main its call of outer', () => {
      const [helper, middle, outer, main] = frames;
      assert.equal(helper!.line, markerLine(SAMPLE_C, '#BP helper'));
      assert.match(helper!.source?.path ?? '', /sample\.c$/);
      assert.equal(middle!.line, markerLine(SAMPLE_C, '#CALL helper from middle'));
      // No row of outer's line table covers the PC (it starts past the inlined code).
      assert.equal(outer!.source, undefined, JSON.stringify(outer));
      assert.equal(outer!.line, 0);
      assert.equal(main!.line, markerLine(SAMPLE_C, '#CALL outer from main'));
    });

    it('inline frames share the PC of the physical frame that holds them', () => {
      assert.equal(frames[0]!.instructionPointerReference, frames[2]!.instructionPointerReference);
      assert.equal(frames[1]!.instructionPointerReference, frames[2]!.instructionPointerReference);
    });

    it('names the start-up code before the nearest symbol by module and offset, not symbol+2^64-n', () => {
      const startup = frames[4]!;
      assert.match(startup.name, /^sample\+0x[0-9a-f]+$/, frames.map((f) => f.name).join(', '));
      assert.equal(startup.name, `sample+0x${(BigInt(startup.instructionPointerReference!) - 0x140000000n).toString(16)}`);
      for (const f of frames) assert.doesNotMatch(f.name, /\+0x[0-9a-f]{16,}/);
    });

    it("an inline frame's variables are its own: helper has h, middle has m, outer has o", async () => {
      const names = async (f: DebugProtocol.StackFrame) => {
        const locals = (await scopeVars(s, f.id, 'Locals')).map((v) => v.name);
        const args = (await scopeVars(s, f.id, 'Arguments')).map((v) => v.name);
        return { locals, args };
      };
      const [helper, middle, outer] = [await names(frames[0]!), await names(frames[1]!), await names(frames[2]!)];
      assert.deepEqual(helper, { locals: ['h'], args: ['x'] }, JSON.stringify(helper));
      assert.deepEqual(middle, { locals: ['m'], args: ['x'] }, JSON.stringify(middle));
      assert.deepEqual(outer, { locals: ['o'], args: ['x'] }, JSON.stringify(outer));
    });

    it("reads helper's h where the PDB puts it (ECX at this PC): 3 * (argc + 1)", async () => {
      const h = (await scopeVars(s, frames[0]!.id, 'Locals')).find((v) => v.name === 'h');
      assert.equal(h?.value, '6');
    });

    it('runs to its exit code, 19', async () => {
      await s.dap.request('continue', { threadId: stop.body.threadId });
      assert.equal((await exited).body.exitCode, 19);
    });
  });

  describe('inline_many: a line of helper, inlined into three callers', () => {
    let s: TestSession;
    let bound: DebugProtocol.Breakpoint[];
    const stops: { frames: DebugProtocol.StackFrame[]; helperLocals: string[]; callerLocals: string[] }[] = [];
    let exitCode: number | undefined;
    let stopCount = 0;

    before(async () => {
      ({ s } = await start(fixtureExe('inline_many', 'pdb')));
      s.dap.on('stopped', () => stopCount++);
      const exited = s.dap.waitFor<DebugProtocol.ExitedEvent>('exited', 60_000);
      let stopped = s.waitForStop();
      const [bp] = await s.launch({ program: fixtureExe('inline_many', 'pdb'), engine: 'dbghelp' }, [{ file: MANY_C, lines: [markerLine(MANY_C, '#BP helper-many')] }]);
      bound = bp!.body.breakpoints;
      for (let i = 0; i < 3; i++) {
        const stop = await stopped;
        const frames = (await s.stackTrace(stop.body.threadId!, 0, 4)).stackFrames;
        const helperLocals = (await scopeVars(s, frames[0]!.id, 'Locals')).map((v) => `${v.name}=${v.value}`);
        const callerLocals = (await scopeVars(s, frames[1]!.id, 'Locals')).map((v) => v.name);
        stops.push({ frames, helperLocals, callerLocals });
        if (i < 2) stopped = s.waitForStop();
        await s.dap.request('continue', { threadId: stop.body.threadId });
      }
      exitCode = (await exited).body.exitCode;
    });
    after(() => s?.close());

    it('binds the line, in every copy of helper', () => {
      assert.equal(bound.length, 1);
      assert.equal(bound[0]!.verified, true, bound[0]!.message);
      assert.equal(bound[0]!.line, markerLine(MANY_C, '#BP helper-many'));
    });

    it('stops in helper once in each caller, with the caller on its call line', () => {
      assert.deepEqual(stops.map((x) => x.frames.slice(0, 2).map(baseName)), [['helper', 'caller_a'], ['helper', 'caller_b'], ['helper', 'caller_c']]);
      for (const x of stops) assert.equal(x.frames[0]!.line, markerLine(MANY_C, '#BP helper-many'));
      assert.deepEqual(stops.map((x) => x.frames[1]!.line), ['a', 'b', 'c'].map((c) => markerLine(MANY_C, `#CALL helper from ${c}`)));
    });

    it("the inline frame shows helper's own local; the caller does not", () => {
      // only_in_helper = x * 7: main calls caller_a(1), caller_b(2), caller_c(3), which add 0, 10, 20.
      assert.deepEqual(stops.map((x) => x.helperLocals.find((v) => v.startsWith('only_in_helper='))), ['only_in_helper=7', 'only_in_helper=84', 'only_in_helper=161']);
      for (const x of stops) assert.ok(!x.callerLocals.includes('only_in_helper'), x.callerLocals.join(', '));
    });

    it('stops only those three times, then runs to its exit code, 5', () => {
      assert.equal(stopCount, 3);
      assert.equal(exitCode, 5);
    });
  });

  // Its stops in each caller are a case of the matrix (test/matrix/inlineCopies.test.ts).
  it('a function breakpoint on helper, which exists only inlined, binds every inlined copy (SymTagInlineSite) at the copy\'s own first line', async () => {
    const { s } = await start(fixtureExe('inline_many', 'pdb'));
    try {
      const initialized = s.dap.waitFor('initialized', 60_000);
      await s.dap.request('launch', { program: fixtureExe('inline_many', 'pdb'), engine: 'dbghelp' });
      await initialized;
      const r = await s.dap.request<DebugProtocol.SetFunctionBreakpointsResponse>('setFunctionBreakpoints', { breakpoints: [{ name: 'helper' }] });
      assert.equal(r.body.breakpoints[0]!.verified, true, r.body.breakpoints[0]!.message);
      // The copy's own first line, not its caller's.
      assert.equal(r.body.breakpoints[0]!.line, markerLine(MANY_C, '#HELPER first'));
    } finally {
      await s.close();
    }
  });
});
