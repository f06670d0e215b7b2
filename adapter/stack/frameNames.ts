/**
 * How a frame is named in the Call Stack. Inline frames carry the marker in
 * their name ("helper (Inline)"), as WinDbg marks its inline rows: VS Code
 * folds frames hinted `subtle` away, which would hide exactly the frames
 * this debugger exists to show.
 *
 * The stackTrace request's `format` (DAP StackFrameFormat, offered with
 * supportsValueFormattingOptions) adds what Visual Studio's Call Stack
 * shows: `sample!helper(int x = 0x2) Line 21 (Inline)`. The module is
 * written WinDbg's way (module!function); parameters are the frame's own
 * (an inline frame's are the inlined function's), in hex when `hex` is
 * set; the inline marker stays last, where the Call Stack and our tools
 * look for it.
 */
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { RawFrame, Variable } from '../../native/api';
import { formatValue } from '../valueFormat';

export const INLINE_MARKER = ' (Inline)';

/** The bare function name, or module+offset when there is no symbol. */
export function functionName(frame: RawFrame): string {
  if (frame.function) return frame.function;
  const pc = BigInt(frame.instructionOffset);
  if (frame.module && frame.moduleBase) return `${frame.module}+0x${(pc - BigInt(frame.moduleBase)).toString(16)}`;
  return `0x${pc.toString(16)}`;
}

/** Whether the name needs the frame's parameters, which cost the engine a symbol scope per frame. */
export const wantsParameters = (format: DebugProtocol.StackFrameFormat | undefined): boolean => !!format?.parameters;

/** One parameter as the format asks: its type, name and value, each unless turned off (DAP: all shown by default). */
function parameterText(p: Variable, format: DebugProtocol.StackFrameFormat): string {
  const type = format.parameterTypes !== false ? p.type : '';
  const name = format.parameterNames !== false ? p.name : '';
  const value = format.parameterValues !== false ? formatValue(p.value, p.type, format) : '';
  const declared = [type, name].filter(Boolean).join(' ');
  return declared && value ? `${declared} = ${value}` : declared || value;
}

/**
 * The frame's name, under the client's `format` if any. `parameters`: the
 * frame's parameters in order, or undefined when they could not be read
 * (the list is then left out rather than shown empty, which would say the
 * function takes none).
 */
export function frameName(frame: RawFrame, format?: DebugProtocol.StackFrameFormat, parameters?: Variable[]): string {
  let name = functionName(frame);
  if (format?.module && frame.module && frame.function) name = `${frame.module}!${name}`;
  if (format?.parameters && parameters) name += `(${parameters.map((p) => parameterText(p, format)).join(', ')})`;
  if (format?.line && frame.line) name += ` Line ${frame.line}`;
  return name + (frame.inline ? INLINE_MARKER : '');
}
