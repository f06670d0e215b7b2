/**
 * What CreateProcess would reject, turned into advice before anything runs.
 */
import fs from 'node:fs';
import type { LaunchParams } from './engine';
import { EngineError } from './engineError';

/** What a launch names (the program, the working directory) is there and can run. */
export function checkLaunch(params: LaunchParams): void {
  checkProgram(params.program);
  if (params.cwd && !isDirectory(params.cwd)) {
    throw new EngineError('badCwd', `The working directory "${params.cwd}" does not exist. Set "cwd" to an existing folder, or leave it out.`);
  }
}

function isDirectory(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}

export function checkProgram(program: string): void {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(program);
  } catch {
    throw new EngineError('programMissing', `The program "${program}" does not exist. Set "program" to the full path of a Windows .exe.`);
  }
  if (stat.isDirectory()) throw new EngineError('programIsDirectory', `"${program}" is a folder. Set "program" to the .exe inside it.`);
  const head = Buffer.alloc(4096);
  const fd = fs.openSync(program, 'r');
  const n = fs.readSync(fd, head, 0, head.length, 0);
  fs.closeSync(fd);
  if (n < 64 || head.toString('latin1', 0, 2) !== 'MZ') {
    throw new EngineError('notPE', `"${program}" is not a Windows executable (no PE header). Set "program" to a .exe built for Windows.`);
  }
  const pe = head.readUInt32LE(0x3c);
  if (pe + 6 > n || head.toString('latin1', pe, pe + 4) !== 'PE\0\0') {
    throw new EngineError('notPE', `"${program}" is not a Windows executable (no PE header). Set "program" to a .exe built for Windows.`);
  }
  const machine = head.readUInt16LE(pe + 4);
  if (machine !== 0x8664) {
    const arch = machine === 0x14c ? '32-bit x86' : machine === 0xaa64 ? 'ARM64' : `machine 0x${machine.toString(16)}`;
    throw new EngineError('wrongArchitecture', `"${program}" is a ${arch} program; this debugger debugs x64 programs. Rebuild it for x64.`);
  }
}
