import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BreakpointIds } from '../../adapter/breakpoints/ids';

describe('breakpoint ids across restarts', () => {
  it('are the engine ids until a restart', () => {
    const ids = new BreakpointIds();
    assert.deepEqual([1, 2, 3].map((i) => ids.toClient(i)), [1, 2, 3]);
  });

  it('after a restart, rebound breakpoints keep their ids and new ones never meet an old one', () => {
    const ids = new BreakpointIds();
    [1, 2, 3, 4].forEach((i) => ids.toClient(i));
    ids.newEngine();
    // The new engine binds the client's breakpoints 2 and 4 again, as its 1 and 2.
    ids.restore(1, 2);
    ids.restore(2, 4);
    assert.equal(ids.toClient(1), 2);
    assert.equal(ids.toClient(2), 4);
    // Its breakpoint 3, set after the restart, is new to the client.
    const fresh = ids.toClient(3);
    assert.ok(![1, 2, 3, 4].includes(fresh), `id ${fresh} was handed out before`);
    // A second restart moves past that one too.
    ids.newEngine();
    ids.restore(1, fresh);
    assert.equal(ids.toClient(1), fresh);
    assert.ok(ids.toClient(2) > fresh);
  });
});
