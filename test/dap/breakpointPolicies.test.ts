/**
 * Conditional breakpoints, hit counts and logpoints. caller_a(i) runs ten
 * times (i = 0..9); at its entry the argument is in ecx (x64 calling
 * convention), which every build can read.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { fixtureExe } from '../support/fixtures';
import { TestSession } from '../support/dapSession';

/** 10 calls: sum of (7i + 2) for i in 0..9 = 335, & 0x7f. */
const EXIT = 335 & 0x7f;

async function run(bp: DebugProtocol.FunctionBreakpoint): Promise<{ stops: number; ecx: string[]; output: string[]; exitCode: number; verified: boolean }> {
  const s = await TestSession.start();
  try {
    const output: string[] = [];
    s.dap.on('output', (e: DebugProtocol.OutputEvent) => { if (e.body.category === 'console') output.push(e.body.output); });
    const ecx: string[] = [];
    let stops = 0;
    const exited = s.dap.waitFor<DebugProtocol.ExitedEvent>('exited', 60_000);
    s.dap.on('stopped', async (e: DebugProtocol.StoppedEvent) => {
      stops++;
      const frame = (await s.stackTrace(e.body.threadId!, 0, 1)).stackFrames[0]!;
      const scopes = (await s.dap.request<DebugProtocol.ScopesResponse>('scopes', { frameId: frame.id })).body.scopes;
      const regs = (await s.dap.request<DebugProtocol.VariablesResponse>('variables', { variablesReference: scopes.find((x) => x.name === 'Registers')!.variablesReference })).body.variables;
      ecx.push(String(Number(BigInt(regs.find((r) => r.name === 'rcx')!.value) & 0xffffffffn)));
      await s.dap.request('continue', { threadId: e.body.threadId });
    });
    const initialized = s.dap.waitFor('initialized', 60_000);
    await s.dap.request('launch', { program: fixtureExe('inline_many'), args: ['loop', '10'] });
    await initialized;
    const r = await s.dap.request<DebugProtocol.SetFunctionBreakpointsResponse>('setFunctionBreakpoints', { breakpoints: [bp] });
    await s.dap.request('configurationDone');
    const exitCode = (await exited).body.exitCode;
    return { stops, ecx, output, exitCode, verified: r.body.breakpoints[0]!.verified };
  } finally {
    await s.close();
  }
}

describe('breakpoint conditions, hit counts and logpoints', () => {
  it('announces them', async () => {
    const s = await TestSession.start();
    await s.close();
    assert.equal(s.capabilities.supportsConditionalBreakpoints, true);
    assert.equal(s.capabilities.supportsHitConditionalBreakpoints, true);
    assert.equal(s.capabilities.supportsLogPoints, true);
  });

  it('a condition stops only where it holds', async () => {
    const r = await run({ name: 'caller_a', condition: 'ecx == 3' });
    assert.equal(r.verified, true);
    assert.deepEqual(r.ecx, ['3']);
    assert.equal(r.exitCode, EXIT);
  });

  it('a hit count ">=8" stops on the 8th, 9th and 10th hit', async () => {
    const r = await run({ name: 'caller_a', hitCondition: '>=8' });
    assert.deepEqual(r.ecx, ['7', '8', '9']);
  });

  it('a hit count counts only hits where the condition holds', async () => {
    const r = await run({ name: 'caller_a', condition: 'ecx % 2 == 1', hitCondition: '2' });
    assert.deepEqual(r.ecx, ['3']); // odd values 1, 3, ...: the second is 3
  });

  it('a logpoint logs each hit with its values and never stops', async () => {
    const r = await run({ name: 'caller_a', condition: undefined, hitCondition: undefined, ...{ logMessage: 'caller_a x={ecx} twice={ecx * 2}' } } as DebugProtocol.FunctionBreakpoint);
    assert.equal(r.stops, 0);
    const logs = r.output.filter((o) => o.startsWith('caller_a x='));
    assert.deepEqual(logs, Array.from({ length: 10 }, (_, i) => `caller_a x=${i} twice=${i * 2}\n`));
    assert.equal(r.exitCode, EXIT);
  });

  it('a condition that cannot be evaluated stops and says why', async () => {
    const r = await run({ name: 'caller_a', condition: 'no_such_name > 1', hitCondition: undefined });
    assert.equal(r.stops, 10);
    assert.ok(r.output.some((o) => /condition "no_such_name > 1" could not be evaluated: "no_such_name" is not a variable of this frame/.test(o)));
  });
});
