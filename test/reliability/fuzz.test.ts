/**
 * Fuzzing the DAP server: thousands of random and malformed messages over
 * its loopback socket, to the real adapter under Wine. Every request with
 * a usable seq must get exactly one response (success or an error that
 * says something), and the adapter must still serve at the end.
 *
 * It is written for two cells: the dbghelp engine on Wine's dbghelp (a
 * DWARF build) and Microsoft's dbgeng under Wine (the PDB build), each with
 * the same seed and counts. On the second it found a setBreakpoints sent
 * while a launch was starting ending the adapter's process (see
 * dbgengNoSession.test.ts); a phase now fuzzes that state too.
 *
 * Reproducible: the generator is seeded (FUZZ_SEED=<n> to choose; the seed
 * is in the test names). Bounded: a fixed count per phase, a few seconds.
 */
import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { AdapterConnection } from '../../client/adapterProcess';
import { ADAPTER_ERRORS } from '../../adapter/errors';
import { installedPlatform } from '../../client/platformChoice';
import { connectAdapterOn } from '../support/dapSession';
import { frame, MessageReader } from '../../client/dapFraming';
import { fixtureSource, repoRoot } from '../support/fixtures';
import { markerLine } from '../support/markers';
import { uniqueCopy, type ExeCopy } from '../support/debuggee';
import { waitUntilGone } from '../support/processes';
import { prng } from '../support/prng';

const SEED = Number(process.env.FUZZ_SEED ?? 20240611);
const NO_DEBUGGEE = 2500;
const WITH_DEBUGGEE = 1500;
/** While the launch is starting (Microsoft's dbgeng takes about a second to reach the program's first instruction under Wine). */
const WHILE_STARTING = 300;
const FRAMING = 200;
const IN_FLIGHT = 32;
const SAMPLE_C = fixtureSource('sample.c');

class Gen {
  constructor(readonly rnd: () => number) {}
  int(n: number): number {
    return Math.floor(this.rnd() * n);
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)]!;
  }
  chance(p: number): boolean {
    return this.rnd() < p;
  }
  string(): string {
    return this.pick([
      () => '',
      () => 'x'.repeat(this.int(20000)),
      () => '\u0000\u0001\u001f',
      () => 'ünïcødé 名前 🐛',
      () => '../../../../etc/passwd',
      () => `C:\\nonexistent-${SEED}\\calc.exe`, // never a program that exists: the fuzzer must not start anything
      () => '%s%n{0}${x}$(id)`id`',
      () => '"; rm -rf / #',
      () => '\ud800', // a lone surrogate
      () => String(this.int(1e9)),
      () => Array.from({ length: this.int(30) }, () => String.fromCharCode(32 + this.int(95))).join(''),
    ])();
  }
  number(): number {
    return this.pick([0, -1, 1, 2, 7, 0.5, -0.5, 2 ** 31, -(2 ** 31), 2 ** 32, 2 ** 53, -(2 ** 53), 1e308, -1e308, Number.MAX_SAFE_INTEGER, this.int(1000), this.int(1e9)]);
  }
  value(depth = 0): unknown {
    const kinds = depth > 3 ? 5 : 8;
    switch (this.int(kinds)) {
      case 0: return null;
      case 1: return this.chance(0.5);
      case 2: return this.number();
      case 3: return this.string();
      case 4: return undefined;
      case 5: return Array.from({ length: this.int(5) }, () => this.value(depth + 1));
      default: return this.object(depth + 1);
    }
  }
  object(depth = 0): Record<string, unknown> {
    const keys = ['threadId', 'frameId', 'levels', 'startFrame', 'source', 'path', 'breakpoints', 'lines', 'line', 'name', 'filters', 'program', 'args', 'env', 'cwd', 'expression', 'variablesReference', 'memoryReference', 'count', 'requestId', '__proto__', 'constructor', this.string().slice(0, 20)];
    const o: Record<string, unknown> = {};
    for (let i = this.int(6); i > 0; i--) o[this.pick(keys)] = this.value(depth);
    return o;
  }
}

