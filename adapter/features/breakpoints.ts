/**
 * The breakpoint requests, all kept in the Runtime's breakpoint book
 * (breakpoints/book.ts): source, function, instruction and data
 * breakpoints, exception filters, and which values can be watched.
 */
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { Variable } from '../../native/api';
import { infoFor } from '../breakpoints/dataWatches';
import { route } from './route';

export const breakpointRoutes = {
  setBreakpoints: route<DebugProtocol.SetBreakpointsArguments>(async (rt, args) => ({ breakpoints: await rt.book.setSource(args) })),
  setFunctionBreakpoints: route<DebugProtocol.SetFunctionBreakpointsArguments>(async (rt, args) => ({ breakpoints: await rt.book.setFunctions(args.breakpoints) })),
  setInstructionBreakpoints: route<DebugProtocol.SetInstructionBreakpointsArguments>(async (rt, args) => ({ breakpoints: await rt.book.setInstructions(args) })),
  setDataBreakpoints: route<DebugProtocol.SetDataBreakpointsArguments>(async (rt, args) => ({ breakpoints: await rt.book.setData(args.breakpoints) })),
  setExceptionBreakpoints: route<DebugProtocol.SetExceptionBreakpointsArguments>((rt, args) => rt.book.setExceptionFilters(args.filters ?? [])),
  /** Whether a variable (or, with a frame and no reference, an expression) can be watched for changes. */
  dataBreakpointInfo: route<DebugProtocol.DataBreakpointInfoArguments>(async (rt, args) => {
    const engine = rt.engine();
    let value: Variable | undefined;
    if (args.variablesReference !== undefined) value = await rt.stop.variables.find(engine, args.variablesReference, args.name);
    else {
      const ref = rt.stop.frame(args.frameId ?? 0);
      value = await engine.evaluate(ref.threadId, ref.frame.index, args.name).catch(() => undefined);
    }
    return infoFor(args.name, value);
  }),
};
