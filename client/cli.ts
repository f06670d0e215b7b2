/**
 * dbgeng-inline: the command-line front end. It is a DAP client of the
 * adapter (started under Wine off Windows), so what it prints is exactly
 * what an editor would be told.
 *
 *   dbgeng-inline stack [--engine auto|dbgeng|dbghelp] [--break FILE:LINE]...
 *                       [--break FUNCTION]... [--json] -- PROGRAM [ARGS...]
 *   dbgeng-inline stack [--json] --dump FILE.dmp
 *   dbgeng-inline dap --port N
 */
import fs from 'node:fs';
import path from 'node:path';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { watchForLoss, type LossWatch } from './adapterLoss';
import { connectAdapter, startAdapterServer } from './adapterProcess';
import { DapClient, DapError } from './dapClient';
import { formatStack, type StackRow } from '../adapter/stack/stackText';
import { RuntimeMissingError } from './windowsRuntime';
import { choosePlatform, platformRuntime } from './platformChoice';
import { decodeCommand, DecodeUsageError } from './decodeCommand';
import { checkDump, DumpError } from './dumpFile';
import { RAW_INLINE_FRAME_CONTEXT_REQUEST, type RawInlineFrameContextArguments, type RawInlineFrameContextBody } from '../stacktext/rawContextBody';

const root = path.resolve(__dirname, '..');

const USAGE = `Usage:
  dbgeng-inline stack [--engine auto|dbgeng|dbghelp] [--dbgeng-path DLL] [--dbghelp-path DLL] [--break FILE:LINE]... [--break FUNCTION]... [--json] -- PROGRAM [ARGS...]
      Runs PROGRAM under the debugger; at every stop prints the call stack
      (inline frames marked "(Inline)"), then continues. Exits with the
      program's exit code (2 for bad arguments or files, 3 when the
      debugger's own process ended in the middle, with why).
  dbgeng-inline stack [--dbgeng-path DLL] [--json] --dump FILE.dmp
      Opens a crash dump with dbgeng and prints the call stack at its event
      (the exception it was written for, or where it was written).
  dbgeng-inline dap --port N
      Serves the Debug Adapter Protocol on 127.0.0.1:N until the client disconnects.
  dbgeng-inline decode [--encoding windows|wine] VALUE...
  dbgeng-inline decode [--encoding windows|wine] --stack FILE|-
      Decodes InlineFrameContext values, or reads WinDbg k/kb/kn/kv/kvf output
      (or the raw InlineFrameContext view) and prints one JSON line per frame.`;

class UsageError extends Error {}

interface StackOptions {
  engine: string;
  dbgengPath?: string;
  dbghelpPath?: string;
  breaks: string[];
  json: boolean;
  program: string;
  args: string[];
  /** A crash dump to open instead of a program to run. */
  dump?: string;
}

function parseStackArgs(argv: string[]): StackOptions {
  const opts: StackOptions = { engine: 'auto', breaks: [], json: false, program: '', args: [] };
  let i = 0;
  for (; i < argv.length && argv[i] !== '--'; i++) {
    const a = argv[i]!;
    const value = () => {
      const v = argv[++i];
      if (v === undefined || v === '--') throw new UsageError(`${a} needs a value.`);
      return v;
    };
    if (a === '--json') opts.json = true;
    else if (a === '--engine') opts.engine = value();
    else if (a.startsWith('--engine=')) opts.engine = a.slice(9);
    else if (a === '--break') opts.breaks.push(value());
    else if (a === '--dbgeng-path') opts.dbgengPath = path.resolve(value());
    else if (a === '--dbghelp-path') opts.dbghelpPath = path.resolve(value());
    else if (a.startsWith('--break=')) opts.breaks.push(a.slice(8));
    else if (a === '--dump') opts.dump = path.resolve(value());
    else throw new UsageError(`Unknown option "${a}".`);
  }
  if (!['auto', 'dbgeng', 'dbghelp'].includes(opts.engine)) throw new UsageError(`--engine must be auto, dbgeng or dbghelp, not "${opts.engine}".`);
  const rest = argv.slice(i + 1);
  if (opts.dump) {
    if (rest.length) throw new UsageError('Give either a crash dump (--dump FILE.dmp) or a program after "--", not both.');
    if (opts.breaks.length) throw new UsageError('A crash dump cannot run, so --break has nothing to stop: leave it out with --dump.');
    if (opts.engine === 'dbghelp') throw new UsageError('Crash dumps are read by the dbgeng engine: leave --engine out, or give --engine dbgeng, with --dump.');
    // The dump's own header first: a file that is no x64 minidump is named for what it is, before any adapter starts.
    checkDump(opts.dump);
    return opts;
  }
  if (i >= argv.length || !rest.length) throw new UsageError('Give the program after "--", for example: dbgeng-inline stack -- app.exe');
  opts.program = path.resolve(rest[0]!);
  opts.args = rest.slice(1);
  return opts;
}