/** Every standard request, and some that are not. */
const COMMANDS = [
  'initialize', 'launch', 'attach', 'disconnect', 'terminate', 'restart', 'setBreakpoints', 'setFunctionBreakpoints', 'setExceptionBreakpoints',
  'configurationDone', 'continue', 'next', 'stepIn', 'stepOut', 'stepBack', 'reverseContinue', 'restartFrame', 'goto', 'pause', 'stackTrace',
  'scopes', 'variables', 'setVariable', 'setExpression', 'source', 'threads', 'terminateThreads', 'evaluate', 'stepInTargets', 'gotoTargets',
  'completions', 'exceptionInfo', 'loadedSources', 'dataBreakpointInfo', 'setDataBreakpoints', 'readMemory', 'writeMemory', 'disassemble',
  'cancel', 'breakpointLocations', 'setInstructionBreakpoints', 'modules', 'rawInlineFrameContext', 'runInTerminal', 'startDebugging',
  'notACommand', 'constructor', 'toString', '__proto__', 'hasOwnProperty',
];

/** Requests that change what the program does: kept out of the fuzzing of a live debuggee, whose stop the final checks need. */
const RUN_CONTROL = new Set(['launch', 'attach', 'disconnect', 'terminate', 'restart', 'configurationDone', 'continue', 'next', 'stepIn', 'stepOut',
  'stepBack', 'reverseContinue', 'restartFrame', 'goto', 'terminateThreads', 'setVariable', 'setExpression', 'writeMemory', 'evaluate']);

/** Plausible arguments per command, which the fuzzer then bends. */
function template(command: string, ctx: { threadId: number }): Record<string, unknown> {
  switch (command) {
    case 'stackTrace': return { threadId: ctx.threadId, startFrame: 0, levels: 20 };
    case 'setBreakpoints': return { source: { path: SAMPLE_C }, breakpoints: [{ line: markerLine(SAMPLE_C, '#BP helper') }] };
    case 'setFunctionBreakpoints': return { breakpoints: [{ name: 'outer' }] };
    case 'setExceptionBreakpoints': return { filters: [] };
    case 'scopes': return { frameId: 1 };
    case 'variables': return { variablesReference: 1 };
    case 'exceptionInfo':
    case 'rawInlineFrameContext':
    case 'continue':
    case 'pause': return { threadId: ctx.threadId };
    case 'readMemory': return { memoryReference: '0x140001000', count: 16 };
    case 'disassemble': return { memoryReference: '0x140001000', instructionCount: 8 };
    case 'initialize': return { adapterID: 'fuzz', pathFormat: 'path', linesStartAt1: true };
    case 'launch': return { program: `/nonexistent-${SEED}/program.exe`, args: [] };
    case 'source': return { sourceReference: 1 };
    case 'cancel': return { requestId: 1 };
    default: return {};
  }
}

interface Sent { seq: number; command: string; raw: string }

