/**
 * `npm run bench`: deep stacks against the floor.
 *
 * Builds bench/fixtures/deep.c (a recursion 1,000, 10,000 and 100,000 levels
 * deep, two inline functions at every level, a __debugbreak() at the bottom)
 * and bench/fixtures/cwalk.c (the same dbghelp calls the engine makes, from
 * C), then, in one run and one Wine prefix, measures:
 *
 *  1. first-frame latency: stackTrace {levels: 1} right after a stop, at
 *     each depth;
 *  2. the whole stack through DAP, paged as VS Code pages it, against
 *     cwalk's walk of the same stack at the same stop;
 *  3. winedbg's `bt` on the same stack (it prints at most 201 frames), as a
 *     peer: from "continue" to the last of those frames shown, on both sides;
 *  4. stop to first paint: stopped event, threads, stackTrace 1,
 *     stackTrace 19, scopes, sent one after the other as VS Code sends them;
 *  5. breakpoint hit-and-continue cycles per second, against cwalk's raw
 *     Win32 loop (int3, restore, single-step, re-arm);
 *  6. the adapter's peak memory (VmHWM) after the 100,000-level stops.
 *
 * Prints a table; the last line is one JSON object with the figures.
 *
 *   npm run bench [-- --depths 1000,10000,100000] [--prefix WINEPREFIX]
 *
 * --prefix (or BENCH_WINEPREFIX) runs everything in another Wine prefix, so
 * that nothing else using the project's prefix (a test run) shares the
 * wineserver with the measurement. Numbers vary from run to run by ~10%
 * on a 2-core machine; each figure is a median over several stops.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { paint, Session } from './dapSession';
import { cacheDir, repoRoot, winePrefix as projectPrefix } from '../scripts/lib/paths.mjs';
import { markerLine } from '../test/support/markers';

// ---------------------------------------------------------------- options

const argv = process.argv.slice(2);
const option = (name: string): string | undefined => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : undefined;
};
const DEPTHS = (option('depths') ?? '1000,10000,100000').split(',').map(Number);
const DEEPEST = Math.max(...DEPTHS);
const PREFIX = option('prefix') ?? process.env.BENCH_WINEPREFIX ?? projectPrefix;
/** Stops per depth: 0 is cold (debug information loads), then warm ones. */
const WALK_STOPS = 3;
/** Then stops that measure continue-to-201-frames against winedbg. */
const BT_STOPS = 3;
/**
 * The adapter and C runs alternate this many times per depth, so that a
 * spell of load from elsewhere on the machine falls on both sides.
 */
const ROUNDS = 2;
const STOPS = WALK_STOPS + BT_STOPS;
/** winedbg's bt stops after 201 frames (programs/winedbg/stack.c: "if (nf > 200) break"). */
const WINEDBG_FRAMES = 201;
const CYCLES = 200;

const FIXTURES = path.join(repoRoot, 'bench', 'fixtures');
const BUILD = path.join(cacheDir, 'bench');
const DEEP_C = path.join(FIXTURES, 'deep.c');
const DEEP_EXE = path.join(BUILD, 'deep.exe');
const CWALK_EXE = path.join(BUILD, 'cwalk.exe');

const wineEnv = { ...process.env, WINEPREFIX: PREFIX, WINEDEBUG: '-all', NODE_SKIP_PLATFORM_CHECK: '1' };

// ---------------------------------------------------------------- helpers

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const now = () => performance.now();
const log = (s: string) => process.stderr.write(`${s}\n`);

function run(cmd: string, args: string[], what: string): void {
  const r = spawnSync(cmd, args, { cwd: repoRoot, encoding: 'utf8', env: process.env });
  if (r.error || r.status !== 0) throw new Error(`${what} failed: ${cmd} ${args.join(' ')}\n${r.error?.message ?? ''}${r.stdout}${r.stderr}`);
}

function newer(target: string, ...sources: string[]): boolean {
  if (!fs.existsSync(target)) return false;
  const t = fs.statSync(target).mtimeMs;
  return sources.every((s) => fs.statSync(s).mtimeMs <= t);
}