/**
 * FILE:LINE (the last colon splits, so C:\x\a.c:12 works) or a function
 * name. A FILE that exists from here is taken as that file; one that does
 * not (a bare "fanout.c", or "src/fanout.c" from another folder) goes as
 * written, and binds where it is the end of a path the debug information
 * records, as gdb and WinDbg take it.
 */
function parseBreak(spec: string): { file: string; line: number } | { function: string } {
  const m = /^(.*):(\d+)$/.exec(spec);
  if (m && m[1]) return { file: fs.existsSync(m[1]) ? path.resolve(m[1]) : m[1], line: Number(m[2]) };
  if (!spec) throw new UsageError('--break needs FILE:LINE or a function name.');
  return { function: spec };
}

async function setBreakpoints(dap: DapClient, breaks: string[]): Promise<void> {
  const byFile = new Map<string, number[]>();
  const functions: string[] = [];
  for (const b of breaks.map(parseBreak)) {
    if ('function' in b) functions.push(b.function);
    else byFile.set(b.file, [...(byFile.get(b.file) ?? []), b.line]);
  }
  for (const [file, lines] of byFile) {
    const r = await dap.request<DebugProtocol.SetBreakpointsResponse>('setBreakpoints', { source: { path: file }, breakpoints: lines.map((line) => ({ line })) });
    r.body.breakpoints.forEach((bp, k) => {
      if (!bp.verified) process.stderr.write(`warning: breakpoint ${file}:${lines[k]} not bound: ${bp.message ?? 'no code there'}\n`);
      else if (bp.message) process.stderr.write(`note: breakpoint ${file}:${lines[k]}: ${bp.message}\n`);
    });
  }
  if (functions.length) {
    const r = await dap.request<DebugProtocol.SetFunctionBreakpointsResponse>('setFunctionBreakpoints', { breakpoints: functions.map((name) => ({ name })) });
    r.body.breakpoints.forEach((bp, k) => {
      if (!bp.verified) process.stderr.write(`warning: breakpoint on ${functions[k]} not bound: ${bp.message ?? 'no such function'}\n`);
    });
  }
}

async function printStop(dap: DapClient, stop: DebugProtocol.StoppedEvent, json: boolean): Promise<void> {
  const threadId = stop.body.threadId ?? 0;
  const args: RawInlineFrameContextArguments = { threadId };
  const raw = (await dap.request(RAW_INLINE_FRAME_CONTEXT_REQUEST, args)).body as RawInlineFrameContextBody;
  const trace = await dap.request<DebugProtocol.StackTraceResponse>('stackTrace', { threadId, startFrame: 0, levels: 0 });
  const rows = raw.frames.map((f, k) => {
    const d = trace.body.stackFrames[k];
    // The adapter's stack names a file only where it is on this machine (adapter/stack/sources.ts);
    // a recorded path that is not (Wine's own DLLs record "dlls/kernel32/thread.c") is not printed.
    const file = d ? d.source?.path : f.file;
    return { ...f, file, line: d?.line || f.line };
  });
  if (json) {
    process.stdout.write(JSON.stringify({
      reason: stop.body.reason,
      threadId,
      frames: rows.map((f) => ({
        index: f.index, name: f.name, inline: f.inline, module: f.module ?? null, file: f.file ?? null, line: f.line ?? null,
        instructionPointer: f.instructionOffset, inlineFrameContext: f.inlineFrameContext,
      })),
    }) + '\n');
    return;
  }
  const what = stop.body.text ?? stop.body.description ?? stop.body.reason;
  // A stack overflow's hundreds of thousands of frames: the adapter gives the top ones.
  const more = raw.complete === false ? `... more frames below (the top ${rows.length} are shown)\n` : '';
  process.stdout.write(`\nStopped (${stop.body.reason}) in thread ${threadId}: ${what}\n${formatStack(rows as StackRow[])}\n${more}`);
}