/** One fuzzed message: a frame's text and, when it is a request that must be answered, its seq. */
function fuzzMessage(g: Gen, seq: number, commands: readonly string[], ctx: { threadId: number }): { text: string; expect?: Sent } {
  const command = g.pick(commands);
  const r = g.rnd();
  let message: unknown;
  let answerable = true;
  if (r < 0.45) {
    // A plausible request with one field bent.
    const args = template(command, ctx);
    const keys = Object.keys(args);
    if (keys.length && g.chance(0.8)) args[g.pick(keys)] = g.value();
    else if (g.chance(0.5)) Object.assign(args, g.object());
    message = { seq, type: 'request', command, arguments: args };
  } else if (r < 0.65) {
    message = { seq, type: 'request', command, arguments: g.object() };
  } else if (r < 0.75) {
    // Arguments that are not an object.
    message = { seq, type: 'request', command, arguments: g.pick([null, 0, 'text', [], [1, 2], true]) };
  } else if (r < 0.82) {
    // No command, or one that is not a string.
    message = { seq, type: 'request', command: g.pick([undefined, null, 42, {}, [], '', true]), arguments: g.object() };
  } else if (r < 0.86) {
    // No usable seq: nothing to match an answer to, but it must not hurt.
    message = { seq: g.pick([undefined, null, 'seven', -1.5, {}]), type: 'request', command, arguments: template(command, ctx) };
    answerable = false;
  } else if (r < 0.9) {
    // Not a request at all.
    message = { seq, type: g.pick(['event', 'response', 'reqest', undefined, 7]), command, event: 'stopped', request_seq: 1, success: true, body: g.object() };
    answerable = false;
  } else if (r < 0.95) {
    // JSON, but not an object.
    message = g.pick([null, 0, 'request', [], [{ seq, type: 'request', command: 'threads' }], true]);
    answerable = false;
  } else {
    // Not JSON.
    const broken = g.pick(['{', '{"seq":', '}{', 'undefined', 'NaN', "{'seq': 1}", '{"seq": 1, "type": "request", "command": "threads",}', '\u0000\u0001', '\ufeff{}']);
    return { text: `Content-Length: ${Buffer.byteLength(broken, 'utf8')}\r\n\r\n${broken}` };
  }
  const text = frame(message);
  return { text, expect: answerable ? { seq, command: String(command), raw: text.slice(0, 300) } : undefined };
}

/** A raw connection to the adapter: frames out, every response in by request_seq. */
class RawClient {
  readonly responses = new Map<number, DebugProtocol.Response[]>();
  /** When each seq was sent and answered, for the slowest-requests report. */
  readonly sentAt = new Map<number, { at: number; text: string }>();
  readonly latency: { ms: number; text: string }[] = [];
  private waiters = new Map<number, () => void>();
  closed = false;

  constructor(readonly socket: net.Socket) {
    const reader = new MessageReader((m) => {
      const r = m as DebugProtocol.Response;
      if (r?.type !== 'response' || typeof r.request_seq !== 'number') return;
      const list = this.responses.get(r.request_seq) ?? [];
      list.push(r);
      this.responses.set(r.request_seq, list);
      const sent = this.sentAt.get(r.request_seq);
      if (sent && list.length === 1) this.latency.push({ ms: Date.now() - sent.at, text: sent.text });
      this.waiters.get(r.request_seq)?.();
    });
    socket.on('data', (c: Buffer) => reader.push(c));
    socket.on('close', () => (this.closed = true));
  }

  write(text: string): void {
    this.socket.write(text);
  }

  /** Resolves with the response to `seq`, or rejects after `ms`. */
  async response(seq: number, ms = 5_000): Promise<DebugProtocol.Response> {
    const have = this.responses.get(seq)?.[0];
    if (have) return have;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(seq);
        reject(new Error(`no response to seq ${seq} within ${ms} ms`));
      }, ms);
      this.waiters.set(seq, () => {
        clearTimeout(timer);
        this.waiters.delete(seq);
        resolve(this.responses.get(seq)![0]!);
      });
    });
  }

  async request(seq: number, command: string, args?: unknown): Promise<DebugProtocol.Response> {
    this.write(frame({ seq, type: 'request', command, arguments: args }));
    return this.response(seq);
  }
}

/** Sends `count` fuzzed messages, `IN_FLIGHT` answerable ones at a time; returns what was sent expecting an answer. */
async function fuzz(client: RawClient, g: Gen, firstSeq: number, count: number, commands: readonly string[], ctx: { threadId: number }): Promise<Sent[]> {
  const expected: Sent[] = [];
  const inFlight: Promise<unknown>[] = [];
  for (let i = 0; i < count; i++) {
    const m = fuzzMessage(g, firstSeq + i, commands, ctx);
    if (m.expect) client.sentAt.set(m.expect.seq, { at: Date.now(), text: m.expect.raw });
    client.write(m.text);
    if (m.expect) {
      expected.push(m.expect);
      inFlight.push(client.response(m.expect.seq).catch(() => undefined));
    }
    if (inFlight.length >= IN_FLIGHT) await Promise.all(inFlight.splice(0));
  }
  await Promise.all(inFlight);
  return expected;
}

