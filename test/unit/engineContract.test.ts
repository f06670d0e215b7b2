/**
 * The engine contract is said once (EngineRequests in
 * native/engines/engine.ts): the codec table has exactly its methods, the
 * worker answers exactly those, and the client offers each as a method.
 * The first check is the compiler's: here it compiles the codec table
 * against the contract with one method more, and must refuse it.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import ts from 'typescript';
import { EngineClient } from '../../native/api';
import { ENGINE_METHODS, isEngineMethod, RESULT_CODECS } from '../../native/host/codecs';

const repo = path.resolve(__dirname, '../..');

/** The compiler's errors for native/host/codecs.ts, with engine.ts's text changed by `edit`. */
function codecErrors(edit: (engineTs: string) => string): string[] {
  const engineTs = path.join(repo, 'native/engines/engine.ts');
  const options: ts.CompilerOptions = { strict: true, noEmit: true, skipLibCheck: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler, types: ['node'] };
  const host = ts.createCompilerHost(options);
  const read = host.readFile.bind(host);
  host.readFile = (file) => (path.resolve(file) === engineTs ? edit(read(file)!) : read(file));
  const program = ts.createProgram([path.join(repo, 'native/host/codecs.ts')], options, host);
  const codecs = program.getSourceFile(path.join(repo, 'native/host/codecs.ts'))!;
  return program.getSemanticDiagnostics(codecs).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
}

describe('the engine contract', () => {
  it('does not compile with a request that has no codec', () => {
    assert.deepEqual(codecErrors((t) => t), [], 'the table as it is compiles');
    const added = codecErrors((t) => t.replace('export interface EngineRequests {', 'export interface EngineRequests {\n  extra(): void;'));
    assert.equal(added.length, 1, added.join('\n'));
    assert.match(added[0]!, /Property 'extra' is missing/);
  });

  it("lists every method of the codec table, and nothing else, as the worker's", () => {
    assert.deepEqual([...ENGINE_METHODS].sort(), Object.keys(RESULT_CODECS).sort());
    assert.ok(ENGINE_METHODS.includes('stackFrames') && ENGINE_METHODS.includes('setDataBreakpoints'));
    assert.equal(isEngineMethod('poll'), false, "the engine thread's own poll is not a request");
    assert.equal(isEngineMethod('toString'), false);
  });

  it('gives the client a method for every request, each sending that request with its parameters', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dbgeng-contract-'));
    const host = path.join(dir, 'echo-host.js');
    // A stand-in engine thread that answers each request with its method and parameters.
    fs.writeFileSync(host, `
const { parentPort } = require('node:worker_threads');
parentPort.on('message', (m) => {
  parentPort.postMessage({ kind: 'response', id: m.id, result: m.method === 'stackFrames' ? { frames: [], complete: true } : { method: m.method, params: m.params } });
  if (m.method === 'dispose') parentPort.close();
});`);
    const client = new EngineClient('dbghelp', host);
    try {
      for (const method of ENGINE_METHODS) assert.equal(typeof (client as unknown as Record<string, unknown>)[method], 'function', method);
      assert.deepEqual(await client.variables(3, 1), { method: 'variables', params: [3, 1] });
      assert.deepEqual(await client.call('step', 3, 'in', 7), { method: 'step', params: [3, 'in', 7] });
      assert.deepEqual(await client.stackFrames(3, 0, 1), { frames: [], complete: true });
    } finally {
      await client.dispose();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
