/**
 * The custom DAP request `rawInlineFrameContext` {threadId} and its answer:
 * one definition for the adapter that answers it and the views (the
 * "Show raw InlineFrameContext" document, the CLI's --json) that read it.
 * Pure types, so the language server and the extension can import them.
 */
import type { InlineContextEncoding, ResolvedBy, WindowsContextParts, WineContextParts } from '../native/engines/inlineContext';

export const RAW_INLINE_FRAME_CONTEXT_REQUEST = 'rawInlineFrameContext';

export interface RawInlineFrameContextArguments {
  threadId: number;
}

/** One frame, inline frames counted, with its raw context and how it was named. */
export interface RawFrameContext {
  index: number;
  physicalIndex: number;
  inline: boolean;
  instructionOffset: string;
  returnOffset: string;
  stackOffset: string;
  /** The raw InlineFrameContext, eight hex digits. */
  inlineFrameContext: string;
  /** Its fields under the engine's encoding. */
  decoded: WindowsContextParts | WineContextParts;
  /** Named by the inline context, by the address alone, or not at all. */
  resolvedBy: ResolvedBy;
  name: string;
  displacement?: number;
  module?: string;
  file?: string;
  line?: number;
}

export interface RawInlineFrameContextBody {
  threadId: number;
  engine: string;
  encoding: InlineContextEncoding;
  frames: RawFrameContext[];
  /** False when the stack was longer than the frames given. */
  complete: boolean;
}
