/**
 * Long runs on Microsoft's dbgeng (under Wine off Windows), through the
 * real adapter:
 *
 *   npm run bench:long [-- --cycles 1000] [--hits 10000]
 *
 * 1. `--cycles` launch-stop-walk-terminate cycles in one adapter process:
 *    the PDB build of faults.c in mode "loop 1" stops at its breakpoint,
 *    the stop is looked at as VS Code does (threads, 20 frames), the
 *    program runs to its end, and a `restart` ends it and starts the next.
 * 2. `--hits` breakpoint hits in one session ("loop N"), each looked at.
 *
 * The adapter is measured along the way: its handle count and private
 * bytes as Windows counts them (the debuggee reads them of its parent:
 * faults.c's RESOURCES lines; Wine's GetProcessHandleCount says 0), and
 * its threads, resident memory and file descriptors as Linux sees the
 * Wine process (/proc). The table gives the first and last samples and
 * the growth between the middle and the end; the last line is one JSON
 * object. No pass mark here: test/reliability/longRuns.test.ts runs short
 * versions with one.
 */
import fs from 'node:fs';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { connectAdapter, type AdapterConnection } from '../client/adapterProcess';
import { DapClient } from '../client/dapClient';
import { choosePlatform, installedPlatform, platformRuntime } from '../client/platformChoice';
import { repoRoot } from '../scripts/lib/paths.mjs';
import { markerLine } from '../test/support/markers';

const FAULTS_C = `${repoRoot}/test/fixtures/src/faults.c`;
/** Microsoft's dbgeng on the PDB build; the dbghelp engine (Wine's dbghelp off Windows) on the DWARF one. */
export type LongRunEngine = 'dbgeng' | 'dbghelp';
const programFor = (engine: LongRunEngine) => `${repoRoot}/test/fixtures/build/${engine === 'dbgeng' ? 'pdb' : 'gcc'}/faults.exe`;

export interface Sample {
  at: number;
  /** The adapter, as Windows counts it (read by the debuggee of its parent). */
  handles: number;
  privateMb: number;
  /** The adapter's Wine process, as Linux sees it. */
  threads?: number;
  rssMb?: number;
  fds?: number;
}

export interface LongRun { what: string; count: number; seconds: number; samples: Sample[] }

function linuxView(pid: number | undefined): Pick<Sample, 'threads' | 'rssMb' | 'fds'> {
  if (process.platform !== 'linux' || !pid) return {};
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    return {
      threads: Number(/Threads:\s+(\d+)/.exec(status)?.[1]),
      rssMb: Number(/VmRSS:\s+(\d+)/.exec(status)?.[1]) / 1024,
      fds: fs.readdirSync(`/proc/${pid}/fd`).length,
    };
  } catch {
    return {};
  }
}

/** One session on Microsoft's dbgeng: stops and exits as they come, RESOURCES lines as samples. */
class Run {
  private readonly queue: ({ stop: DebugProtocol.StoppedEvent } | { exit: number })[] = [];
  private wake?: () => void;
  readonly samples: Sample[] = [];
  /** The count the next RESOURCES line is filed under (the cycle, for restarts). */
  label = 0;

  private constructor(readonly conn: AdapterConnection, readonly dap: DapClient, readonly engine: LongRunEngine) {
    dap.on('stopped', (e: DebugProtocol.StoppedEvent) => this.push({ stop: e }));
    dap.on('exited', (e: DebugProtocol.ExitedEvent) => this.push({ exit: e.body.exitCode }));
    dap.on('output', (e: DebugProtocol.OutputEvent) => {
      for (const m of e.body.output.matchAll(/RESOURCES (\d+) handles=(\d+) workingSet=\d+ private=(\d+)/g)) {
        this.samples.push({ at: this.label || Number(m[1]), handles: Number(m[2]), privateMb: Number(m[3]) / 1048576, ...linuxView(conn.process.pid) });
      }
    });
  }

  static async start(engine: LongRunEngine): Promise<Run> {
    const conn = await connectAdapter({ root: repoRoot, ...platformRuntime(choosePlatform(repoRoot, { engine, program: programFor(engine) })) });
    const dap = new DapClient(conn.socket, conn.socket);
    await dap.request('initialize', { adapterID: 'dbgeng', clientID: 'bench', linesStartAt1: true, columnsStartAt1: true, pathFormat: 'path' });
    return new Run(conn, dap, engine);
  }

  private push(item: Run['queue'][number]): void {
    this.queue.push(item);
    this.wake?.();
  }

  async next(ms = 60_000): Promise<{ stop: DebugProtocol.StoppedEvent } | { exit: number }> {
    const deadline = Date.now() + ms;
    while (!this.queue.length) {
      if (Date.now() > deadline) throw new Error(`neither a stop nor the exit within ${ms} ms`);
      await new Promise<void>((r) => {
        this.wake = r;
        setTimeout(r, 200);
      });
    }
    return this.queue.shift()!;
  }

  async launch(args: string[]): Promise<void> {
    const initialized = this.dap.waitFor('initialized', 60_000);
    await this.dap.request('launch', { program: programFor(this.engine), args, engine: this.engine });
    await initialized;
    await this.dap.request('setBreakpoints', { source: { path: FAULTS_C }, breakpoints: [{ line: markerLine(FAULTS_C, '#BP tick') }] });
    await this.dap.request('configurationDone');
  }

