/**
 * The windbg-stack language server reads documents that are untrusted
 * input: text pasted from anywhere. Its parser (stacktext/parse.ts) is
 * fuzzed with thousands of mutated WinDbg listings and with lines built to
 * make regular expressions backtrack; then the real server process is
 * given fuzzed documents over LSP and must answer every request.
 *
 * Reproducible: seeded (FUZZ_SEED=<n>; the seed is in the test names).
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Worker } from 'node:worker_threads';
import * as esbuild from 'esbuild';
import { frame, MessageReader } from '../../client/dapFraming';
import { sourceUri } from '../../stacktext/parse';
import { repoRoot } from '../support/fixtures';
import { prng } from '../support/prng';

const SEED = Number(process.env.FUZZ_SEED ?? 20240611);
const DOCUMENTS = 3000;
const SERVER_DOCUMENTS = 200;
/** Longest a document of up to ~100 kB may take to parse: linear work is a few ms. */
const PARSE_BUDGET_MS = 250;
/** A parse still running after this never ends as far as anyone is concerned. */
const HANG_MS = 2000;
/*
 * This fuzzing found two parser bugs, both fixed in stacktext/parse.ts and
 * kept as checks here: an exponentially backtracking hex-line pattern (a
 * 65-character line never finished parsing), and a lone "\r" that made
 * parseFrameRow read null[1].
 */

const SEED_TEXT = fs.readFileSync(path.join(repoRoot, 'test', 'fixtures', 'stacktext', 'seed004-windbg.txt'), 'utf8');
const SEED_LINES = SEED_TEXT.split(/\r?\n/);
const ALPHABET = '0123456789abcdefABCDEF`!@+[]():=-#*>., \t\r_xX|\\/"\'{}ünï名\u0000\u00a0\ufeff';

function generator(seed: number) {
  const rnd = prng(seed);
  const int = (n: number) => Math.floor(rnd() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;
  const junk = (n: number) => Array.from({ length: n }, () => pick([...ALPHABET])).join('');
  const mutateLine = (line: string): string => {
    switch (int(8)) {
      case 0: return line.slice(0, int(line.length + 1));
      case 1: return line.slice(int(line.length + 1));
      case 2: {
        const at = int(line.length + 1);
        return line.slice(0, at) + junk(1 + int(20)) + line.slice(at);
      }
      case 3: return line.replace(/[0-9a-f]/g, () => (rnd() < 0.1 ? pick([...ALPHABET]) : '$&').replace('$&', pick([...'0123456789abcdef'])));
      case 4: return line + line.slice(0, int(line.length));
      case 5: return junk(int(120));
      case 6: return line.split(' ').sort(() => rnd() - 0.5).join(' ');
      default: return line;
    }
  };
  const document = (): string => {
    const n = int(60);
    const lines: string[] = [];
    for (let i = 0; i < n; i++) lines.push(rnd() < 0.7 ? mutateLine(pick(SEED_LINES)) : pick(SEED_LINES));
    return lines.join(pick(['\n', '\r\n', '\r', '\n\n']));
  };
  return { rnd, int, pick, junk, document };
}

/** Lines built to make a backtracking regular expression take exponential or quadratic time. */
function adversarialLines(): string[] {
  const hex = '0123456789abcdef'.repeat(4);
  return [
    `${hex}!`, `${hex.slice(0, 40)}x`, `${'0 '.repeat(2000)}!`, `${'0`'.repeat(2000)}!`, `${' '.repeat(20000)}x`,
    `${' '.repeat(20000)}[`, `[${' @ '.repeat(5000)}`, `${'['.repeat(20000)}`, `x [${'a'.repeat(20000)} @ 1`, `${'(FPO: ['.repeat(3000)}`,
    `${'(CONV: '.repeat(3000)}`, `00 ${'(Inline Function @ '.repeat(2000)}`, `${'0:000> '.repeat(3000)}`, `${'Inline Frame Context = for frame '.repeat(1000)}`,
    `${'InlineFrameContext = '.repeat(3000)}`, `${'Frameid = 0 FrameType = 2 '.repeat(2000)}`, `00 ${'a!'.repeat(10000)}`, `00 ${'-'.repeat(20000)}x`,
    `00 ${'0'.repeat(20000)}`, `${'#'.repeat(20000)}`, `${'*'.repeat(20000)}`, `00 ${'+0x'.repeat(5000)}`, `00 a!b${'+0x1'.repeat(5000)}z`,
    `${'encoding '.repeat(5000)}`, `Child-SP ${'RetAddr '.repeat(3000)}`, `${'00 '.repeat(7000)}`, `${'\t'.repeat(20000)}0`,
  ];
}

/** The parser on a thread of its own, under a watchdog (see drivers/stackTextWorker.ts). */
class ParserUnderWatch {
  private readonly worker: Worker;
  private next = 1;
  private readonly waiting = new Map<number, (r: { ms: number; problem?: string }) => void>();

  constructor(script: string) {
    this.worker = new Worker(script);
    this.worker.on('message', (r: { id: number; ms: number; problem?: string }) => this.waiting.get(r.id)?.(r));
  }

  /** Parses `text`; fails the test on a problem, on a parse slower than the budget, or on one that does not end. */
  async check(text: string, probes: [number, number][] = []): Promise<void> {
    const id = this.next++;
    const r = await new Promise<{ ms: number; problem?: string } | undefined>((resolve) => {
      const timer = setTimeout(() => resolve(undefined), HANG_MS);
      this.waiting.set(id, (answer) => {
        clearTimeout(timer);
        resolve(answer);
      });
      this.worker.postMessage({ id, text, probes });
    });
    this.waiting.delete(id);
    const sample = JSON.stringify(text.length > 160 ? `${text.slice(0, 80)}...${text.slice(-80)}` : text);
    if (!r) {
      await this.worker.terminate();
      assert.fail(`parsing ${text.length} characters did not end within ${HANG_MS} ms: ${sample}`);
    }
    assert.equal(r.problem, undefined, `${r.problem} in ${sample}`);
    assert.ok(r.ms < PARSE_BUDGET_MS, `parsing ${text.length} characters took ${r.ms.toFixed(0)} ms: ${sample}`);
  }

  close(): Promise<number> {
    return this.worker.terminate();
  }
}

describe(`the stack-text parser, fuzzed (seed ${SEED})`, () => {
  let parser: ParserUnderWatch;

  before(async () => {
    const out = path.join(repoRoot, 'dist', 'test-drivers', 'stackTextWorker.js');
    await esbuild.build({ entryPoints: [path.join(__dirname, 'drivers', 'stackTextWorker.ts')], bundle: true, platform: 'node', format: 'cjs', outfile: out, logLevel: 'warning' });
    parser = new ParserUnderWatch(out);
  });
  after(() => parser?.close());

  it(`${DOCUMENTS} mutated WinDbg listings: never throws, stays in bounds, stays fast`, async () => {
    const g = generator(SEED);
    for (let i = 0; i < DOCUMENTS; i++) {
      const text = g.document();
      const lines = text.split(/\r?\n/).length;
      await parser.check(text, Array.from({ length: 5 }, () => [g.int(lines + 2) - 1, g.int(200) - 10] as [number, number]));
    }
  });

  it('lines built to make regular expressions backtrack parse in linear time', async () => {
    for (const line of adversarialLines()) {
      await parser.check(line);
      await parser.check(`0:000> kb\n # ChildEBP RetAddr  Args to Child\n${line}\n${line}`);
    }
  });

  it('file names from a document never make a link that throws', () => {
    const g = generator(SEED + 1);
    for (let i = 0; i < 2000; i++) assert.doesNotThrow(() => sourceUri(g.junk(g.int(80)), g.int(100000)));
  });
});

/** A minimal LSP client over the server's stdio: the framing is DAP's (Content-Length). */
class LspClient {
  private seq = 1;
  private readonly pending = new Map<number, (m: { result?: unknown; error?: unknown }) => void>();
  exited = false;

  constructor(readonly child: ChildProcess) {
    const reader = new MessageReader((m) => {
      const msg = m as { id?: number; method?: string; result?: unknown; error?: unknown };
      if (msg.id !== undefined && msg.method === undefined) this.pending.get(msg.id)?.(msg);
    });
    child.stdout!.on('data', (c: Buffer) => reader.push(c));
    child.on('exit', () => (this.exited = true));
  }

  notify(method: string, params: unknown): void {
    this.child.stdin!.write(frame({ jsonrpc: '2.0', method, params }));
  }

  request(method: string, params: unknown, ms = 3000): Promise<{ result?: unknown; error?: unknown }> {
    const id = this.seq++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no answer to ${method} #${id} within ${ms} ms`)), ms);
      this.pending.set(id, (m) => {
        clearTimeout(timer);
        this.pending.delete(id);
        resolve(m);
      });
      this.child.stdin!.write(frame({ jsonrpc: '2.0', id, method, params }));
    });
  }
}