function checkAnswers(client: RawClient, expected: Sent[]): void {
  const missing = expected.filter((e) => !client.responses.has(e.seq));
  assert.deepEqual(missing.slice(0, 5).map((e) => e.raw), [], `${missing.length} of ${expected.length} requests got no response`);
  const doubled = expected.filter((e) => client.responses.get(e.seq)!.length !== 1);
  assert.deepEqual(doubled.slice(0, 5).map((e) => e.raw), [], 'requests answered more than once');
  for (const e of expected) {
    const r = client.responses.get(e.seq)![0]!;
    assert.equal(typeof r.command, 'string', e.raw);
    assert.equal(typeof r.success, 'boolean', e.raw);
    if (!r.success) assert.ok((r.message ?? '').length > 0 || (r.body?.error?.format ?? '').length > 0, `an error with nothing to say: ${JSON.stringify(r)} for ${e.raw}`);
  }
}

const CELLS = [
  { name: "the dbghelp engine on Wine's dbghelp", toolchain: 'gcc' as const, engine: undefined, skip: false as const },
  {
    name: "Microsoft's dbgeng", toolchain: 'pdb' as const, engine: 'dbgeng' as const,
    skip: installedPlatform(repoRoot) ? false as const : "Microsoft's debugger platform is not installed: run `npm run setup` with dotnet on PATH",
  },
];

