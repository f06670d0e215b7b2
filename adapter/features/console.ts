/**
 * The Debug Console, hovers and watches: evaluate (WinDbg commands in the
 * console, C expressions everywhere) and completions. The console's frame
 * belongs to the stop: `.frame N` chooses it until the program runs again.
 */
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { CommandScope } from '../../native/api';
import { frameCommand, runCommand, type ConsoleState } from '../console/commands';
import { completions } from '../console/completions';
import { errors } from '../errors';
import { evaluateIn } from '../evaluate';
import type { Runtime } from '../runtime';
import { route } from './route';

/** What the Debug Console's WinDbg commands work on (the dbghelp engine's; dbgeng runs its own). */
function consoleState(rt: Runtime, at: CommandScope): ConsoleState {
  const { stop, book } = rt;
  return {
    engine: rt.engine(),
    paths: rt.paths,
    sourceOf: rt.sourceOf,
    threadId: at.threadId,
    get frameIndex() { return at.frameIndex; },
    set frameIndex(frameIndex: number) { stop.consoleFrame = at = { threadId: at.threadId, frameIndex }; },
    get inlineShown() { return rt.inlineShown; },
    set inlineShown(on: boolean) { rt.inlineShown = on; },
    modules: [...rt.modules.values()],
    breakpoints: book.list(),
    addFunctionBreakpoint: (name) => book.addConsoleFunction(name),
    clearConsoleBreakpoints: (which) => book.clearConsole(which),
  };
}

/** A console command; undefined when the text is not one (it is then an expression). */
async function command(rt: Runtime, text: string, frameId: number | undefined): Promise<string | undefined> {
  const at = rt.stop.consoleWhere(frameId);
  if (rt.engineKind === 'dbgeng') {
    const output = await rt.engine().execute(text, at.threadId ? at : undefined);
    const frame = frameCommand(text);
    if (frame !== undefined && at.threadId) rt.stop.consoleFrame = { threadId: at.threadId, frameIndex: frame };
    return output;
  }
  if (!at.threadId) throw errors.noStoppedThread();
  return runCommand(text, consoleState(rt, at));
}

export const consoleRoutes = {
  evaluate: route<DebugProtocol.EvaluateArguments>(async (rt, args) => {
    if (args.context === 'repl') {
      const text = await command(rt, args.expression, args.frameId);
      if (text !== undefined) return { result: text, variablesReference: 0 };
    }
    const at = rt.stop.where(args.frameId);
    if (!at.threadId) throw errors.noStoppedThread();
    return evaluateIn(rt.engine(), rt.stop.variables, at.threadId, at.frameIndex, args.expression, args.format);
  }),
  completions: route<DebugProtocol.CompletionsArguments>(async (rt, args) => {
    const engine = rt.engine();
    const { threadId, frameIndex } = rt.stop.where(args.frameId);
    // Names only while stopped; the commands always.
    const names = threadId ? (await engine.variables(threadId, frameIndex).catch(() => [])).map((v) => v.name) : [];
    const registers = threadId ? (await engine.registers(threadId, frameIndex).catch(() => [])).map((r) => r.name) : [];
    return { targets: completions(args.text, args.column, { engineKind: rt.engineKind, names, registers }) };
  }),
};
