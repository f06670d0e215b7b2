/**
 * Choosing the engine, with the system's real dbgeng.dll. Under Wine that is
 * Wine's own dbgeng: DebugCreate works, but IDebugControl5 and
 * IDebugSymbols5 are missing, so `auto` must fall back to the dbghelp
 * engine and say why, and `dbgeng` must fail with advice.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { DapError } from '../../client/dapClient';
import { fixtureExe } from '../support/fixtures';
import { TestSession } from '../support/dapSession';

const underWine = process.platform !== 'win32';

describe('engine choice with the system dbgeng.dll', { skip: underWine ? false : 'these expectations describe Wine\'s dbgeng' }, () => {
  it('auto falls back to the dbghelp engine and says why in the Debug Console', async () => {
    const s = await TestSession.start();
    try {
      const output: string[] = [];
      s.dap.on('output', (e: DebugProtocol.OutputEvent) => output.push(e.body.output));
      const stopped = s.waitForStop();
      await s.launch({ program: fixtureExe('sample'), args: ['break'], engine: 'auto' });
      await stopped;
      const line = output.find((o) => o.startsWith('Engine:'));
      assert.match(line ?? '', /^Engine: dbghelp engine on Wine's builtin dbghelp [\d.]+ \(C:\\windows\\system32\\dbghelp\.dll\): dbgeng is not usable \(dbgeng\.dll lacks IDebugControl5, IDebugSymbols5, IDebugRegisters2, IDebugDataSpaces4 \(E_NOINTERFACE\)/);
      assert.match(line ?? '', /Wine/);
    } finally {
      await s.close();
    }
  });

  it('engine "dbgeng" fails with what is missing and what to do', async () => {
    const s = await TestSession.start();
    try {
      const err = await s.dap.request('launch', { program: fixtureExe('sample'), engine: 'dbgeng' }).then(() => undefined, (e: DapError) => e);
      assert.ok(err instanceof DapError, 'launch must fail');
      assert.match(err.message, /The dbgeng engine cannot run: dbgeng\.dll lacks IDebugControl5, IDebugSymbols5, IDebugRegisters2, IDebugDataSpaces4/);
      assert.match(err.message, /set "dbgengPath"/);
      assert.match(err.message, /"dbghelp"/);
    } finally {
      await s.close();
    }
  });

  it('a dbgengPath that does not exist is reported as such', async () => {
    const s = await TestSession.start();
    try {
      const err = await s.dap.request('launch', { program: fixtureExe('sample'), engine: 'dbgeng', dbgengPath: '/no/such/dbgeng.dll' }).then(() => undefined, (e: DapError) => e);
      assert.match(err?.message ?? '', /could not be loaded/);
    } finally {
      await s.close();
    }
  });
});
