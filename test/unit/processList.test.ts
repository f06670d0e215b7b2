/**
 * The attach picker's process list: parsing what `wine wmic process`,
 * `tasklist /fo csv` and `ps` print, and, under Wine, listing a real
 * running debuggee with its Windows process id.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { describe, it } from 'node:test';
import { listWindowsProcesses, parsePsCommandLines, parseTasklistCsv, parseWmic } from '../../client/processList';
import { fixtureExe, repoRoot } from '../support/fixtures';
import path from 'node:path';

describe('process list parsers', () => {
  it("parses Wine's wmic output (UTF-16, fixed-width columns)", () => {
    const text = [
      'CommandLine                                                                 Name            ProcessID  ',
      '                                                                            services.exe    56         ',
      '"C:\\windows\\system32\\wbem\\wmic.exe" process get ProcessId,Name,CommandLine  wmic.exe        736        ',
      '                                                                            sample.exe      596        ',
      '',
    ].join('\r\n');
    const procs = parseWmic(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]));
    assert.deepEqual(procs, [
      { pid: 56, name: 'services.exe', commandLine: undefined },
      { pid: 736, name: 'wmic.exe', commandLine: '"C:\\windows\\system32\\wbem\\wmic.exe" process get ProcessId,Name,CommandLine' },
      { pid: 596, name: 'sample.exe', commandLine: undefined },
    ]);
  });
  it('parses tasklist /fo csv /nh', () => {
    assert.deepEqual(parseTasklistCsv('"System Idle Process","0","Services","0","8 K"\r\n"app.exe","4242","Console","1","10,240 K"\r\n'), [
      { pid: 0, name: 'System Idle Process' }, { pid: 4242, name: 'app.exe' },
    ]);
  });
  it('finds Wine processes\' command lines in ps output', () => {
    const m = parsePsCommandLines('ARGS\ntest/fixtures/build/gcc/sample.exe spin\nC:\\windows\\system32\\services.exe\n[conhost.exe] <defunct>\nbash\n');
    assert.deepEqual([...m.entries()], [['sample.exe', ['test/fixtures/build/gcc/sample.exe spin']], ['services.exe', ['C:\\windows\\system32\\services.exe']]]);
  });
});

describe('listing Windows processes for real', { skip: process.platform === 'win32' ? 'covered by tasklist on Windows' : undefined }, () => {
  it('lists a running debuggee under Wine with its Windows process id, and hides Wine\'s services', async () => {
    const env = { ...process.env, WINEPREFIX: path.join(repoRoot, '.cache', 'wine'), WINEDEBUG: '-all' };
    const child = spawn('wine', [fixtureExe('sample'), 'spin'], { env, stdio: 'ignore', detached: true });
    try {
      let found;
      for (let i = 0; i < 50 && !found; i++) {
        await new Promise((r) => setTimeout(r, 200));
        found = (await listWindowsProcesses({ winePrefix: env.WINEPREFIX })).find((p) => p.name === 'sample.exe');
      }
      assert.ok(found, 'sample.exe is not listed');
      assert.ok(found.pid > 0 && found.pid !== child.pid, 'the Windows pid, not the Linux one');
      const all = await listWindowsProcesses({ winePrefix: env.WINEPREFIX });
      assert.ok(!all.some((p) => ['services.exe', 'winedevice.exe', 'wmic.exe'].includes(p.name)), JSON.stringify(all));
    } finally {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch { /* gone */ }
    }
  });
});
