/**
 * Looking at the stopped program: threads, the stack, scopes and
 * variables, exception info, modules, sources, memory, disassembly, and
 * the raw InlineFrameContext view. All of it reads the current Stop.
 */
import { Thread } from '@vscode/debugadapter';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { RAW_INLINE_FRAME_CONTEXT_REQUEST } from '../../stacktext/rawContextBody';
import { disassemble } from '../disassembly';
import { errors } from '../errors';
import { exceptionInfo } from '../exceptionInfo';
import { readMemory, writeMemory } from '../memory';
import { rawInlineFrameContext } from '../rawInlineFrameContext';
import type { Runtime } from '../runtime';
import { recordedPathOf } from '../stack/sources';
import { stackTrace } from '../stack/stackTrace';
import { route } from './route';

/** Runs a long request under a signal that its `cancel`, or the program moving on, aborts. */
async function cancellable<T>(rt: Runtime, seq: number, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const signal = rt.cancellation.begin(seq);
  try {
    return await work(signal);
  } finally {
    rt.cancellation.end(seq);
  }
}

export const inspectionRoutes = {
  threads: route(async (rt) => ({ threads: (rt.maybeEngine ? await rt.maybeEngine.threads() : []).map((t) => new Thread(t.id, t.name)) })),
  stackTrace: route<DebugProtocol.StackTraceArguments>((rt, args, seq) =>
    cancellable(rt, seq, (signal) => stackTrace(rt.engine(), rt.stop.frames, rt.sourceOf, args, signal, rt.inlineShown))),
  scopes: route<DebugProtocol.ScopesArguments>((rt, args) => ({ scopes: rt.stop.variables.scopes(rt.stop.frame(args.frameId)) })),
  variables: route<DebugProtocol.VariablesArguments>(async (rt, args) => ({
    variables: await rt.stop.variables.variables(rt.engine(), args.variablesReference, args.start, args.count, args.format),
  })),
  setVariable: route<DebugProtocol.SetVariableArguments>(async (rt, args) => ({ value: await rt.stop.variables.setVariable(rt.engine(), args.variablesReference, args.name, args.value) })),
  exceptionInfo: route<DebugProtocol.ExceptionInfoArguments>((rt, args) => exceptionInfo(rt.stop.exceptionOf(args.threadId))),
  modules: route<DebugProtocol.ModulesArguments | undefined>((rt, args) => {
    const all = [...rt.modules.entries()].map(([id, m]) => ({ id, name: m.name, path: rt.paths.toClient(m.path), symbolStatus: m.symbolStatus, addressRange: m.base }));
    const start = args?.startModule ?? 0;
    return { modules: args?.moduleCount ? all.slice(start, start + args.moduleCount) : all.slice(start), totalModules: all.length };
  }),
  loadedSources: route(async (rt) => ({ sources: (await rt.engine().loadedSources()).map(rt.sourceOf) })),
  /**
   * The adapter serves no source text: every file it names is on disk. A
   * client asks only for one the stack named without a path, because it is
   * not on this machine: say so, and where the debug information puts it.
   */
  source: route<DebugProtocol.SourceArguments>((_rt, args) => {
    throw errors.sourceNotHere(args.source?.name ?? `reference ${args.sourceReference}`, recordedPathOf(args.source));
  }),
  readMemory: route<DebugProtocol.ReadMemoryArguments>((rt, args) => readMemory(rt.engine(), args)),
  writeMemory: route<DebugProtocol.WriteMemoryArguments>((rt, args) => writeMemory(rt.engine(), args)),
  disassemble: route<DebugProtocol.DisassembleArguments>((rt, args) => disassemble(rt.engine(), rt.sourceOf, args)),
  [RAW_INLINE_FRAME_CONTEXT_REQUEST]: route((rt, args, seq) => cancellable(rt, seq, (signal) => rawInlineFrameContext(rt.engine(), rt.paths, args, signal))),
};
