/**
 * The launch configuration: its attributes, checked before anything runs.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { errors } from './errors';
import { checkDump, DumpError } from '../client/dumpFile';

export interface LaunchArguments extends DebugProtocol.LaunchRequestArguments {
  program?: unknown;
  dumpFile?: unknown;
  args?: unknown;
  cwd?: unknown;
  env?: unknown;
  stopOnEntry?: unknown;
  engine?: unknown;
  dbgengPath?: unknown;
  /** Read by the client, which starts the adapter on that dbghelp (client/platformChoice.ts); checked here. */
  dbghelpPath?: unknown;
  sourceFileMap?: unknown;
}

export interface LaunchConfig {
  /** The program to launch; empty when a crash dump is opened instead. */
  program: string;
  /** A crash dump (.dmp) to open instead of launching a program. */
  dumpFile?: string;
  args: string[];
  cwd?: string;
  env: Record<string, string | null>;
  stopOnEntry: boolean;
  engine: 'auto' | 'dbgeng' | 'dbghelp';
  /** A dbgeng.dll to use instead of the system's. */
  dbgengPath?: string;
  /** Recorded source path prefix -> local prefix (adapter/sourceFileMap.ts). */
  sourceFileMap: Record<string, string>;
}

export interface AttachArguments extends DebugProtocol.AttachRequestArguments {
  processId?: unknown;
  stopOnEntry?: unknown;
  engine?: unknown;
  dbgengPath?: unknown;
  /** Read by the client, which starts the adapter on that dbghelp (client/platformChoice.ts); checked here. */
  dbghelpPath?: unknown;
  sourceFileMap?: unknown;
}

export interface AttachConfig {
  processId: number;
  stopOnEntry: boolean;
  engine: 'auto' | 'dbgeng' | 'dbghelp';
  dbgengPath?: string;
  sourceFileMap: Record<string, string>;
}

/** `sourceFileMap`: an object of recorded prefix -> local prefix, both strings. */
function parseSourceFileMap(v: unknown): Record<string, string> {
  if (v === undefined) return {};
  if (typeof v !== 'object' || v === null || Array.isArray(v) || !Object.values(v).every((x) => typeof x === 'string')) {
    throw errors.badAttribute('sourceFileMap', 'an object mapping the path prefix the debug information records to the local one, for example {"/build/src": "/home/me/src"}');
  }
  return v as Record<string, string>;
}

export function parseAttachConfig(a: AttachArguments): AttachConfig {
  const pid = typeof a.processId === 'string' && /^\d+$/.test(a.processId.trim()) ? Number(a.processId) : a.processId;
  if (typeof pid !== 'number' || !Number.isInteger(pid) || pid <= 0) {
    throw errors.badAttribute('processId', 'the id of a running process (a positive whole number), for example 4242, or "${command:dbgeng.pickProcess}" to pick one');
  }
  if (a.stopOnEntry !== undefined && typeof a.stopOnEntry !== 'boolean') throw errors.badAttribute('stopOnEntry', 'true or false');
  const engine = a.engine ?? 'auto';
  if (engine !== 'auto' && engine !== 'dbgeng' && engine !== 'dbghelp') throw errors.badAttribute('engine', '"auto", "dbgeng" or "dbghelp"');
  if (a.dbgengPath !== undefined && typeof a.dbgengPath !== 'string') throw errors.badAttribute('dbgengPath', 'the path of a dbgeng.dll (a string)');
  if (a.dbghelpPath !== undefined && typeof a.dbghelpPath !== 'string') throw errors.badAttribute('dbghelpPath', 'the path of a dbghelp.dll (a string)');
  return { processId: pid, stopOnEntry: a.stopOnEntry === true, engine, dbgengPath: a.dbgengPath as string | undefined, sourceFileMap: parseSourceFileMap(a.sourceFileMap) };
}

export function parseLaunchConfig(a: LaunchArguments): LaunchConfig {
  const dumpFile = parseDumpFile(a);
  if (dumpFile === undefined && (typeof a.program !== 'string' || a.program.trim() === '')) throw errors.missingProgram();
  const args = a.args ?? [];
  if (!Array.isArray(args) || !args.every((x) => typeof x === 'string')) throw errors.badArgs();
  if (a.cwd !== undefined && typeof a.cwd !== 'string') throw errors.badAttribute('cwd', 'a folder path (a string)');
  const env = a.env ?? {};
  if (typeof env !== 'object' || env === null || Array.isArray(env) || !Object.values(env).every((v) => typeof v === 'string' || v === null)) {
    throw errors.badEnv();
  }
  if (a.stopOnEntry !== undefined && typeof a.stopOnEntry !== 'boolean') throw errors.badAttribute('stopOnEntry', 'true or false');
  const engine = a.engine ?? 'auto';
  if (engine !== 'auto' && engine !== 'dbgeng' && engine !== 'dbghelp') throw errors.badAttribute('engine', '"auto", "dbgeng" or "dbghelp"');
  if (a.dbgengPath !== undefined && typeof a.dbgengPath !== 'string') throw errors.badAttribute('dbgengPath', 'the path of a dbgeng.dll (a string)');
  if (a.dbghelpPath !== undefined && typeof a.dbghelpPath !== 'string') throw errors.badAttribute('dbghelpPath', 'the path of a dbghelp.dll (a string)');
  return {
    dbgengPath: a.dbgengPath as string | undefined,
    sourceFileMap: parseSourceFileMap(a.sourceFileMap),
    program: dumpFile === undefined ? a.program as string : '',
    dumpFile,
    args: args as string[],
    cwd: a.cwd as string | undefined,
    env: env as Record<string, string | null>,
    stopOnEntry: a.stopOnEntry === true,
    engine,
  };
}

/** `dumpFile`, instead of `program`: the absolute path of an existing crash dump, an x64 minidump whole (client/dumpFile.ts). */
function parseDumpFile(a: LaunchArguments): string | undefined {
  if (a.dumpFile === undefined) return undefined;
  if (typeof a.dumpFile !== 'string' || !(path.isAbsolute(a.dumpFile) || path.win32.isAbsolute(a.dumpFile))) throw errors.badAttribute('dumpFile', 'the absolute path of a crash dump (.dmp), for example "C:/dumps/app.dmp"');
  if (a.program !== undefined) throw errors.programAndDump();
  if (!fs.existsSync(a.dumpFile) || fs.statSync(a.dumpFile).isDirectory()) throw errors.noDumpFile(a.dumpFile);
  try {
    checkDump(a.dumpFile);
  } catch (e) {
    if (e instanceof DumpError) throw errors.badDump(e.message);
    throw e;
  }
  return a.dumpFile;
}
