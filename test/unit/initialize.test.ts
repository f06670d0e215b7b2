/**
 * initialize as the specification has it: every argument but adapterID is
 * optional, with defaults (native paths, lines and columns from 1). A
 * client that sends only what is required is answered with the
 * capabilities; one that asks for URIs or 0-based lines hears that this
 * adapter cannot, and what to send instead.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { DbgengSession } from '../../adapter/session';

/** The session's answer to one request, caught before it is written out. */
function answer(command: string, args: unknown): DebugProtocol.Response {
  const sent: DebugProtocol.Response[] = [];
  const session = new DbgengSession();
  (session as unknown as { sendResponse(r: DebugProtocol.Response): void }).sendResponse = (r) => sent.push(r);
  (session as unknown as { dispatchRequest(r: DebugProtocol.Request): void }).dispatchRequest({ seq: 1, type: 'request', command, arguments: args });
  assert.equal(sent.length, 1, 'exactly one response');
  return sent[0]!;
}

describe('initialize', () => {
  it('accepts only its required argument, the specification defaulting the rest', () => {
    const r = answer('initialize', { adapterID: 'dbgeng' }) as DebugProtocol.InitializeResponse;
    assert.equal(r.success, true, r.message);
    assert.equal(r.body?.supportsStepInTargetsRequest, true);
    assert.equal(answer('initialize', { adapterID: 'dbgeng', pathFormat: 'path', linesStartAt1: true, columnsStartAt1: true }).success, true);
  });

  it('refuses URIs and 0-based lines or columns, saying what to send', () => {
    for (const [args, hint] of [[{ pathFormat: 'uri' }, /"pathFormat": "uri".*Use "path"/], [{ linesStartAt1: false }, /"linesStartAt1": false/], [{ columnsStartAt1: false }, /"columnsStartAt1": false/]] as const) {
      const r = answer('initialize', { adapterID: 'dbgeng', ...args });
      assert.equal(r.success, false);
      assert.match((r as DebugProtocol.ErrorResponse).body.error?.format ?? '', hint);
    }
  });
});
