import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ERROR_INTERNAL_ERROR, LostStartError, START_ATTEMPTS, startDespiteLostStarts } from '../../native/win32/lostStarts';

/** A start that answers the given Win32 codes in turn (0: started), recording the waits between tries. */
function scripted(codes: number[]) {
  const waits: number[] = [];
  let calls = 0;
  const start = () => codes[calls++] ?? 0;
  return { start, sleep: (ms: number) => waits.push(ms), waits, calls: () => calls };
}

describe('starts the system loses (CreateProcessW: ERROR_INTERNAL_ERROR)', () => {
  it('a start that works is tried once, with no wait', () => {
    const s = scripted([0]);
    assert.deepEqual(startDespiteLostStarts('a.exe', s.start, s.sleep), { attempts: 1, error: 0 });
    assert.deepEqual(s.waits, []);
  });

  it('a lost start is tried again, waiting longer each time', () => {
    const s = scripted([ERROR_INTERNAL_ERROR, ERROR_INTERNAL_ERROR, 0]);
    assert.deepEqual(startDespiteLostStarts('a.exe', s.start, s.sleep), { attempts: 3, error: 0 });
    assert.deepEqual(s.waits, [100, 200]);
  });

  it('another failure is not retried: a missing file stays a missing file', () => {
    const s = scripted([2]);
    assert.deepEqual(startDespiteLostStarts('a.exe', s.start, s.sleep), { attempts: 1, error: 2 });
    assert.equal(s.calls(), 1);
  });

  it(`gives up after ${START_ATTEMPTS} losses, naming the program and what to try`, () => {
    const s = scripted(Array(10).fill(ERROR_INTERNAL_ERROR));
    assert.throws(() => startDespiteLostStarts('C:\\p\\a.exe', s.start, s.sleep), (e: unknown) => {
      assert.ok(e instanceof LostStartError);
      assert.equal(e.attempts, START_ATTEMPTS);
      assert.match(e.message, /"C:\\p\\a\.exe" died while it was being started, 3 times in a row/);
      assert.match(e.message, /run it once without the debugger/);
      return true;
    });
    assert.equal(s.calls(), START_ATTEMPTS);
  });
});
