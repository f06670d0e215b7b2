/**
 * Frames whose source file is not on this machine. Wine's own DLLs name
 * relative source paths ("dlls/kernelbase/sync.c") that Wine's dbghelp
 * resolves against the adapter's folder: a path that does not exist. Such a
 * frame gets no path (VS Code shows it without source and focuses a frame
 * that has some); asking for its source says why there is none.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { DapError } from '../../client/dapClient';
import { fixtureSource } from '../support/fixtures';
import { markerLine } from '../support/markers';
import { TestSession } from '../support/dapSession';
import { uniqueCopy, type ExeCopy } from '../support/debuggee';
import { waitUntilGone } from '../support/processes';

const FAULTS_C = fixtureSource('faults.c');

describe('frames whose source is not on this machine', () => {
  let s: TestSession;
  let copy: ExeCopy;
  let frames: DebugProtocol.StackFrame[];

  before(async () => {
    copy = uniqueCopy('faults', 'nosource');
    s = await TestSession.start();
    // Mode "child" prints a line, then sleeps for a minute in kernelbase's Sleep.
    const running = new Promise<void>((resolve) => s.dap.on('output', (e: DebugProtocol.OutputEvent) => {
      if (/child running/.test(e.body.output)) resolve();
    }));
    await s.launch({ program: copy.exe, args: ['child'] });
    await running;
    await new Promise((r) => setTimeout(r, 300)); // into Sleep
    const stopped = s.waitForStop();
    await s.dap.request('pause', { threadId: 0 });
    const stop = await stopped;
    frames = (await s.stackTrace(stop.body.threadId!, 0, 20)).stackFrames;
  });
  after(async () => {
    await s?.close();
    copy?.remove();
    assert.deepEqual(await waitUntilGone(copy.name), []);
  });

  it('the program\'s own frame keeps its path and line', () => {
    const main = frames.find((f) => f.name === 'main')!;
    assert.ok(main, `no main in ${frames.map((f) => f.name).join(', ')}`);
    assert.equal(main.source?.path, FAULTS_C);
    assert.equal(main.line, markerLine(FAULTS_C, '#SLEEP child'));
  });

  it('a frame in a Wine DLL names its file but gives no path, and is deemphasized', () => {
    const sleep = frames.find((f) => f.name === 'Sleep');
    assert.ok(sleep, `no Sleep in ${frames.map((f) => f.name).join(', ')}`);
    assert.ok(sleep.source, 'the file is still named');
    assert.equal(sleep.source.path, undefined);
    assert.equal(sleep.source.name, 'sync.c');
    assert.equal(sleep.source.presentationHint, 'deemphasize');
    assert.ok(sleep.line > 0, 'the line stays');
    // Every path the stack does give exists.
    for (const f of frames) if (f.source?.path) assert.ok(fs.existsSync(f.source.path), f.source.path);
  });

  it('asking for that source says it is not here, and where the debug information puts it', async () => {
    const sleep = frames.find((f) => f.name === 'Sleep')!;
    await assert.rejects(s.dap.request('source', { source: sleep.source, sourceReference: 0 }), (e: DapError) => {
      assert.match(e.message, /The source file sync\.c is not on this machine: the debug information names ".*dlls\/kernelbase\/sync\.c", which does not exist/);
      return true;
    });
  });
});