for (const cell of CELLS) describe(`fuzzing the DAP server, ${cell.name} (seed ${SEED})`, { skip: cell.skip }, () => {
  let conn: AdapterConnection;
  let client: RawClient;
  let g: Gen;
  let copy: ExeCopy;
  let seq = 1;
  const counts = { requests: 0, answered: 0, malformedFrames: 0 };
  /** The distinct request commands sent in each state of the session, for the coverage report. */
  const covered = new Map<string, Set<string>>();
  const cover = (state: string, sent: Sent[]) => {
    const set = covered.get(state) ?? new Set<string>();
    for (const e of sent) set.add(e.command);
    covered.set(state, set);
  };
  /** One phase: `count` fuzzed messages in `state`, every request with a usable seq answered once and saying something. */
  const phase = async (state: string, count: number, commands: readonly string[], ctx: { threadId: number }): Promise<Sent[]> => {
    const sent = await fuzz(client, g, seq, count, commands, ctx);
    seq += count;
    counts.requests += count;
    counts.answered += sent.length;
    cover(state, sent);
    checkAnswers(client, sent);
    return sent;
  };

  before(async () => {
    g = new Gen(prng(SEED));
    copy = uniqueCopy('sample', 'fuzz', undefined, undefined, cell.toolchain);
    conn = await connectAdapterOn(cell.engine ? { engine: cell.engine, program: copy.exe } : undefined);
    client = new RawClient(conn.socket);
    const init = await client.request(seq++, 'initialize', { adapterID: 'fuzz', pathFormat: 'path', linesStartAt1: true, columnsStartAt1: true });
    assert.equal(init.success, true);
  });
  after(async () => {
    console.log(`fuzz, ${cell.name} (seed ${SEED}): ${counts.requests} messages, ${counts.answered} requests answered, ${counts.malformedFrames} malformed frames`);
    console.log(`states covered: ${[...covered].map(([state, set]) => `${state} (${set.size} commands)`).join(', ')}`);
    const slowest = client?.latency.sort((a, b) => b.ms - a.ms).slice(0, 5) ?? [];
    console.log(`slowest answers: ${slowest.map((x) => `${x.ms} ms ${x.text.slice(x.text.indexOf('{'), x.text.indexOf('{') + 160)}`).join('\n  ')}`);
    await conn?.close();
    copy?.remove();
  });

  it(`${NO_DEBUGGEE} random and malformed messages with no program: every request answered`, async () => {
    const sent = await phase('no program', NO_DEBUGGEE, COMMANDS, { threadId: 1 });
    assert.ok(sent.length > NO_DEBUGGEE / 2);
    assert.equal(client.closed, false);
  });

  it('broken framing on a second connection does not disturb the first', async () => {
    const other = net.connect(conn.port, '127.0.0.1');
    await new Promise((r) => other.once('connect', r));
    for (let i = 0; i < FRAMING; i++) {
      other.write(g.pick([
        'Content-Length: abc\r\n\r\n{}',
        'Content-Length: -5\r\n\r\n{}',
        'Content-Type: nothing\r\n\r\n',
        '\r\n\r\n\r\n\r\n',
        `Content-Length: ${g.int(50)}\r\n\r\n${'{"seq":1,"type":"request","command":"threads"}'.slice(0, g.int(40))}`,
        Buffer.from(Array.from({ length: g.int(200) }, () => g.int(256))).toString('latin1'),
        'Content-Length: 99999999\r\n\r\n{',
      ]));
    }
    counts.malformedFrames += FRAMING;
    other.destroy();
    await new Promise((r) => setTimeout(r, 300));
    const r = await client.request(seq++, 'threads');
    assert.equal(r.success, true);
    assert.equal(client.closed, false);
  });

  let threadId = 0;

  const commands = COMMANDS.filter((c) => !RUN_CONTROL.has(c));

  it(`${WHILE_STARTING} more while the program is starting (the launch not yet answered): every request answered, the launch succeeds`, async () => {
    const launchSeq = seq++;
    client.write(frame({ seq: launchSeq, type: 'request', command: 'launch', arguments: { program: copy.exe, args: ['break'], engine: cell.engine } }));
    const sent = await phase('starting', WHILE_STARTING, commands, { threadId: 1 });
    // The state was really reached: some requests were refused as too early.
    const tooEarly = sent.filter((e) => client.responses.get(e.seq)![0]!.body?.error?.id === ADAPTER_ERRORS.stillStarting).length;
    console.log(`while starting: ${tooEarly} of ${sent.length} requests refused as sent before the launch was answered`);
    assert.ok(tooEarly > 0, 'no request reached the adapter while the launch was starting');
    const launched = await client.response(launchSeq, 60_000);
    assert.equal(launched.success, true, JSON.stringify(launched));
  });

  it(`${WITH_DEBUGGEE} more at a program stopped at a breakpoint: every request answered, the program still there`, async () => {
    const stopped = new Promise<DebugProtocol.StoppedEvent>((resolve) => {
      const reader = new MessageReader((m) => {
        const e = m as DebugProtocol.StoppedEvent;
        if (e?.type === 'event' && e.event === 'stopped') {
          conn.socket.off('data', onData);
          resolve(e);
        }
      });
      const onData = (c: Buffer) => reader.push(c);
      conn.socket.on('data', onData);
    });
    assert.equal((await client.request(seq++, 'configurationDone')).success, true);
    threadId = (await stopped).body.threadId!;
    await phase('stopped at a breakpoint', WITH_DEBUGGEE, commands, { threadId });
  });

  it('the adapter still serves: threads, and the stack of the stopped program', async () => {
    const threads = await client.request(seq++, 'threads');
    assert.equal(threads.success, true);
    assert.ok((threads as DebugProtocol.ThreadsResponse).body.threads.some((t) => t.id === threadId));
    const trace = (await client.request(seq++, 'stackTrace', { threadId, startFrame: 0, levels: 20 })) as DebugProtocol.StackTraceResponse;
    assert.equal(trace.success, true, JSON.stringify(trace));
    assert.ok(trace.body.stackFrames.map((f) => f.name).includes('main'));
  });

  it('disconnect ends the program; nothing is left running', async () => {
    const r = await client.request(seq++, 'disconnect', { terminateDebuggee: true });
    assert.equal(r.success, true);
    assert.deepEqual(await waitUntilGone(copy.name), []);
  });
});