/** Builds the adapter and the two programs (only what is out of date). */
function build(): void {
  log('building the adapter...');
  run(process.execPath, [path.join(repoRoot, 'scripts', 'build.mjs')], 'the adapter build');
  fs.mkdirSync(BUILD, { recursive: true });
  const self = path.join(repoRoot, 'bench', 'run.ts');
  if (!newer(DEEP_EXE, DEEP_C, self)) {
    log('building deep.exe...');
    // -O2 -gdwarf-4 with gcc: real inline frames Wine's dbghelp can read
    // (it reads no DWARF 5, and no lines from clang's DWARF). The stack
    // reserve holds 100,000 levels with room to spare (1 MB by default).
    run('x86_64-w64-mingw32-gcc', ['-O2', '-gdwarf-4', '-g', DEEP_C, '-o', DEEP_EXE, '-Wl,--stack,268435456'], 'building deep.exe');
  }
  const cwalkC = path.join(FIXTURES, 'cwalk.c');
  if (!newer(CWALK_EXE, cwalkC, self)) {
    log('building cwalk.exe...');
    run('x86_64-w64-mingw32-gcc', ['-O2', '-Wall', cwalkC, '-o', CWALK_EXE, '-ldbghelp'], 'building cwalk.exe');
  }
}

/** Runs a Windows program under Wine with pipes; resolves with its stdout. */
function runWine(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const p = spawn('wine', args, { cwd: BUILD, env: wineEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    p.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    p.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    p.on('error', reject);
    p.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`wine ${args.join(' ')} exited with ${code}\n${out}${err}`))));
  });
}

interface DepthResult {
  depth: number;
  frames: number;
  firstFrameColdMs: number;
  firstFrameMs: number[];
  paintMs: number[];
  fullWalkMs: number[];
  fullWalkRequests: number;
  btMs: number[];
  scopes: string;
  peakRssMb?: number;
  cMs: number[];
  cWalkOnlyMs: number[];
  cFrames: number;
  cRemoteReads: number;
  winedbgMs: number[];
  winedbgFrames: number;
}

async function measureDap(depth: number): Promise<Pick<DepthResult, 'frames' | 'firstFrameColdMs' | 'firstFrameMs' | 'paintMs' | 'fullWalkMs' | 'fullWalkRequests' | 'btMs' | 'scopes' | 'peakRssMb'>> {
  const s = await Session.start(DEEP_EXE, PREFIX);
  try {
    await s.launch(['break', String(depth), String(STOPS)]);
    const firstFrameMs: number[] = [];
    const paintMs: number[] = [];
    const fullWalkMs: number[] = [];
    const btMs: number[] = [];
    let firstFrameColdMs = 0;
    let frames = 0;
    let requests = 0;
    let scopes = '';
    let threadId = 0;
    for (let k = 0; k < STOPS; k++) {
      const continuedAt = now();
      if (k > 0) await s.dap.request('continue', { threadId });
      const stop = await s.nextStop();
      threadId = stop.body.threadId!;
      if (stop.body.reason !== 'exception') throw new Error(`stop ${k}: expected the __debugbreak exception, got ${stop.body.reason}`);
      if (k < WALK_STOPS) {
        // First paint, then "Load More" until the bottom, as VS Code does.
        const p = await paint(s, stop);
        scopes = p.scopes;
        const t0 = now();
        while (!p.stack.reachedEnd) await p.stack.loadMore();
        // The whole stack: its stackTrace requests (1, 19, the Load Mores), not threads and scopes.
        const walkMs = p.stackTraceMs + (now() - t0);
        frames = p.stack.frames;
        requests = p.stack.requests;
        if (k === 0) firstFrameColdMs = p.firstFrameMs;
        else {
          firstFrameMs.push(p.firstFrameMs);
          paintMs.push(p.paintMs);
          fullWalkMs.push(walkMs);
        }
      } else {
        // winedbg's cont + bt: continue, the stop, and the 201 frames it prints.
        const t0 = now();
        await s.stackTrace(threadId, 0, 1);
        firstFrameMs.push(now() - t0);
        await s.stackTrace(threadId, 1, 19);
        await s.stackTrace(threadId, 20, WINEDBG_FRAMES - 20);
        btMs.push(now() - continuedAt);
      }
    }
    const rss = depth === DEEPEST ? s.peakRssMb().mb : undefined;
    return { frames, firstFrameColdMs, firstFrameMs, paintMs, fullWalkMs, fullWalkRequests: requests, btMs, scopes, peakRssMb: rss };
  } finally {
    await s.close();
  }
}