async function stack(argv: string[]): Promise<number> {
  const opts = parseStackArgs(argv);
  const choice = choosePlatform(root, { engine: opts.engine, program: opts.program, dumpFile: opts.dump, dbgengPath: opts.dbgengPath, dbghelpPath: opts.dbghelpPath });
  const conn = await connectAdapter({ root, ...platformRuntime(choice) });
  const dap = new DapClient(conn.socket, conn.socket);
  // A lost adapter (a native fault ends its process) is said as such, not as the request it left unanswered.
  let watch!: LossWatch;
  const lost = new Promise<string>((resolve) => (watch = watchForLoss(conn, (events) => resolve((events[0] as DebugProtocol.OutputEvent).body.output))));
  dap.on('*', (e: DebugProtocol.Event) => watch.seen(e));
  let exitCode = 1;
  try {
    dap.on('output', (e: DebugProtocol.OutputEvent) => {
      if (e.body.category === 'stdout') process.stderr.write(e.body.output);
      else if (!opts.json) process.stderr.write(e.body.output);
    });
    const exited = new Promise<number>((resolve) => dap.on('exited', (e: DebugProtocol.ExitedEvent) => resolve(e.body.exitCode)));
    const terminated = dap.waitFor('terminated', 24 * 3600_000);
    const stops: DebugProtocol.StoppedEvent[] = [];
    let wake: (() => void) | undefined;
    dap.on('stopped', (e: DebugProtocol.StoppedEvent) => {
      stops.push(e);
      wake?.();
    });
    await dap.request('initialize', { adapterID: 'dbgeng', clientID: 'dbgeng-inline', linesStartAt1: true, columnsStartAt1: true, pathFormat: 'path' });
    const initialized = dap.waitFor('initialized', 60_000);
    await dap.request('launch', opts.dump
      ? { dumpFile: opts.dump, engine: 'dbgeng', dbgengPath: opts.dbgengPath }
      : { program: opts.program, args: opts.args, engine: opts.engine, dbgengPath: opts.dbgengPath, cwd: process.cwd() });
    await initialized;
    await setBreakpoints(dap, opts.breaks);
    await dap.request('configurationDone');
    let done = false;
    void terminated.then(() => {
      done = true;
      wake?.();
    });
    while (!done) {
      const stop = stops.shift();
      if (!stop) {
        await new Promise<void>((r) => (wake = r));
        wake = undefined;
        continue;
      }
      await printStop(dap, stop, opts.json);
      // A dump stops once, at its event, and never runs: its stack printed, the session ends.
      if (opts.dump) {
        watch.expectEnd();
        await dap.send('disconnect', { terminateDebuggee: true }).catch(() => undefined);
        return 0;
      }
      await dap.request('continue', { threadId: stop.body.threadId });
    }
    exitCode = await Promise.race([exited, new Promise<number>((r) => setTimeout(() => r(1), 1000))]);
    watch.expectEnd();
    await dap.send('disconnect', { terminateDebuggee: true }).catch(() => undefined);
  } catch (e) {
    const why = await Promise.race([lost, new Promise<undefined>((r) => setTimeout(() => r(undefined), 4000))]);
    if (!why) throw e;
    process.stderr.write(`dbgeng-inline: ${why}`);
    return 3;
  } finally {
    await conn.close();
  }
  return exitCode;
}

async function dap(argv: string[]): Promise<number> {
  const i = argv.indexOf('--port');
  const port = Number(i >= 0 ? argv[i + 1] : argv.find((a) => a.startsWith('--port='))?.slice(7));
  if (!Number.isInteger(port) || port <= 0 || port > 65535) throw new UsageError('dap needs --port N (1-65535).');
  const server = await startAdapterServer({ root, port });
  process.stderr.write(`Serving DAP on 127.0.0.1:${port} (log: ${server.logFile})\n`);
  const stop = () => server.process.kill();
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  return new Promise((resolve) => server.process.on('exit', (code) => resolve(code ?? 0)));
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === 'stack') return stack(rest);
  if (command === 'dap') return dap(rest);
  if (command === 'decode') {
    try {
      return decodeCommand(rest, (l) => process.stdout.write(l + '\n'), (l) => process.stderr.write(l + '\n'));
    } catch (e) {
      if (e instanceof DecodeUsageError) throw new UsageError(e.message);
      throw e;
    }
  }
  if (command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(USAGE + '\n');
    return 0;
  }
  throw new UsageError(command ? `Unknown command "${command}".` : 'Give a command.');
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: Error) => {
    if (e instanceof UsageError) process.stderr.write(`dbgeng-inline: ${e.message}\n\n${USAGE}\n`);
    else if (e instanceof RuntimeMissingError || e instanceof DapError || e instanceof DumpError) process.stderr.write(`dbgeng-inline: ${e.message}\n`);
    else process.stderr.write(`dbgeng-inline: ${e.stack ?? e.message}\n`);
    process.exit(2);
  },
);
