/**
 * adapter/requests.ts: what happens to a request before any handler sees
 * it. Malformed requests get an error naming the field; standard requests
 * without a handler get an error (with advice where there is some), never
 * an empty success; names inherited by every JavaScript object are plain
 * unknown commands.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { MAX_INSTRUCTIONS, screenRequest } from '../../adapter/requests';

const req = (command: unknown, args?: unknown) => ({ seq: 1, type: 'request', command, arguments: args }) as DebugProtocol.Request;
const all = () => true;
const none = () => false;

function errorOf(r: ReturnType<typeof screenRequest>): string {
  assert.equal(r.kind, 'error', JSON.stringify(r));
  return r.kind === 'error' ? r.error.message : '';
}

describe('screenRequest', () => {
  it('dispatches a well-formed request that has a handler', () => {
    assert.deepEqual(screenRequest(req('stackTrace', { threadId: 1, startFrame: 0, levels: 20 }), all), { kind: 'dispatch' });
    assert.deepEqual(screenRequest(req('threads'), all), { kind: 'dispatch' });
  });

  it('dispatches unknown commands (customRequest answers them), including names every object inherits', () => {
    for (const command of ['rawInlineFrameContext', 'frobnicate', 'constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf']) {
      assert.deepEqual(screenRequest(req(command, {}), none), { kind: 'dispatch' }, command);
    }
  });

  it('rejects a missing or non-string command', () => {
    for (const command of [undefined, null, 42, {}, [], '']) assert.match(errorOf(screenRequest(req(command), all)), /needs a "command"/);
  });

  it('rejects arguments that are not an object', () => {
    for (const args of [null, 0, 'x', [], true]) assert.match(errorOf(screenRequest(req('threads', args), all)), /"arguments" must be an object/);
  });

  it('rejects missing arguments where the handler needs them', () => {
    assert.match(errorOf(screenRequest(req('launch'), all)), /needs "arguments"/);
    assert.match(errorOf(screenRequest(req('setBreakpoints'), all)), /needs "arguments"/);
  });

  it('names the field of the wrong type', () => {
    assert.match(errorOf(screenRequest(req('stackTrace', { threadId: '1' }), all)), /"threadId" must be a whole number from 0/);
    assert.match(errorOf(screenRequest(req('stackTrace', { threadId: 1, levels: -1 }), all)), /"levels" must be a whole number from 0/);
    assert.match(errorOf(screenRequest(req('stackTrace', { threadId: 1.5 }), all)), /"threadId"/);
    assert.match(errorOf(screenRequest(req('setBreakpoints', { source: 'a.c' }), all)), /"source" must be an object/);
    assert.match(errorOf(screenRequest(req('setBreakpoints', { source: { path: 7 } }), all)), /"source" must be an object whose "path" is a string/);
    assert.match(errorOf(screenRequest(req('setBreakpoints', { source: {}, breakpoints: [{ line: 3 }, { line: 0 }] }), all)), /item 1 is not/);
    assert.match(errorOf(screenRequest(req('setFunctionBreakpoints', { breakpoints: [{ name: 5 }] }), all)), /"breakpoints" must be an array of breakpoints with a "name"/);
    assert.match(errorOf(screenRequest(req('setExceptionBreakpoints', { filters: 'all' }), all)), /"filters" must be an array of filter names/);
  });

  it('bounds the work one request may ask for', () => {
    assert.match(errorOf(screenRequest(req('disassemble', { memoryReference: '0x1', instructionCount: MAX_INSTRUCTIONS + 1 }), all)), /"instructionCount" must be a whole number from 0 to 100000/);
    assert.match(errorOf(screenRequest(req('readMemory', { memoryReference: '0x1', count: 2 ** 40 }), all)), /"count" must be a whole number from 0 to/);
    assert.deepEqual(screenRequest(req('disassemble', { memoryReference: '0x1', instructionCount: 50 }), all), { kind: 'dispatch' });
  });

  it('answers a standard request without a handler with an error, never an empty success', () => {
    assert.match(errorOf(screenRequest(req('stepBack', { threadId: 1 }), none)), /cannot run a program backwards/);
    assert.match(errorOf(screenRequest(req('gotoTargets', {}), none)), /"gotoTargets" request is not supported/);
    assert.match(errorOf(screenRequest(req('scopes', { frameId: 1 }), none)), /"scopes" request is not supported/);
  });
});
