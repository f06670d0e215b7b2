/**
 * client/dumpFile.ts: a crash dump's own header says what the file is,
 * before dbgeng is given it. Each bad file gets a message naming what it
 * is; a good minidump passes. (A dump Microsoft's dbgeng wrote passes too:
 * test/matrix/inlineStop.test.ts's dump case checks it.)
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { checkDump, DumpError } from '../../client/dumpFile';
import { minidumpBytes, PROCESSOR_ARCHITECTURE, writeMinidump } from '../support/minidumps';

describe('a crash dump read from its header', () => {
  let dir: string;
  const file = (name: string, bytes: Buffer | string) => {
    const p = path.join(dir, name);
    fs.writeFileSync(p, bytes);
    return p;
  };
  const refused = (p: string, message: RegExp) => assert.throws(() => checkDump(p), (e: Error) => e instanceof DumpError && message.test(e.message));
  before(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dumpfile-')); });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('an x64 minidump, whole: passes, and says its architecture', () => {
    assert.deepEqual(checkDump(writeMinidump(path.join(dir, 'good.dmp'))), { streams: 2, architecture: 'x64' });
  });

  it('a zero-byte file: empty, write it again', () => refused(file('empty.dmp', ''), /is empty \(0 bytes\), not a crash dump/));

  it('a minidump cut short: says how many bytes it has and how far its directory or a stream runs', () => {
    const whole = minidumpBytes();
    refused(file('cut-directory.dmp', whole.subarray(0, 40)), /is cut short: it has 40 bytes, but its stream directory \(2 streams\) runs to byte 56/);
    refused(file('cut-stream.dmp', whole.subarray(0, whole.length - 1)), new RegExp(`is cut short: it has ${whole.length - 1} bytes, but stream 1 \\(type 3\\) runs to byte ${whole.length}`));
    refused(file('cut-header.dmp', whole.subarray(0, 20)), /is cut short: it has 20 bytes, less than a minidump's header alone \(32\)/);
  });

  it('a file that is no dump, named .dmp: what it starts with, or what it is', () => {
    refused(file('text.dmp', 'hello, world\n'), /is not a crash dump: it starts with "hell", not "MDMP"/);
    refused(file('binary.dmp', Buffer.from(Array.from({ length: 33 }, (_, i) => i))), /starts with "\\x00\\x01\\x02\\x03"/);
    refused(file('program.dmp', fs.readFileSync(process.execPath).subarray(0, 4096)), process.platform === 'win32' ? /is a Windows program or DLL/ : /is not a crash dump/);
    const kernel = Buffer.alloc(4096);
    kernel.write('PAGEDU64', 0, 'latin1');
    refused(file('kernel.dmp', kernel), /is a kernel memory dump \(PAGEDU64\)/);
  });

  it('a damaged header: its version', () => {
    const bytes = minidumpBytes();
    bytes.writeUInt32LE(0x1234, 4);
    refused(file('version.dmp', bytes), /its version is 0x1234, not 0xa793: it is damaged/);
  });

  it('a dump of another architecture: which one, and that this debugger debugs x64', () => {
    refused(writeMinidump(path.join(dir, 'x86.dmp'), { architecture: PROCESSOR_ARCHITECTURE.x86, threads: true }), /crash dump of a 32-bit x86 process; this debugger debugs x64 programs/);
    refused(writeMinidump(path.join(dir, 'arm64.dmp'), { architecture: PROCESSOR_ARCHITECTURE.arm64, threads: true }), /crash dump of a ARM64 process/);
  });

  it('a minidump that cannot be read here: no system information, no threads', () => {
    refused(writeMinidump(path.join(dir, 'nosys.dmp'), { threads: true }), /without system information \(no SystemInfoStream\)/);
    refused(writeMinidump(path.join(dir, 'nothreads.dmp'), { architecture: PROCESSOR_ARCHITECTURE.amd64, threads: false }), /without threads \(no ThreadListStream\)/);
  });

  it('a missing file and a folder', () => {
    refused(path.join(dir, 'nope.dmp'), /does not exist/);
    refused(dir, /is a folder, not a crash dump/);
  });
});
