/**
 * The dbgeng engine's data views through the real adapter, on the native
 * test double (seed 004's stack, stopped inside helper inlined into main):
 * locals and parameters from symbol groups, an inline frame's own locals,
 * setVariable, registers, and memory. The double keeps the variables in
 * its fake memory, so a variable set reads back as bytes and bytes written
 * read back as a variable. Disassembly is dbgeng's own (DisassembleWide)
 * over the double's code page.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { doubleLaunch, readLines, startWithDouble, type DoubleRun } from '../support/dbgengDouble';

type Vars = DebugProtocol.Variable[];

describe('dbgeng engine against the double: variables, registers, memory', () => {
  let r: DoubleRun;
  let threadId: number;
  let frames: DebugProtocol.StackFrame[];

  const scopes = async (frameId: number) => (await r.s.dap.request<DebugProtocol.ScopesResponse>('scopes', { frameId })).body.scopes;
  const vars = async (ref: number): Promise<Vars> => (await r.s.dap.request<DebugProtocol.VariablesResponse>('variables', { variablesReference: ref })).body.variables;
  const scope = async (frameId: number, name: string) => vars((await scopes(frameId)).find((s) => s.name === name)!.variablesReference);
  const byName = (vs: Vars) => Object.fromEntries(vs.map((v) => [v.name, v.value]));

  const threadEvents: [string, number][] = [];

  before(async () => {
    r = await startWithDouble();
    r.s.dap.on('thread', (e: DebugProtocol.ThreadEvent) => threadEvents.push([e.body.reason, e.body.threadId]));
    const stopped = r.s.waitForStop();
    await r.s.launch(doubleLaunch());
    threadId = (await stopped).body.threadId!;
    frames = (await r.s.stackTrace(threadId)).stackFrames;
  });
  after(() => r?.dispose());

  it("lists the inline frame's own locals, not main's", async () => {
    assert.equal(frames[0]!.name, 'helper (Inline)');
    const locals = await scope(frames[0]!.id, 'Locals');
    assert.deepEqual(locals.map((v) => [v.name, v.type, v.value]), [['only_in_helper', 'int', '7'], ['pt', 'Point', '{...}']]);
    assert.deepEqual(await scope(frames[0]!.id, 'Arguments'), []);
  });

  it("lists main's parameters and locals, without helper's", async () => {
    assert.deepEqual(byName(await scope(frames[1]!.id, 'Arguments')), { argc: '1', argv: '0x00000000`0008c5f0' });
    const locals = await scope(frames[1]!.id, 'Locals');
    assert.deepEqual(locals.map((v) => v.name), ['total', 'values']);
    assert.equal(locals[0]!.memoryReference, '0x29fd50');
  });

  it('asks dbgeng for each frame by its index with inline frames counted', () => {
    const calls = readLines(r.trace);
    assert.ok(calls.includes('SetScopeFrameByIndexEx 0x0 0'), 'helper (Inline) is frame 0');
    assert.ok(calls.includes('SetScopeFrameByIndexEx 0x0 1'), 'main is frame 1');
    assert.ok(calls.includes('GetScopeSymbolGroup2 0x3'), 'arguments and locals');
  });

  it('sets a local of the inline frame; its memory holds the new value', async () => {
    const localsRef = (await scopes(frames[0]!.id)).find((s) => s.name === 'Locals')!.variablesReference;
    const set = await r.s.dap.request<DebugProtocol.SetVariableResponse>('setVariable', { variablesReference: localsRef, name: 'only_in_helper', value: '0x2a' });
    assert.equal(set.body.value, '42');
    const mem = await r.s.dap.request<DebugProtocol.ReadMemoryResponse>('readMemory', { memoryReference: '0x29fd30', count: 4 });
    assert.deepEqual([...Buffer.from(mem.body!.data!, 'base64')], [42, 0, 0, 0]);
    assert.ok(readLines(r.trace).includes('WriteSymbolWide 0 0x2a'));
  });

  it('refuses a value dbgeng cannot write, with the reason', async () => {
    const localsRef = (await scopes(frames[0]!.id)).find((s) => s.name === 'Locals')!.variablesReference;
    await assert.rejects(
      r.s.dap.request('setVariable', { variablesReference: localsRef, name: 'only_in_helper', value: 'banana' }),
      /Cannot set only_in_helper to "banana": dbgeng refused it \(E_INVALIDARG/,
    );
    await assert.rejects(r.s.dap.request('setVariable', { variablesReference: localsRef, name: 'nope', value: '1' }), /no local or parameter "nope"/);
  });

  it('writes memory and the variable shows it', async () => {
    const wrote = await r.s.dap.request<DebugProtocol.WriteMemoryResponse>('writeMemory', { memoryReference: '0x29fd50', data: Buffer.from([0x39, 0x05, 0, 0]).toString('base64') });
    assert.equal(wrote.body!.bytesWritten, 4);
    assert.equal(byName(await scope(frames[1]!.id, 'Locals')).total, '1337');
  });

  it('reads up to the end of readable memory and reports the rest unreadable', async () => {
    const mem = await r.s.dap.request<DebugProtocol.ReadMemoryResponse>('readMemory', { memoryReference: '0x29fdf0', count: 32 });
    assert.equal(Buffer.from(mem.body!.data!, 'base64').length, 16);
    assert.equal(mem.body!.unreadableBytes, 16);
    const none = await r.s.dap.request<DebugProtocol.ReadMemoryResponse>('readMemory', { memoryReference: '0x1000', count: 8 });
    assert.equal(none.body!.unreadableBytes, 8);
  });

  it("disassembles with dbgeng's own disassembler: WinDbg's text, with bytes, lines and names by address", async () => {
    const body = (await r.s.dap.request<DebugProtocol.DisassembleResponse>('disassemble', {
      memoryReference: frames[0]!.instructionPointerReference, instructionOffset: -1, instructionCount: 8, resolveSymbols: true,
    })).body!;
    // "dword ptr" is dbgeng's spelling (the double's text); iced-x86's MASM leaves it out here ("mov eax,[rbp-10h]").
    assert.deepEqual(body.instructions.map((i) => [i.address, i.instructionBytes, i.instruction, i.line ?? null, i.symbol ?? null]), [
      ['0x12412ef', 'cc', 'int 3', null, null],
      ['0x12412f0', '8b 45 f0', 'mov eax,dword ptr [rbp-10h]', 4, 'main'],
      ['0x12412f3', '83 c0 07', 'add eax,7', null, 'main'],
      ['0x12412f6', '89 45 f0', 'mov dword ptr [rbp-10h],eax', 5, 'main'],
      ['0x12412f9', '0f 1f 80 00 00 00 00', 'nop dword ptr [rax]', null, null],
      ['0x1241300', '8b 45 e0', 'mov eax,dword ptr [rbp-20h]', 33, 'main'],
      ['0x1241303', '48 83 c4 28', 'add rsp,28h', null, null],
      ['0x1241307', 'c3', 'ret', null, null],
    ]);
    const calls = readLines(r.trace).filter((c) => c.startsWith('DisassembleWide '));
    // One call an instruction, from the start iced-x86 found before the anchor, each at the last one's EndOffset.
    const offsets = [...new Set(calls.map((c) => c.split(' ')[1]))];
    assert.deepEqual(offsets, ['0x12412ef', '0x12412f0', '0x12412f3', '0x12412f6', '0x12412f9', '0x1241300', '0x1241303', '0x1241307']);
    assert.ok(calls.every((c) => c.split(' ')[2] === '0x0'), 'no DEBUG_DISASM_* flags');
  });

  it('asks again with the size dbgeng says it needs when a line does not fit (S_FALSE)', () => {
    const calls = readLines(r.trace).filter((c) => c.startsWith('DisassembleWide '));
    const cut = calls.findIndex((c) => / -> S_FALSE \d+$/.test(c));
    assert.ok(cut >= 0, `no line was cut short:\n${calls.join('\n')}`);
    const [, offset, , size, , , needed] = calls[cut]!.split(' ');
    const [, again, , bigger, , result] = calls[cut + 1]!.split(' ');
    assert.equal(again, offset, 'the same instruction, asked again');
    assert.ok(Number(bigger) >= Number(needed) && Number(needed) > Number(size), calls.slice(cut, cut + 2).join(' / '));
    assert.equal(result, 'S_OK');
  });

  it('shows unreadable code as "??" and lists on after it, as WinDbg does', async () => {
    const body = (await r.s.dap.request<DebugProtocol.DisassembleResponse>('disassemble', { memoryReference: '0x1241ffe', instructionCount: 4 })).body!;
    assert.deepEqual(body.instructions.map((i) => [i.address, i.instruction, i.presentationHint ?? null]), [
      ['0x1241ffe', 'int 3', null],
      ['0x1241fff', 'int 3', null],
      ['0x1242000', '??', 'invalid'],
      ['0x1242001', '??', 'invalid'],
    ]);
    assert.ok(readLines(r.trace).some((c) => /^DisassembleWide 0x1242000 0x0 \d+ -> E_FAIL$/.test(c)), 'dbgeng was asked, and failed');
  });

  it('shows the general-purpose registers of the top frame, rip where the thread is', async () => {
    const regs = await scope(frames[0]!.id, 'Registers');
    assert.deepEqual(regs.map((v) => v.name), ['rax', 'rbx', 'rcx', 'rdx', 'rsi', 'rdi', 'rbp', 'rsp', 'r8', 'r9', 'r10', 'r11', 'r12', 'r13', 'r14', 'r15', 'rip', 'efl']);
    const v = byName(regs);
    assert.equal(v.rip, '0x12412f0');
    assert.equal(v.rsp, '0x29fd40');
    assert.equal(v.efl, '0x246');
    assert.ok(readLines(r.trace).includes('GetValues2 0 18'), 'one GetValues2 from DEBUG_REGSRC_DEBUGGEE');
  });

  it("shows a caller frame's registers as dbgeng unwound them: rip and rsp its own, no volatile ones", async () => {
    const caller = frames.find((f) => f.name.startsWith('__scrt_common_main_seh'))!;
    assert.ok(caller, frames.map((f) => f.name).join(', '));
    const regs = await scope(caller.id, 'Registers');
    assert.deepEqual(regs.map((v) => v.name), ['rbx', 'rsi', 'rdi', 'rbp', 'rsp', 'r12', 'r13', 'r14', 'r15', 'rip']);
    assert.equal(BigInt(byName(regs).rip!), BigInt(caller.instructionPointerReference!));
    const index = frames.indexOf(caller);
    assert.ok(readLines(r.trace).includes(`SetScopeFrameByIndexEx 0x0 ${index}`), 'the caller made the scope frame');
    assert.ok(readLines(r.trace).includes('GetValues2 2 10'), 'read from DEBUG_REGSRC_FRAME');
  });

  it('sets a register and reads it back', async () => {
    const ref = (await scopes(frames[0]!.id)).find((s) => s.name === 'Registers')!.variablesReference;
    const set = await r.s.dap.request<DebugProtocol.SetVariableResponse>('setVariable', { variablesReference: ref, name: 'rax', value: '0x1234' });
    assert.equal(set.body.value, '0x1234');
    const again = (await r.s.stackTrace(threadId)).stackFrames;
    assert.equal(byName(await scope(again[0]!.id, 'Registers')).rax, '0x1234');
  });

  it("shows another thread's own stack, scopes and registers, each thread's whatever was asked before", async () => {
    const other = (await r.s.stackTrace(4243)).stackFrames;
    assert.deepEqual(other.map((f) => f.name), ['NtWaitForSingleObject', 'WaitForSingleObjectEx', 'BaseThreadInitThunk', '__RtlUserThreadStart', '_RtlUserThreadStart']);
    const mine = (await r.s.stackTrace(threadId)).stackFrames;
    assert.equal(mine[0]!.name, 'helper (Inline)');
    // Alternating threads: dbgeng's current thread (and scope) must follow every request.
    assert.equal(byName(await scope(other[0]!.id, 'Registers')).rip, '0x77800010');
    assert.equal(byName(await scope(mine[0]!.id, 'Locals')).only_in_helper, '42');
    assert.deepEqual(await scope(other[0]!.id, 'Locals'), []);
    assert.equal(byName(await scope(mine[0]!.id, 'Registers')).rip, '0x12412f0');
    assert.ok(readLines(r.trace).includes('SetCurrentThreadId 1'));
  });

  it('evaluates a local of the inline frame there, and not in main', async () => {
    const inHelper = await r.s.dap.request<DebugProtocol.EvaluateResponse>('evaluate', { expression: 'only_in_helper', frameId: frames[0]!.id, context: 'watch' });
    assert.equal(inHelper.body.result, '42');
    await assert.rejects(r.s.dap.request('evaluate', { expression: 'only_in_helper', frameId: frames[1]!.id, context: 'watch' }));
  });

  it('opens a struct in the Variables view through the engine (ExpandSymbol), and watches an expression (AddSymbolWide)', async () => {
    const now = (await r.s.stackTrace(threadId)).stackFrames;
    const pt = (await scope(now[0]!.id, 'Locals')).find((v) => v.name === 'pt')!;
    assert.ok(pt.variablesReference > 0, 'pt opens');
    const members = await vars(pt.variablesReference);
    assert.deepEqual(members.map((m) => m.name), ['x', 'y']);
    const sum = await r.s.dap.request<DebugProtocol.EvaluateResponse>('evaluate', { expression: 'only_in_helper + 1', frameId: now[0]!.id, context: 'watch' });
    assert.equal(sum.body.result, String(Number(byName(await scope(now[0]!.id, 'Locals')).only_in_helper) + 1));
    const bad = await r.s.dap.send('evaluate', { expression: 'only_in_helper +', frameId: now[0]!.id, context: 'watch' });
    assert.equal(bad.success, false);
    assert.ok(readLines(r.trace).includes('AddSymbolWide only_in_helper + 1'));
  });

  it('released every symbol group before the program ran on, and the double saw no wrong call', async () => {
    const exited = r.s.dap.waitFor<DebugProtocol.ExitedEvent>('exited');
    await r.s.dap.request('continue', { threadId });
    await exited;
    await r.s.close();
    assert.deepEqual(threadEvents, [['started', 4243], ['exited', 4243]]);
    assert.deepEqual(readLines(r.log), []);
    const calls = readLines(r.trace);
    const made = calls.filter((c) => /^symbol group \d+ for /.test(c)).length;
    const freed = calls.filter((c) => /^symbol group \d+ freed$/.test(c)).length;
    assert.ok(made >= 2);
    assert.equal(freed, made);
  });
});