async function measureC(depth: number): Promise<Pick<DepthResult, 'cMs' | 'cWalkOnlyMs' | 'cFrames' | 'cRemoteReads'>> {
  const out = await runWine([CWALK_EXE, 'walk', DEEP_EXE, String(depth), String(WALK_STOPS)]);
  const stops = out.trim().split(/\r?\n/).map((l) => JSON.parse(l) as { stop: number; frames: number; ms: number; walkOnlyMs: number; remoteReads: number });
  const warm = stops.filter((x) => x.stop > 0);
  return { cMs: warm.map((x) => x.ms), cWalkOnlyMs: warm.map((x) => x.walkOnlyMs), cFrames: stops[0]!.frames, cRemoteReads: stops[0]!.remoteReads };
}

/** winedbg driven through its prompt: "cont" to the first stop, then "cont" + "bt" per stop, timed to the end of bt's output. */
async function measureWinedbg(depth: number): Promise<Pick<DepthResult, 'winedbgMs' | 'winedbgFrames'>> {
  const p = spawn('wine', ['winedbg', DEEP_EXE, 'break', String(depth), String(STOPS)], { cwd: BUILD, env: wineEnv, stdio: ['pipe', 'pipe', 'pipe'] });
  let buf = '';
  let wake: (() => void) | undefined;
  p.stdout.setEncoding('utf8').on('data', (d: string) => {
    buf += d;
    wake?.();
  });
  p.stderr.resume();
  const prompts = () => buf.split('Wine-dbg>').length - 1;
  const until = async (n: number) => {
    const deadline = Date.now() + 120_000;
    while (prompts() < n) {
      if (Date.now() > deadline || p.exitCode !== null) throw new Error(`winedbg: no prompt\n${buf.slice(-2000)}`);
      await new Promise<void>((r) => {
        wake = r;
        setTimeout(r, 100);
      });
    }
  };
  try {
    await until(1);
    p.stdin.write('cont\n');
    await until(2);
    const ms: number[] = [];
    let frames = 0;
    for (let k = 1; k < STOPS; k++) {
      const n = prompts();
      const t0 = now();
      p.stdin.write('cont\nbt\n');
      await until(n + 2);
      ms.push(now() - t0);
      const bt = buf.slice(buf.lastIndexOf('Backtrace:'));
      frames = (bt.match(/^(=>| {2})\d+ /gm) ?? []).length;
    }
    p.stdin.write('kill\nquit\n');
    await new Promise((r) => p.once('exit', r));
    return { winedbgMs: ms, winedbgFrames: frames };
  } finally {
    if (p.exitCode === null) p.kill('SIGKILL');
  }
}

