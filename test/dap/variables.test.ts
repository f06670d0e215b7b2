/**
 * Variables of inline frames are their own. Under Wine the clang build is
 * used: Wine's dbghelp locates variables in clang's DWARF but not in gcc's
 * (../shared/notes/windows-on-linux.md).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { fixtureExe } from '../support/fixtures';
import { TestSession } from '../support/dapSession';

const toolchain = process.platform === 'win32' ? 'gcc' : 'clang';

describe('locals of an inline frame', () => {
  let s: TestSession;
  let frames: DebugProtocol.StackFrame[];
  /** mingw's __debugbreak() is itself inlined: helper's frame is the first after it. */
  let helper: DebugProtocol.StackFrame;
  let caller: DebugProtocol.StackFrame;

  const scopeVars = async (frameId: number, scope: string) => {
    const scopes = (await s.dap.request<DebugProtocol.ScopesResponse>('scopes', { frameId })).body.scopes;
    const found = scopes.find((x) => x.name === scope);
    assert.ok(found, `${scope} in ${scopes.map((x) => x.name).join(', ')}`);
    return (await s.dap.request<DebugProtocol.VariablesResponse>('variables', { variablesReference: found.variablesReference })).body.variables;
  };

  before(async () => {
    s = await TestSession.start();
    const stopped = s.waitForStop();
    await s.launch({ program: fixtureExe('inline_many', toolchain), args: ['locals'] });
    const stop = await stopped;
    frames = (await s.stackTrace(stop.body.threadId!, 0, 6)).stackFrames;
    const at = frames.findIndex((f) => f.name === 'helper (Inline)');
    helper = frames[at]!;
    caller = frames[at + 1]!;
  });
  after(() => s?.close());

  it('stops in helper, inlined into caller_a', () => {
    assert.ok(helper, frames.map((f) => f.name).join(', '));
    assert.equal(caller.name, 'caller_a');
    for (const f of frames.slice(0, frames.indexOf(helper))) assert.equal(f.name, '__debugbreak (Inline)');
  });

  it('the inline frame shows a local that exists only in helper, with its value', async () => {
    const locals = await scopeVars(helper.id, 'Locals');
    const v = locals.find((x) => x.name === 'only_in_helper');
    assert.ok(v, `only_in_helper in ${locals.map((x) => x.name).join(', ')}`);
    assert.equal(v.value, '7'); // x = 1, x * 7
    assert.match(v.memoryReference ?? '', /^0x[0-9a-f]+$/);
  });

  it('the inline frame shows its own parameter', async () => {
    const args = await scopeVars(helper.id, 'Arguments');
    assert.ok(args.some((a) => a.name === 'x'), `x in ${args.map((a) => a.name).join(', ')}`);
  });

  it('the physical frame holding it does not show helper\'s local', async () => {
    const locals = await scopeVars(caller.id, 'Locals');
    assert.ok(!locals.some((x) => x.name === 'only_in_helper'), locals.map((x) => x.name).join(', '));
  });

  it('registers of the innermost function are there', async () => {
    const regs = await scopeVars(helper.id, 'Registers');
    assert.match(regs.find((r) => r.name === 'rip')?.value ?? '', /^0x[0-9a-f]+$/);
  });
});
