/**
 * The custom request `rawInlineFrameContext` {threadId}: every frame of the
 * thread with its raw InlineFrameContext (eight hex digits), its decoding
 * in the engine's encoding, and how its name was resolved. Seed of the
 * "Show raw InlineFrameContext" view and of the CLI's --json output.
 */
import type { EngineClient } from '../native/api';
import { decodeInlineContext, hex32 } from '../native/api';
import { errors } from './errors';
import type { PathMapper } from './paths';
import { functionName } from './stack/frameNames';
import { MAX_ALL_FRAMES } from './stack/stackTrace';
import type { RawFrameContext, RawInlineFrameContextBody } from '../stacktext/rawContextBody';

const PAGE = 1000;

export async function rawInlineFrameContext(engine: EngineClient, paths: PathMapper, args: unknown, signal?: AbortSignal): Promise<RawInlineFrameContextBody> {
  const threadId = (args as { threadId?: unknown } | undefined)?.threadId;
  if (!Number.isSafeInteger(threadId)) throw errors.badAttribute('threadId', 'the number of a thread');
  const { inlineContextEncoding: encoding, kind } = await engine.describe();
  const frames: RawFrameContext[] = [];
  // Whole, up to the frames stackTrace gives for "all": `complete` says whether that was all of it.
  let complete = false;
  for (let at = 0; at < MAX_ALL_FRAMES; at += PAGE) {
    const page = await engine.stackFrames(threadId as number, at, PAGE, signal);
    for (const f of page.frames) {
      frames.push({
        index: f.index,
        physicalIndex: f.physicalIndex,
        inline: f.inline,
        instructionOffset: f.instructionOffset,
        returnOffset: f.returnOffset,
        stackOffset: f.stackOffset,
        inlineFrameContext: hex32(f.inlineFrameContext),
        decoded: decodeInlineContext(f.inlineFrameContext, encoding),
        resolvedBy: f.resolvedBy,
        name: functionName(f),
        displacement: f.displacement,
        module: f.module,
        file: f.file ? paths.toClient(f.file) : undefined,
        line: f.line,
      });
    }
    if (page.complete || page.frames.length < PAGE) {
      complete = true;
      break;
    }
  }
  return { threadId: threadId as number, engine: kind, encoding, frames, complete };
}
