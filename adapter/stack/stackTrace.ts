/**
 * The stackTrace request: a page of the engine's frames, inline frames
 * included, turned into DAP frames. The engine walks lazily, so asking for
 * one frame costs one frame whatever the depth.
 */
import path from 'node:path';
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { EngineClient, RawFrame } from '../../native/api';
import type { PathMapper } from '../paths';
import { frameName } from './frameNames';
import type { FrameStore } from './frameStore';

/** levels 0 means "all": fetched in pages of this size. */
const ALL_PAGE = 1000;

export async function stackTrace(
  engine: EngineClient,
  frames: FrameStore,
  paths: PathMapper,
  args: DebugProtocol.StackTraceArguments,
): Promise<DebugProtocol.StackTraceResponse['body']> {
  const start = Math.max(0, args.startFrame ?? 0);
  const levels = args.levels && args.levels > 0 ? args.levels : 0;
  const raw: RawFrame[] = [];
  let total: number | undefined;
  if (levels) {
    const page = await engine.stackFrames(args.threadId, start, levels);
    raw.push(...page.frames);
    total = page.totalFrames;
  } else {
    for (let at = start; ; at += ALL_PAGE) {
      const page = await engine.stackFrames(args.threadId, at, ALL_PAGE);
      raw.push(...page.frames);
      total = page.totalFrames;
      if (page.complete || page.frames.length < ALL_PAGE) break;
    }
  }
  return {
    stackFrames: raw.map((f) => toDapFrame(f, frames.idFor(args.threadId, f), paths)),
    // Known once the walk reached the bottom; until then VS Code keeps
    // asking for pages until one comes back short.
    totalFrames: total,
  };
}

function toDapFrame(f: RawFrame, id: number, paths: PathMapper): DebugProtocol.StackFrame {
  const file = f.file ? paths.toClient(f.file) : undefined;
  return {
    id,
    name: frameName(f),
    source: file ? { name: path.basename(file.replace(/\\/g, '/')), path: file } : undefined,
    line: f.line ?? 0,
    column: f.line ? 1 : 0,
    instructionPointerReference: f.instructionOffset,
    moduleId: f.moduleBase,
  };
}
