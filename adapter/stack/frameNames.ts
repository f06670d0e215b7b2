/**
 * How a frame is named in the Call Stack. Inline frames carry the marker in
 * their name ("helper (Inline)"), as WinDbg marks its inline rows: VS Code
 * folds frames hinted `subtle` away, which would hide exactly the frames
 * this debugger exists to show.
 */
import type { RawFrame } from '../../native/api';

export const INLINE_MARKER = ' (Inline)';

/** The bare function name, or module+offset when there is no symbol. */
export function functionName(frame: RawFrame): string {
  if (frame.function) return frame.function;
  const pc = BigInt(frame.instructionOffset);
  if (frame.module && frame.moduleBase) return `${frame.module}+0x${(pc - BigInt(frame.moduleBase)).toString(16)}`;
  return `0x${pc.toString(16)}`;
}

export function frameName(frame: RawFrame): string {
  return functionName(frame) + (frame.inline ? INLINE_MARKER : '');
}
