/**
 * The command line when the debugger's own process ends in the middle:
 * the dbgeng DLL faults inside a call (the C double, DBGENG_DOUBLE_CRASH=
 * stack, faults in GetStackTraceEx when the CLI asks for the stack at the
 * stop). It says so, with the fault and the adapter's log, exits with 3,
 * and prints no JavaScript stack.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runCli } from '../support/cli';
import { dbgengDouble, fixtureExe } from '../support/fixtures';

describe('the CLI when the adapter is lost', () => {
  it('says what happened and exits 3', async () => {
    const r = await runCli(['stack', '--engine', 'dbgeng', '--dbgeng-path', dbgengDouble, '--', fixtureExe('sample')], undefined, { DBGENG_DOUBLE_CRASH: 'stack' });
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stderr, /dbgeng-inline: The debugger's process exited with code \d+ in the middle of the session.*The program being debugged ended with it.*exception 0xc0000005/s);
    assert.doesNotMatch(r.stderr, /\n\s+at /, 'no JavaScript stack');
    assert.ok(r.ms < 30_000, `${r.ms} ms`);
  });
});