describe(`the language server process, given fuzzed documents (seed ${SEED})`, () => {
  let client: LspClient;
  const server = path.join(repoRoot, 'dist', 'language-server.js');

  before(async () => {
    assert.ok(fs.existsSync(server), `${server} is not built`);
    client = new LspClient(spawn(process.execPath, [server, '--stdio'], { stdio: ['pipe', 'pipe', 'ignore'] }));
    const init = await client.request('initialize', { processId: process.pid, rootUri: null, capabilities: {} }, 15_000);
    assert.ok(init.result);
    client.notify('initialized', {});
  });
  after(async () => {
    if (!client || client.exited) return;
    // A server stuck in a parse would not answer: give it half a second.
    await client.request('shutdown', null, 500).catch(() => undefined);
    client.notify('exit', null);
    await new Promise((r) => setTimeout(r, 200));
    if (!client.exited) client.child.kill('SIGKILL');
  });

  it(`${SERVER_DOCUMENTS} documents opened, edited and asked about: every request answered, the server alive`, async () => {
    const g = generator(SEED + 2);
    const adversarial = adversarialLines();
    for (let i = 0; i < SERVER_DOCUMENTS; i++) {
      const uri = `untitled:fuzz-${i}.windbg-stack`;
      const text = i % 10 === 0 ? g.pick(adversarial) : g.document();
      client.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'windbg-stack', version: 1, text } });
      client.notify('textDocument/didChange', { textDocument: { uri, version: 2 }, contentChanges: [{ text: text + '\n' + g.junk(50) }] });
      const lines = text.split(/\r?\n/).length;
      const answers = await Promise.all([
        client.request('textDocument/documentSymbol', { textDocument: { uri } }),
        client.request('textDocument/hover', { textDocument: { uri }, position: { line: g.int(lines + 2), character: g.int(300) } }),
        client.request('textDocument/documentLink', { textDocument: { uri } }),
        client.request('textDocument/hover', { textDocument: { uri: `untitled:never-opened-${i}` }, position: { line: 0, character: 0 } }),
      ]);
      for (const a of answers) assert.ok('result' in a || 'error' in a);
      client.notify('textDocument/didClose', { textDocument: { uri } });
    }
    assert.equal(client.exited, false);
    const last = await client.request('textDocument/documentSymbol', { textDocument: { uri: 'untitled:none' } });
    assert.ok('result' in last);
  });
});
