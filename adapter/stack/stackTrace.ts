/**
 * The stackTrace request: a page of the engine's frames, inline frames
 * included, turned into DAP frames. The engine walks lazily, so asking for
 * one frame costs one frame whatever the depth.
 */
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { EngineClient, RawFrame } from '../../native/api';
import type { SourceOf } from './sources';
import { frameName, INLINE_MARKER, wantsParameters } from './frameNames';
import type { FrameStore } from './frameStore';

/** levels 0 means "all": fetched in pages of this size. */
const ALL_PAGE = 1000;
/**
 * ...and "all" stops here. Naming, numbering and sending a 260,000-frame
 * stack overflow in one response held the adapter's thread for 25 s under
 * Wine (measured) and made a 60 MB message; past this many frames the
 * response says how many there are (or, not known yet, that there are
 * more) and the client pages on with startFrame, as VS Code does anyway.
 */
export const MAX_ALL_FRAMES = 10_000;
/**
 * Until the walk reaches the bottom the depth is unknown, and VS Code then
 * asks for 20 frames per "Load More Stack Frames": a 300,000-frame stack
 * would take 15,000 requests, each at least a loopback round trip (0.4 ms
 * between Linux and Windows Node under Wine, measured). Given a total, it
 * asks for all the frames it says remain. So a page that does not reach the
 * bottom reports the frames up to its end plus LOAD_MORE: each Load More
 * brings that many. The DAP spec allows a total larger than the frames
 * there are, and suggests growing it to page a client. A request for one
 * frame (the top frame, VS Code's first paint) is a peek, not paging, and
 * gets no total.
 */
const LOAD_MORE = 10_000;

export async function stackTrace(
  engine: EngineClient,
  frames: FrameStore,
  sourceOf: SourceOf,
  args: DebugProtocol.StackTraceArguments,
  /** Aborts a long walk (the request was cancelled, or the program moved on). */
  signal?: AbortSignal,
  /** false (the console's .inline 0): physical frames only, as WinDbg shows them then. */
  inlineShown = true,
): Promise<DebugProtocol.StackTraceResponse['body']> {
  const start = Math.max(0, args.startFrame ?? 0);
  const levels = args.levels && args.levels > 0 ? args.levels : 0;
  if (!inlineShown) {
    const all = (await stackTrace(engine, frames, sourceOf, { threadId: args.threadId }, signal)).stackFrames;
    const physical = all.filter((f) => !f.name.endsWith(INLINE_MARKER));
    return { stackFrames: levels ? physical.slice(start, start + levels) : physical.slice(start), totalFrames: physical.length };
  }
  const raw: RawFrame[] = [];
  let total: number | undefined;
  if (levels) {
    const page = await engine.stackFrames(args.threadId, start, levels, signal);
    raw.push(...page.frames);
    total = page.totalFrames;
  } else {
    for (let at = start; ; at += ALL_PAGE) {
      const page = await engine.stackFrames(args.threadId, at, ALL_PAGE, signal);
      raw.push(...page.frames);
      total = page.totalFrames;
      if (page.complete || page.frames.length < ALL_PAGE) break;
      if (raw.length >= MAX_ALL_FRAMES) {
        total ??= start + raw.length + LOAD_MORE;
        break;
      }
    }
  }
  if (total === undefined && levels > 1 && raw.length === levels) total = start + raw.length + LOAD_MORE;
  const names = await frameNames(engine, args.threadId, raw, args.format, signal);
  return {
    stackFrames: raw.map((f, i) => toDapFrame(f, names[i]!, frames.idFor(args.threadId, f), sourceOf)),
    // Exact once the walk reached the bottom; until then a paging hint (see
    // LOAD_MORE), or none: VS Code then asks for pages until one comes back short.
    totalFrames: total,
  };
}

/** Each frame's name under the client's format; parameters read frame by frame, only when asked for. */
async function frameNames(engine: EngineClient, threadId: number, raw: RawFrame[], format: DebugProtocol.StackFrameFormat | undefined, signal?: AbortSignal): Promise<string[]> {
  if (!wantsParameters(format)) return raw.map((f) => frameName(f, format));
  const names: string[] = [];
  for (const f of raw) {
    signal?.throwIfAborted();
    const parameters = await engine.variables(threadId, f.index).then((vs) => vs.filter((v) => v.kind === 'parameter'), () => undefined);
    names.push(frameName(f, format, parameters));
  }
  return names;
}

function toDapFrame(f: RawFrame, name: string, id: number, sourceOf: SourceOf): DebugProtocol.StackFrame {
  return {
    id,
    name,
    source: f.file ? sourceOf(f.file) : undefined,
    line: f.line ?? 0,
    column: f.line ? 1 : 0,
    instructionPointerReference: f.instructionOffset,
    moduleId: f.moduleBase,
  };
}
