/**
 * Checks a dbgeng debug configuration (variables already substituted)
 * before any adapter starts, so a bad one fails with a message that says
 * what to change. Pure Node, no vscode: the extension and the tests use it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { checkProgram, ProgramError } from './peFile';
import { checkDump, DumpError } from './dumpFile';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type LaunchCheckConfig = Record<string, any>;

/** Checks a configuration whose variables are substituted. Returns an error message, or undefined when it is fine. */
export function configurationProblem(config: LaunchCheckConfig): string | undefined {
  if (config.request === 'attach') {
    const pid = config.processId;
    const n = typeof pid === 'string' ? Number(pid.trim()) : pid;
    if (pid === undefined || pid === '') return '"processId" is missing: set it to a process id, or to "${command:dbgeng.pickProcess}" to pick one.';
    if (typeof n !== 'number' || !Number.isInteger(n) || n <= 0) return `"processId" must be a process id (a positive whole number), not ${JSON.stringify(pid)}.`;
    return engineProblem(config);
  }
  if (config.request !== 'launch') return `"request" must be "launch" or "attach", not ${JSON.stringify(config.request)}.`;
  if (config.dumpFile !== undefined) return dumpProblem(config);
  if (typeof config.program !== 'string' || config.program.trim() === '') {
    return '"program" is missing: set it in launch.json to the Windows program (.exe) to debug, for example "${workspaceFolder}/build/app.exe" (or set "dumpFile" to a crash dump to open).';
  }
  if (!path.isAbsolute(config.program)) return `"program" must be an absolute path (use \${workspaceFolder}/...), not "${config.program}".`;
  try {
    checkProgram(config.program);
  } catch (e) {
    if (e instanceof ProgramError) return e.message;
    throw e;
  }
  if (config.args !== undefined && (!Array.isArray(config.args) || !config.args.every((a: unknown) => typeof a === 'string'))) {
    return '"args" must be a list of strings, for example ["--verbose", "input.txt"].';
  }
  if (config.cwd !== undefined) {
    if (typeof config.cwd !== 'string') return '"cwd" must be a folder path (a string).';
    if (!fs.existsSync(config.cwd) || !fs.statSync(config.cwd).isDirectory()) return `"cwd" is not a folder: "${config.cwd}".`;
  }
  if (config.env !== undefined && (typeof config.env !== 'object' || config.env === null || Array.isArray(config.env)
    || !Object.values(config.env).every((v) => typeof v === 'string' || v === null))) {
    return '"env" must be an object of strings, for example {"NAME": "value"} (null removes a variable).';
  }
  return engineProblem(config);
}

/** A launch that opens a crash dump: `dumpFile` instead of `program`, an x64 minidump, whole (dumpFile.ts). */
function dumpProblem(config: LaunchCheckConfig): string | undefined {
  const dump = config.dumpFile;
  if (config.program !== undefined) return 'Set either "program" (a program to run) or "dumpFile" (a crash dump to open), not both.';
  if (typeof dump !== 'string' || dump.trim() === '') return '"dumpFile" must be the path of a crash dump (.dmp), for example "${workspaceFolder}/crash.dmp".';
  if (!path.isAbsolute(dump)) return `"dumpFile" must be an absolute path (use \${workspaceFolder}/...), not "${dump}".`;
  if (!fs.existsSync(dump)) return `"dumpFile" does not exist: "${dump}".`;
  if (fs.statSync(dump).isDirectory()) return `"dumpFile" is a folder, not a crash dump: "${dump}".`;
  try {
    checkDump(dump);
  } catch (e) {
    if (e instanceof DumpError) return e.message;
    throw e;
  }
  return engineProblem(config);
}

/** The attributes launch and attach share: which engine, and where its dbgeng.dll is. */
function engineProblem(config: LaunchCheckConfig): string | undefined {
  if (config.engine !== undefined && !['auto', 'dbgeng', 'dbghelp'].includes(config.engine)) return `"engine" must be "auto", "dbgeng" or "dbghelp", not ${JSON.stringify(config.engine)}.`;
  if (config.stopOnEntry !== undefined && typeof config.stopOnEntry !== 'boolean') return '"stopOnEntry" must be true or false.';
  if (config.dbgengPath !== undefined && (typeof config.dbgengPath !== 'string' || !fs.existsSync(config.dbgengPath))) {
    return `"dbgengPath" must name an existing dbgeng.dll, not ${JSON.stringify(config.dbgengPath)}.`;
  }
  return undefined;
}