async function measureCycles(): Promise<{ dapPerSec: number; cPerSec: number; dapMs: number; cMs: number }> {
  const line = markerLine(DEEP_C, '#BP loop');
  const s = await Session.start(DEEP_EXE, PREFIX);
  let rva: bigint;
  let dapMs: number;
  try {
    const [bp] = await s.launch(['loop', String(CYCLES)], [{ file: DEEP_C, line }]);
    if (!bp?.verified || !bp.instructionReference) throw new Error(`the loop breakpoint did not bind: ${bp?.message}`);
    const first = await s.nextStop();
    const base = s.modules.get('deep');
    if (!base) throw new Error('no module event for deep.exe');
    rva = BigInt(bp.instructionReference) - BigInt(base);
    const t0 = now();
    for (let i = 1; i < CYCLES; i++) {
      await s.dap.request('continue', { threadId: first.body.threadId });
      const stop = await s.nextStop();
      if (stop.body.reason !== 'breakpoint') throw new Error(`cycle ${i}: stopped for ${stop.body.reason}`);
    }
    dapMs = now() - t0;
  } finally {
    await s.close();
  }
  const out = JSON.parse(await runWine([CWALK_EXE, 'cycles', DEEP_EXE, `0x${rva.toString(16)}`, String(CYCLES)])) as { hits: number; ms: number };
  if (out.hits !== CYCLES) throw new Error(`cwalk cycles: ${out.hits} hits, expected ${CYCLES}`);
  return { dapPerSec: ((CYCLES - 1) * 1000) / dapMs, cPerSec: ((CYCLES - 1) * 1000) / out.ms, dapMs, cMs: out.ms };
}

// ---------------------------------------------------------------- main

function fmt(x: number, digits = 1): string {
  return Number.isFinite(x) ? x.toFixed(digits) : '-';
}

