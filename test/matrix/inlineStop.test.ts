/**
 * The matrix, one stop inside an inline frame, on every cell
 * (test/matrix/cells.ts): the stack as the cell's records say it is, the
 * raw InlineFrameContext in the engine's encoding, WinDbg's `k` in the
 * Debug Console, the inline frame's own local and its value, evaluate in
 * that frame, a dump written at the stop opening to the same stack, stepOut
 * of the inline frame to its caller, and the exit code.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { RawInlineFrameContextBody } from '../../stacktext/rawContextBody';
import { TestSession } from '../support/dapSession';
import { caseOptions, cells, shown, type InlineStop } from './cells';
import { checkDump } from '../../client/dumpFile';

const INLINE = / \(Inline\)$/;
const baseName = (name: string) => name.replace(INLINE, '');
const toWindows = (p: string) => (process.platform === 'win32' ? p : `Z:${p.replace(/\//g, '\\')}`);

for (const cell of cells) {
  describe(`matrix, ${cell.name}: a stop inside an inline frame`, { skip: cell.skip }, () => {
    let stop: InlineStop;
    const s = () => stop.session;

    before(async () => {
      stop = await cell.inlineStop();
    });
    after(() => stop?.close());

    it('shows the stack the records give: inline frames marked and named for themselves, each with its own line', caseOptions(cell, 'stack'), () => {
      assert.deepEqual(shown(stop.frames, stop.expected.length), stop.expected);
      assert.ok(INLINE.test(stop.frames[0]!.name), 'the stop is inside an inline frame');
    });

    it('gives a frame a source path only where the file is on this machine', caseOptions(cell, 'sourcePaths'), () => {
      for (const f of stop.frames) if (f.source?.path) assert.ok(fs.existsSync(f.source.path), `${f.name}: ${f.source.path}`);
    });

    it("passes each frame's raw InlineFrameContext through, decoded in the engine's encoding", caseOptions(cell, 'rawContext'), async () => {
      const raw = (await s().dap.request('rawInlineFrameContext', { threadId: stop.threadId })).body as RawInlineFrameContextBody;
      assert.equal(raw.encoding, cell.encoding);
      assert.deepEqual(raw.frames.map((f) => f.inline), stop.frames.map((f) => INLINE.test(f.name)));
      for (const f of raw.frames) {
        const inline = f.decoded.encoding === 'windows' ? f.decoded.frameTypeNames.includes('INLINE') : f.decoded.mode === 'inline';
        assert.equal(inline, f.inline, `${f.name}: ${f.inlineFrameContext}`);
      }
    });

    it("prints WinDbg's k in the Debug Console, the inline rows marked", caseOptions(cell, 'console'), async () => {
      const k = (await s().dap.request<DebugProtocol.EvaluateResponse>('evaluate', { expression: 'k', context: 'repl' })).body.result;
      // Ours marks a row "(Inline)", dbgeng's "(Inline Function)"; both name the function module!name
      // (ours numbers the rows as `kn` does, dbgeng's `k` does not).
      const rows = k.split('\n').filter((l) => /\S!\S/.test(l));
      const own = stop.frames.slice(0, stop.expected.length);
      assert.ok(rows.length >= own.length, k);
      own.forEach((f, i) => {
        assert.match(rows[i]!, new RegExp(`!${baseName(f.name)}\\b`), k);
        assert.equal(/\(Inline( Function)?\)/.test(rows[i]!), INLINE.test(f.name), rows[i]);
      });
    });

    it("lists the inline frame's own local with the value the source computes", caseOptions(cell, 'locals'), async () => {
      const scopes = (await s().dap.request<DebugProtocol.ScopesResponse>('scopes', { frameId: stop.frames[0]!.id })).body.scopes;
      const locals = scopes.find((x) => x.name === 'Locals');
      assert.ok(locals, scopes.map((x) => x.name).join(', '));
      const vars = (await s().dap.request<DebugProtocol.VariablesResponse>('variables', { variablesReference: locals.variablesReference })).body.variables;
      const v = vars.find((x) => x.name === stop.local.name);
      assert.ok(v, `${stop.local.name} in ${vars.map((x) => x.name).join(', ')}`);
      assert.equal(v.value, stop.local.value);
    });

    it('evaluates that local in the inline frame', caseOptions(cell, 'evaluate'), async () => {
      const r = await s().dap.request<DebugProtocol.EvaluateResponse>('evaluate', { expression: stop.local.name, frameId: stop.frames[0]!.id, context: 'watch' });
      assert.equal(r.body.result, stop.local.value);
    });

    it("shows that local in hex when the client asks (VS Code's hex toggle), and reads WinDbg's 0n decimal in expressions", caseOptions(cell, 'hex'), async () => {
      const frameId = stop.frames[0]!.id;
      const hex = `0x${Number(stop.local.value).toString(16)}`;
      const scopes = (await s().dap.request<DebugProtocol.ScopesResponse>('scopes', { frameId })).body.scopes;
      const locals = scopes.find((x) => x.name === 'Locals')!;
      const vars = (await s().dap.request<DebugProtocol.VariablesResponse>('variables', { variablesReference: locals.variablesReference, format: { hex: true } })).body.variables;
      assert.equal(vars.find((x) => x.name === stop.local.name)?.value, hex);
      const r = await s().dap.request<DebugProtocol.EvaluateResponse>('evaluate', { expression: stop.local.name, frameId, context: 'watch', format: { hex: true } });
      assert.equal(r.body.result, hex);
      const sum = await s().dap.request<DebugProtocol.EvaluateResponse>('evaluate', { expression: `${stop.local.name} + 0n10`, frameId, context: 'watch' });
      assert.equal(sum.body.result, String(Number(stop.local.value) + 10));
    });

    it("writes a frame's parameters into its name when the client's stackTrace format asks, in hex on request", caseOptions(cell, 'frameFormat'), async () => {
      const { frame, name, value } = stop.parameter;
      const format: DebugProtocol.StackFrameFormat = { parameters: true, parameterTypes: false, hex: true };
      const frames = (await s().dap.request<DebugProtocol.StackTraceResponse>('stackTrace', { threadId: stop.threadId, startFrame: 0, levels: frame + 1, format })).body.stackFrames;
      const plain = stop.frames[frame]!;
      assert.equal(frames[frame]!.id, plain.id, 'the same frame, only named differently');
      const inline = INLINE.test(plain.name) ? ' (Inline)' : '';
      assert.match(frames[frame]!.name, new RegExp(`^${baseName(plain.name)}\\(.*\\b${name} = 0x${Number(value).toString(16)}\\b.*\\)${inline.replace(/[()]/g, '\\$&')}$`));
      const unformatted = (await s().dap.request<DebugProtocol.StackTraceResponse>('stackTrace', { threadId: stop.threadId, startFrame: 0, levels: frame + 1 })).body.stackFrames;
      assert.equal(unformatted[frame]!.name, plain.name, 'without a format, names are as before');
    });

    it('lists frame 2\'s locals with `dv` after `.frame 2` in the Debug Console, whichever frame the console sends', caseOptions(cell, 'consoleFrame'), async () => {
      const repl = async (expression: string) =>
        (await s().dap.request<DebugProtocol.EvaluateResponse>('evaluate', { expression, context: 'repl', frameId: stop.frames[0]!.id })).body.result;
      // Frame 2 is outer (helper and middle are inlined into it): outer(int x) { int o = middle(x) + 5; ... }.
      assert.equal(baseName(stop.frames[2]!.name), 'outer');
      await repl('.frame 2');
      const dv = await repl('dv');
      assert.match(dv, /\bx\b/, dv);
      assert.match(dv, /\bo\b/, dv);
      assert.doesNotMatch(dv, /\bh\b/, `helper's h is not outer's: ${dv}`);
      await repl('.frame 0');
      assert.match(await repl('dv'), /\bh\b/, "back in helper's frame, its own h");
    });

    it("completes the inline frame's own local and the console's commands in the Debug Console", caseOptions(cell, 'completions'), async () => {
      assert.equal(s().capabilities.supportsCompletionsRequest, true);
      const frameId = stop.frames[0]!.id;
      const typed = `1 + ${stop.local.name.slice(0, 1)}`;
      const names = (await s().dap.request<DebugProtocol.CompletionsResponse>('completions', { text: typed, column: typed.length + 1, frameId })).body.targets.map((t) => t.label);
      assert.ok(names.includes(stop.local.name), names.join(', '));
      const commands = (await s().dap.request<DebugProtocol.CompletionsResponse>('completions', { text: '.fr', column: 4, frameId })).body.targets.map((t) => t.label);
      assert.deepEqual(commands, ['.frame']);
    });

    it('writes a minidump at the stop that opens to the same stack', caseOptions(cell, 'dump'), async () => {
      const dump = path.join(os.tmpdir(), `dbgeng-inline-matrix-${process.pid}.dmp`);
      try {
        const written = await s().dap.request<DebugProtocol.EvaluateResponse>('evaluate', { expression: `.dump /m ${toWindows(dump)}`, context: 'repl' });
        assert.ok(fs.existsSync(dump) && fs.statSync(dump).size > 0, written.body.result);
        // The header check the adapter makes of every dumpFile reads a dump dbgeng wrote as what it is.
        assert.equal(checkDump(dump).architecture, 'x64');
        const d = await TestSession.start(undefined, { engine: 'dbgeng', dumpFile: dump });
        try {
          const stopped = d.waitForStop(60_000);
          await d.launch({ dumpFile: dump, engine: 'dbgeng' });
          const again = (await d.stackTrace((await stopped).body.threadId!)).stackFrames;
          const n = stop.expected.length;
          assert.deepEqual(again.slice(0, n).map((f) => [f.name, f.line]), stop.frames.slice(0, n).map((f) => [f.name, f.line]));
        } finally {
          await d.close();
        }
      } finally {
        fs.rmSync(dump, { force: true });
      }
    });

    it("steps out of the inline frame into its caller, on the line the records give", caseOptions(cell, 'stepOut'), async () => {
      const stepped = s().waitForStop(60_000);
      await s().dap.request('stepOut', { threadId: stop.threadId });
      const st = await stepped;
      assert.equal(st.body.reason, 'step');
      const now = (await s().stackTrace(st.body.threadId!)).stackFrames;
      assert.equal(baseName(now[0]!.name), baseName(stop.frames[1]!.name));
      const physical = now.filter((f) => !INLINE.test(f.name)).slice(0, 1).map((f) => BigInt(f.instructionPointerReference!));
      assert.deepEqual(shown(now, 1), stop.shownAt!(physical).slice(0, 1));
    });

    it("runs to the end with the program's exit code", caseOptions(cell, 'exit'), async () => {
      assert.equal(await s().continueToExit(stop.threadId), stop.exitCode);
    });
  });
}
