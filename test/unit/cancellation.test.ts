import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Cancellation } from '../../adapter/cancellation';

describe('cancellation of long requests', () => {
  it('cancel(seq) aborts that request only', () => {
    const c = new Cancellation();
    const a = c.begin(1);
    const b = c.begin(2);
    assert.equal(c.cancel(1), true);
    assert.equal(a.aborted, true);
    assert.equal(b.aborted, false);
  });

  it('moveOn aborts every request in flight, and none begun after it', () => {
    const c = new Cancellation();
    const a = c.begin(1);
    const b = c.begin(2);
    c.moveOn();
    assert.equal(a.aborted && b.aborted, true);
    const later = c.begin(3);
    assert.equal(later.aborted, false);
    c.moveOn();
    assert.equal(later.aborted, true);
  });

  it('a request that ended is no longer cancellable, and forgotten', () => {
    const c = new Cancellation();
    const a = c.begin(1);
    c.end(1);
    assert.equal(c.cancel(1), false);
    c.moveOn();
    assert.equal(a.aborted, false, 'a finished request is not aborted after the fact');
  });
});