async function main(): Promise<void> {
  build();
  const started = now();
  const results: DepthResult[] = [];
  for (const depth of DEPTHS) {
    let r: DepthResult | undefined;
    for (let round = 0; round < ROUNDS; round++) {
      log(`depth ${depth}, round ${round + 1}/${ROUNDS}: adapter...`);
      const dap = await measureDap(depth);
      log(`depth ${depth}, round ${round + 1}/${ROUNDS}: C...`);
      const c = await measureC(depth);
      if (!r) {
        log(`depth ${depth}: winedbg...`);
        r = { depth, ...dap, ...c, ...(await measureWinedbg(depth)) };
        continue;
      }
      r.firstFrameMs.push(...dap.firstFrameMs);
      r.paintMs.push(...dap.paintMs);
      r.fullWalkMs.push(...dap.fullWalkMs);
      r.btMs.push(...dap.btMs);
      r.cMs.push(...c.cMs);
      r.cWalkOnlyMs.push(...c.cWalkOnlyMs);
      r.peakRssMb = Math.max(r.peakRssMb ?? 0, dap.peakRssMb ?? 0) || undefined;
    }
    if (r!.frames !== r!.cFrames) log(`warning: at ${depth} levels the adapter showed ${r!.frames} frames and C walked ${r!.cFrames}`);
    results.push(r!);
  }
  log('breakpoint cycles...');
  const cycles = await measureCycles();
  const totalS = (now() - started) / 1000;

  const deepest = results.find((r) => r.depth === DEEPEST)!;
  const ratio = (r: DepthResult) => median(r.fullWalkMs) / median(r.cMs);
  const wdRatio = (r: DepthResult) => median(r.btMs) / median(r.winedbgMs);
  const rows: string[][] = [
    ['', ...results.map((r) => `${r.depth.toLocaleString('en-US')} levels`)],
    ['frames in the stack (adapter / C)', ...results.map((r) => `${r.frames.toLocaleString('en-US')} / ${r.cFrames.toLocaleString('en-US')}`)],
    ['1. first frame, stackTrace levels 1 (ms)', ...results.map((r) => fmt(median(r.firstFrameMs), 2))],
    ['   same, first stop (debug info loads) (ms)', ...results.map((r) => fmt(r.firstFrameColdMs, 1))],
    ['2. whole stack via DAP, VS Code paging (ms)', ...results.map((r) => fmt(median(r.fullWalkMs), 0))],
    ['   its stackTrace requests', ...results.map((r) => String(r.fullWalkRequests))],
    ['   C, same dbghelp calls, same stop (ms)', ...results.map((r) => fmt(median(r.cMs), 0))],
    ['   ratio adapter / C', ...results.map((r) => fmt(ratio(r), 2))],
    ['   C, StackWalkEx alone, no names (ms)', ...results.map((r) => fmt(median(r.cWalkOnlyMs), 0))],
    [`3. continue + ${WINEDBG_FRAMES} frames, adapter (ms)`, ...results.map((r) => fmt(median(r.btMs), 1))],
    ['   winedbg cont + bt, same frames (ms)', ...results.map((r) => fmt(median(r.winedbgMs), 1))],
    ['   ratio adapter / winedbg', ...results.map((r) => fmt(wdRatio(r), 2))],
    ['4. stop to first paint (ms)', ...results.map((r) => fmt(median(r.paintMs), 1))],
  ];
  const width = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) => r.map((c, i) => (i === 0 ? c.padEnd(width[i]!) : c.padStart(width[i]!))).join('  ');
  console.log('');
  console.log(`dbgeng-inline bench: Wine ${wineVersion()}, ${os.cpus().length} CPUs (${os.cpus()[0]?.model.trim()}), load average ${os.loadavg()[0]!.toFixed(2)} at the end, prefix ${PREFIX === projectPrefix ? "the project's" : PREFIX}`);
  console.log(`medians over ${ROUNDS} rounds of ${WALK_STOPS - 1} warm stops each side (3.: ${ROUNDS * BT_STOPS} adapter stops, ${STOPS - 1} winedbg stops)`);
  console.log('');
  for (const r of rows) console.log(line(r));
  console.log('');
  console.log(`4. scopes: ${deepest.scopes}`);
  console.log(`5. breakpoint hit + continue: adapter ${fmt(cycles.dapPerSec, 0)}/s, C loop ${fmt(cycles.cPerSec, 0)}/s, ratio ${fmt(cycles.dapPerSec / cycles.cPerSec, 2)} (${CYCLES} hits)`);
  console.log(`6. adapter peak memory (VmHWM) after the ${DEEPEST.toLocaleString('en-US')}-level stops: ${fmt(deepest.peakRssMb ?? NaN, 0)} MB`);
  console.log(`   winedbg bt shows ${deepest.winedbgFrames} frames of any of these stacks; C read the debuggee ${deepest.cRemoteReads} times per walk at ${DEEPEST.toLocaleString('en-US')} levels`);
  console.log(`   ran in ${fmt(totalS, 0)} s`);
  console.log('');
  // The "must show", checked against this run.
  const ff = results.map((r) => median(r.firstFrameMs));
  const spread = Math.max(...ff) / Math.min(...ff);
  const check = (ok: boolean) => (ok ? 'yes' : 'NO ');
  console.log(`${check(spread <= 2)} first frame flat from ${DEPTHS[0]!.toLocaleString('en-US')} to ${DEEPEST.toLocaleString('en-US')} levels within 2x (slowest / fastest depth: ${fmt(spread, 2)})`);
  console.log(`${check(ratio(deepest) <= 1.25)} whole stack within 1.25x of C at ${DEEPEST.toLocaleString('en-US')} levels (${fmt(ratio(deepest), 2)})`);
  console.log(`${check(results.every((r) => wdRatio(r) < 1))} faster than winedbg's bt at every depth (${results.map((r) => fmt(wdRatio(r), 2)).join(', ')})`);
  console.log('');
  const figures = {
    firstFrameMs: Object.fromEntries(results.map((r) => [String(r.depth), round(median(r.firstFrameMs), 2)])),
    fullWalkRatioVsC: round(ratio(deepest), 2),
    ratioVsWinedbg: round(wdRatio(deepest), 2),
    stopToPaintMs: round(median(deepest.paintMs), 1),
    cyclesPerSecondRatioVsC: round(cycles.dapPerSec / cycles.cPerSec, 2),
    peakRssMb: round(deepest.peakRssMb ?? NaN, 0),
  };
  console.log(JSON.stringify(figures));
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

function wineVersion(): string {
  const r = spawnSync('wine', ['--version'], { encoding: 'utf8', env: wineEnv });
  return (r.stdout ?? '').trim().replace(/^wine-/, '') || '?';
}

main().catch((e) => {
  console.error(e instanceof Error ? e.stack ?? e.message : e);
  process.exit(1);
});