  /** What VS Code asks at a stop, then on. */
  async lookAndGo(stop: DebugProtocol.StoppedEvent): Promise<void> {
    await this.dap.request('threads');
    await this.dap.request('stackTrace', { threadId: stop.body.threadId, startFrame: 0, levels: 20 });
    await this.dap.request('continue', { threadId: stop.body.threadId });
  }

  async close(): Promise<void> {
    await this.dap.send('disconnect', { terminateDebuggee: true }).catch(() => undefined);
    await this.conn.close();
  }
}

async function expectStop(run: Run): Promise<DebugProtocol.StoppedEvent> {
  const n = await run.next();
  if (!('stop' in n)) throw new Error(`the program exited (code ${n.exit}) where its breakpoint was expected`);
  return n.stop;
}

/** `cycles` launch-stop-walk-terminate cycles in one adapter (restart between them). */
export async function launchCycles(cycles: number, engine: LongRunEngine = 'dbgeng', progress = (_n: number) => {}): Promise<LongRun> {
  const run = await Run.start(engine);
  const started = Date.now();
  try {
    await run.launch(['loop', '1']);
    for (let cycle = 1; cycle <= cycles; cycle++) {
      run.label = cycle;
      await run.lookAndGo(await expectStop(run));
      const end = await run.next();
      if (!('exit' in end)) throw new Error(`cycle ${cycle}: a second stop where the exit was expected`);
      progress(cycle);
      if (cycle < cycles) await run.dap.request('restart', {});
    }
    return { what: `launch-stop-walk-terminate cycles (${engine})`, count: cycles, seconds: (Date.now() - started) / 1000, samples: run.samples };
  } finally {
    await run.close();
  }
}

/** `hits` breakpoint hits in one session, each looked at. */
export async function breakpointHits(hits: number, engine: LongRunEngine = 'dbgeng'): Promise<LongRun> {
  const run = await Run.start(engine);
  const started = Date.now();
  try {
    await run.launch(['loop', String(hits)]);
    for (let hit = 1; hit <= hits; hit++) await run.lookAndGo(await expectStop(run));
    const end = await run.next();
    if (!('exit' in end)) throw new Error('a stop past the last hit');
    return { what: `breakpoint hits in one session (${engine})`, count: hits, seconds: (Date.now() - started) / 1000, samples: run.samples };
  } finally {
    await run.close();
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

/** First and last samples, and the growth from the middle window to the last (medians: collections come and go). */
export function summary(r: LongRun) {
  const s = r.samples;
  const third = (k: number) => s.slice(Math.floor((s.length * k) / 3), Math.floor((s.length * (k + 1)) / 3));
  const grow = (key: 'handles' | 'privateMb' | 'threads' | 'rssMb' | 'fds') => median(third(2).map((x) => x[key] ?? NaN)) - median(third(1).map((x) => x[key] ?? NaN));
  return {
    what: r.what, count: r.count, seconds: r.seconds, samples: s.length, first: s[0], last: s.at(-1),
    growthMiddleToEnd: { handles: grow('handles'), privateMb: grow('privateMb'), threads: grow('threads'), rssMb: grow('rssMb'), fds: grow('fds') },
  };
}

async function main(): Promise<void> {
  const arg = (name: string, fallback: number) => {
    const i = process.argv.indexOf(`--${name}`);
    return i >= 0 ? Number(process.argv[i + 1]) : fallback;
  };
  if (!installedPlatform(repoRoot)) throw new Error("Microsoft's debugger platform is not installed: run `npm run setup` with dotnet on PATH");
  const cycles = arg('cycles', 1000);
  const hits = arg('hits', 10000);
  const results = [];
  if (cycles > 0) results.push(summary(await launchCycles(cycles, 'dbgeng', (n) => n % 100 === 0 && process.stderr.write(`  ${n} cycles\n`))));
  if (hits > 0) results.push(summary(await breakpointHits(hits)));
  const f = (n: number | undefined, d = 1) => (n === undefined || Number.isNaN(n) ? '-' : n.toFixed(d));
  for (const r of results) {
    console.log(`\n${r.count} ${r.what}: ${r.seconds.toFixed(0)} s, ${r.samples} samples`);
    console.log('                 handles  private MB  threads  resident MB  fds');
    for (const [name, x] of [['first', r.first], ['last', r.last]] as const) {
      console.log(`  ${name.padEnd(5)} (#${String(x?.at ?? '-').padStart(5)})  ${f(x?.handles, 0).padStart(5)}  ${f(x?.privateMb).padStart(10)}  ${f(x?.threads, 0).padStart(7)}  ${f(x?.rssMb).padStart(11)}  ${f(x?.fds, 0).padStart(3)}`);
    }
    const g = r.growthMiddleToEnd;
    console.log(`  growth, middle third to last: ${f(g.handles, 0)} handles, ${f(g.privateMb)} MB private, ${f(g.threads, 0)} threads, ${f(g.rssMb)} MB resident, ${f(g.fds, 0)} fds`);
  }
  console.log(JSON.stringify({ dbgengLongRuns: results }));
}

if (require.main === module) {
  main().catch((e: Error) => {
    console.error(`bench:long failed: ${e.message}`);
    process.exit(1);
  });
}
