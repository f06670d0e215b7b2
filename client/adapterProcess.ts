/**
 * Starts the adapter as a server on a loopback port and connects to it.
 * Under Wine this is the only transport: Windows Node cannot use Unix pipes
 * as its stdio, so its output goes to a log file and DAP goes over TCP.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { windowsRuntime, type RuntimeOptions } from './windowsRuntime';

export interface AdapterConnection {
  socket: net.Socket;
  process: ChildProcess;
  port: number;
  logFile: string;
  /** Closes the connection and makes sure the adapter process is gone. */
  close(): Promise<void>;
}

const CONNECT_TIMEOUT_MS = 60_000;
const EXIT_GRACE_MS = 5_000;

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

/** Spawns the adapter server (under Wine off Windows) and returns once it listens. */
export interface AdapterOptions extends RuntimeOptions {
  port?: number;
  /** The adapter bundle to run (default dist/adapter.js); tests run variants built on adapter/server.ts. */
  adapterScript?: string;
}

export async function startAdapterServer(opts: AdapterOptions): Promise<{ process: ChildProcess; port: number; logFile: string }> {
  const runtime = windowsRuntime(opts);
  const port = opts.port ?? (await freePort());
  const adapterJs = opts.adapterScript ?? path.join(opts.root, 'dist', 'adapter.js');
  if (!fs.existsSync(adapterJs)) throw new Error(`The adapter is not built (${adapterJs}). Run "npm run build".`);
  const logFile = path.join(os.tmpdir(), `dbgeng-inline-adapter-${port}.log`);
  const log = fs.openSync(logFile, 'w');
  const child = spawn(runtime.command, [...runtime.args, adapterJs, `--server=${port}`], {
    env: runtime.env,
    stdio: ['ignore', log, log],
    cwd: path.dirname(adapterJs),
  });
  fs.closeSync(log);
  return { process: child, port, logFile };
}

export async function connectAdapter(opts: AdapterOptions): Promise<AdapterConnection> {
  const { process: child, port, logFile } = await startAdapterServer(opts);
  let exited = false;
  child.on('exit', () => (exited = true));
  const deadline = Date.now() + CONNECT_TIMEOUT_MS;
  let socket: net.Socket | undefined;
  while (!socket) {
    if (exited) throw new Error(`The adapter exited before accepting a connection. Its log: ${logFile}\n${readTail(logFile)}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`The adapter did not listen on 127.0.0.1:${port} within ${CONNECT_TIMEOUT_MS / 1000} s. Its log: ${logFile}`);
    }
    socket = await tryConnect(port).catch(() => undefined);
    if (!socket) await new Promise((r) => setTimeout(r, 100));
  }
  socket.setNoDelay(true);
  const s = socket;
  return {
    socket: s,
    process: child,
    port,
    logFile,
    close: async () => {
      s.end();
      if (exited) return;
      const gone = new Promise<void>((r) => child.once('exit', () => r()));
      const timer = setTimeout(() => child.kill('SIGKILL'), EXIT_GRACE_MS);
      await gone;
      clearTimeout(timer);
    },
  };
}

function tryConnect(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1');
    s.once('connect', () => resolve(s));
    s.once('error', reject);
  });
}

function readTail(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8').slice(-2000);
  } catch {
    return '';
  }
}
