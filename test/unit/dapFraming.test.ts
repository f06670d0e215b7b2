/**
 * The DAP framing the command line and the extension read the adapter
 * with: a message that is not JSON is skipped and reported, never thrown
 * out of a socket's 'data' handler (which would take the editor's
 * extension host or the command line down with it).
 */
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { describe, it } from 'node:test';
import { DapClient } from '../../client/dapClient';
import { frame, MessageReader } from '../../client/dapFraming';

const raw = (body: string) => Buffer.from(`Content-Length: ${Buffer.byteLength(body, 'utf8')}\r\n\r\n${body}`);

describe('MessageReader', () => {
  it('delivers whole messages, however the chunks fall', () => {
    const got: unknown[] = [];
    const r = new MessageReader((m) => got.push(m));
    const bytes = Buffer.concat([Buffer.from(frame({ a: 1 })), Buffer.from(frame({ b: 'ünï' }))]);
    for (const b of bytes) r.push(Buffer.from([b]));
    assert.deepEqual(got, [{ a: 1 }, { b: 'ünï' }]);
  });

  it('skips a message that is not JSON, reports it, and goes on with the next', () => {
    const got: unknown[] = [];
    const problems: string[] = [];
    const r = new MessageReader((m) => got.push(m), (p) => problems.push(p));
    assert.doesNotThrow(() => r.push(Buffer.concat([raw('{"seq": 1,'), raw('not json'), Buffer.from(frame({ seq: 2 }))])));
    assert.deepEqual(got, [{ seq: 2 }]);
    assert.equal(problems.length, 2);
    assert.match(problems[0]!, /not JSON/);
  });

  it('drops a header without Content-Length and resynchronises', () => {
    const got: unknown[] = [];
    const r = new MessageReader((m) => got.push(m));
    r.push(Buffer.concat([Buffer.from('Content-Type: x\r\n\r\n'), Buffer.from(frame({ ok: true }))]));
    assert.deepEqual(got, [{ ok: true }]);
  });
});

describe('DapClient', () => {
  it('survives messages that are JSON but not DAP (null, numbers, arrays), and still matches responses', async () => {
    const fromAdapter = new PassThrough();
    const toAdapter = new PassThrough();
    const client = new DapClient(fromAdapter, toAdapter);
    const answer = client.send('threads');
    fromAdapter.write(Buffer.concat([raw('null'), raw('42'), raw('[1,2]'), raw('"text"'), raw('{]')]));
    fromAdapter.write(frame({ seq: 9, type: 'response', request_seq: 1, command: 'threads', success: true, body: { threads: [] } }));
    const r = await answer;
    assert.equal(r.success, true);
  });
});
