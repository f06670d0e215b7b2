/**
 * disassemble around an inline frame (instructions with source locations
 * and the inline function they belong to), readMemory of what the program
 * wrote, writeMemory that changes what it computes.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { fixtureExe, fixtureSource } from '../support/fixtures';
import { markerLine } from '../support/markers';
import { TestSession } from '../support/dapSession';

const SRC = fixtureSource('inline_many.c');

describe('memory and disassembly at a stop inside inlined code', () => {
  let s: TestSession;
  let stop: DebugProtocol.StoppedEvent;
  let top: DebugProtocol.StackFrame;
  let sp: bigint;

  before(async () => {
    s = await TestSession.start();
    const stopped = s.waitForStop();
    await s.launch({ program: fixtureExe('inline_many') }, [{ file: SRC, lines: [markerLine(SRC, '#BP helper-many')] }]);
    stop = await stopped;
    top = (await s.stackTrace(stop.body.threadId!, 0, 1)).stackFrames[0]!;
    const raw = (await s.dap.request('rawInlineFrameContext', { threadId: stop.body.threadId })).body as { frames: { stackOffset: string }[] };
    sp = BigInt(raw.frames[0]!.stackOffset);
  });
  after(() => s?.close());

  it('announces memory and disassembly support', () => {
    assert.equal(s.capabilities.supportsDisassembleRequest, true);
    assert.equal(s.capabilities.supportsReadMemoryRequest, true);
    assert.equal(s.capabilities.supportsWriteMemoryRequest, true);
  });

  it('disassembles before and after the stop, with source lines and the inline function', async () => {
    const body = (await s.dap.request<DebugProtocol.DisassembleResponse>('disassemble', {
      memoryReference: top.instructionPointerReference, instructionOffset: -4, instructionCount: 12, resolveSymbols: true,
    })).body!;
    assert.equal(body.instructions.length, 12);
    const at = body.instructions[4]!;
    assert.equal(at.address, top.instructionPointerReference);
    assert.notEqual(at.instructionBytes?.slice(0, 2), 'cc', 'our breakpoint is hidden');
    assert.match(at.symbol ?? '', /^helper \(Inline\) in caller_a$/);
    const addresses = body.instructions.map((i) => BigInt(i.address));
    for (let i = 1; i < addresses.length; i++) assert.ok(addresses[i]! > addresses[i - 1]!, 'addresses increase');
    const withLine = body.instructions.filter((i) => i.line);
    assert.ok(withLine.some((i) => i.line === markerLine(SRC, '#BP helper-many') && /inline_many\.c$/.test(i.location?.path ?? '')));
    assert.ok(body.instructions.some((i) => i.symbol === 'caller_a' || /^caller_b/.test(i.symbol ?? '') || /in caller_a$/.test(i.symbol ?? '')));
  });

  it('reads memory as the program has it: the int3 under our breakpoint is hidden', async () => {
    const code = (await s.dap.request<DebugProtocol.ReadMemoryResponse>('readMemory', { memoryReference: top.instructionPointerReference, count: 4 })).body!;
    assert.equal(code.address, top.instructionPointerReference);
    assert.notEqual(Buffer.from(code.data!, 'base64')[0], 0xcc);
  });

  it('reads the value the program stored: only_in_helper = 1 * 7 on the stack', async () => {
    const mem = (await s.dap.request<DebugProtocol.ReadMemoryResponse>('readMemory', { memoryReference: `0x${sp.toString(16)}`, count: 32 })).body!;
    const bytes = Buffer.from(mem.data!, 'base64');
    const ints = Array.from({ length: 8 }, (_, i) => bytes.readInt32LE(i * 4));
    assert.ok(ints.includes(7), `7 among ${ints.join(', ')}`);
  });

  it('writeMemory changes what the program computes', async () => {
    const mem = Buffer.from((await s.dap.request<DebugProtocol.ReadMemoryResponse>('readMemory', { memoryReference: `0x${sp.toString(16)}`, count: 32 })).body!.data!, 'base64');
    const slot = Array.from({ length: 8 }, (_, i) => mem.readInt32LE(i * 4)).indexOf(7);
    const data = Buffer.alloc(4);
    data.writeInt32LE(100);
    const w = (await s.dap.request<DebugProtocol.WriteMemoryResponse>('writeMemory', { memoryReference: `0x${(sp + BigInt(slot * 4)).toString(16)}`, data: data.toString('base64') })).body!;
    assert.equal(w.bytesWritten, 4);
    await s.dap.request('setBreakpoints', { source: { path: SRC }, breakpoints: [] });
    const exited = s.dap.waitFor<DebugProtocol.ExitedEvent>('exited');
    await s.dap.request('continue', { threadId: stop.body.threadId });
    // caller_a now returns 100 + 2: (102 + 87 + 165) & 0x7f = 98 instead of 5.
    assert.equal((await exited).body.exitCode, 98);
  });
});
