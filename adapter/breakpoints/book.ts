/**
 * The breakpoint book: every breakpoint of the session, of every kind
 * (source, function, console `bp`, instruction, data; exception filters
 * beside them), in one table of groups keyed one way, with the ids the
 * client knows, one conversion to DAP, the requests as last asked (bound
 * again in a restarted process) and what each does when hit (policies.ts).
 * The engine keeps its own breakpoints; this is what the client sees of them.
 */
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { BoundBreakpoint, DataWatch, EngineClient, EngineEvent } from '../../native/api';
import { memoryAddress } from '../memory';
import type { PathMapper } from '../paths';
import type { SourceFileMap } from '../sourceFileMap';
import { watchOf } from './dataWatches';
import { BreakpointIds } from './ids';
import { BreakpointPolicies } from './policies';

/** One breakpoint as the client knows it. */
interface Entry {
  id: number;
  /** How `bl` names it. */
  where: string;
  verified: boolean;
  addresses: string[];
  line?: number;
  message?: string;
  source?: DebugProtocol.Source;
}

/** A group is replaced whole by the request that sets it: one source file's breakpoints, or all of one kind. */
type Group = 'functions' | 'console' | 'instructions' | 'data' | `source:${string}`;

/** What the book needs of the session: the engine, and how paths are spelled on each side (both change at a restart). */
export interface BookSession {
  engine(): EngineClient;
  readonly paths: PathMapper;
  readonly sourceMap: SourceFileMap;
}

/** The one conversion of a breakpoint to DAP. */
const toDap = (e: Entry): DebugProtocol.Breakpoint => ({
  id: e.id, verified: e.verified, line: e.line || undefined, message: e.message, source: e.source, instructionReference: e.addresses[0],
});

export class BreakpointBook {
  readonly policies = new BreakpointPolicies();
  private readonly groups = new Map<Group, Entry[]>();
  private readonly ids = new BreakpointIds();
  // The requests as last asked, to bind again in a restarted process.
  private readonly sourceArgs = new Map<string, DebugProtocol.SetBreakpointsArguments>();
  private editorFunctions: DebugProtocol.FunctionBreakpoint[] = [];
  private consoleFunctions: string[] = [];
  private instructionArgs?: DebugProtocol.SetInstructionBreakpointsArguments;
  private exceptionFilters?: string[];
  /** During a restart: each group as the client knew it, in binding order. */
  private restoring?: Map<Group, { id: number; verified: boolean }[]>;

  constructor(private readonly session: BookSession) {}

  async setSource(args: DebugProtocol.SetBreakpointsArguments): Promise<DebugProtocol.Breakpoint[]> {
    const sourcePath = args.source.path;
    const specs = args.breakpoints ?? args.lines?.map((line) => ({ line })) ?? [];
    if (!sourcePath) return specs.map(() => ({ verified: false, message: 'Breakpoints need a source file with a path.' }));
    this.sourceArgs.set(sourcePath, args);
    const enginePath = this.session.paths.toEngine(this.session.sourceMap.toRecorded(sourcePath));
    const bound = (await this.session.engine().setSourceBreakpoints(enginePath, specs.map((b) => ({ line: b.line }))))
      // The engine's messages name the file as it was given it (under Wine, Z:\...): say it as the user did.
      .map((b) => (b.message ? { ...b, message: inClientTerms(b.message, enginePath, sourcePath) } : b));
    const group: Group = `source:${sourcePath}`;
    this.policies.replace(group, bound.map((b, i) => ({ id: b.id, spec: specs[i] ?? { line: b.line } })));
    return this.record(group, bound, (b) => ({ where: `${sourcePath}:${b.line}`, line: b.line, source: args.source })).map(toDap);
  }

  async setFunctions(breakpoints: DebugProtocol.FunctionBreakpoint[]): Promise<DebugProtocol.Breakpoint[]> {
    this.editorFunctions = breakpoints;
    await this.bindFunctions();
    return (this.groups.get('functions') ?? []).map(toDap);
  }

  /** `bp NAME` in the Debug Console: what the console prints. */
  async addConsoleFunction(name: string): Promise<string> {
    this.consoleFunctions.push(name);
    await this.bindFunctions();
    const mine = this.groups.get('console')!.at(-1)!;
    return mine.verified ? `Breakpoint ${mine.id} at ${mine.addresses.join(', ')}` : `Breakpoint ${mine.id} is not bound: ${mine.message}`;
  }

  /** `bc ID` or `bc *` in the Debug Console: what the console prints. */
  async clearConsole(which: string): Promise<string> {
    const before = this.consoleFunctions.length;
    if (which === '*') this.consoleFunctions = [];
    else {
      const index = (this.groups.get('console') ?? []).findIndex((b) => String(b.id) === which);
      if (index < 0) return `No breakpoint ${which} was set from the console (see bl).`;
      this.consoleFunctions.splice(index, 1);
    }
    await this.bindFunctions();
    return `Cleared ${before - this.consoleFunctions.length} breakpoint(s).`;
  }

  async setInstructions(args: DebugProtocol.SetInstructionBreakpointsArguments): Promise<DebugProtocol.Breakpoint[]> {
    this.instructionArgs = args;
    const addresses = args.breakpoints.map((b) => memoryAddress(b.instructionReference, b.offset));
    const bound = await this.session.engine().setInstructionBreakpoints(addresses);
    this.policies.replace('instructions', bound.map((b, i) => ({ id: b.id, spec: { line: 0, condition: args.breakpoints[i]!.condition, hitCondition: args.breakpoints[i]!.hitCondition } })));
    return this.record('instructions', bound, (_b, i) => ({ where: `instruction ${addresses[i]}` })).map(toDap);
  }

  /** Data breakpoints (not bound again at a restart: the values they watch died with the process). */
  async setData(breakpoints: DebugProtocol.DataBreakpoint[]): Promise<DebugProtocol.Breakpoint[]> {
    const asked = breakpoints.map(watchOf);
    const bound = await this.session.engine().setDataBreakpoints(asked.filter((w): w is DataWatch => typeof w !== 'string'));
    const entries = this.record('data', bound, (b) => ({ where: `data ${b.addresses[0] ?? '(none)'}` }));
    let next = 0;
    // A data breakpoint's address is data, not an instruction to disassemble.
    return asked.map((w) => (typeof w === 'string' ? { verified: false, message: w } : { ...toDap(entries[next++]!), instructionReference: undefined }));
  }

  async setExceptionFilters(filters: string[]): Promise<void> {
    this.exceptionFilters = filters;
    await this.session.engine().setExceptionFilters(filters);
  }

  /** Every breakpoint, for `bl`. */
  list(): Entry[] {
    return [...this.groups.values()].flat();
  }

  /**
   * A restart: the new engine numbers its breakpoints from 1 again, so the
   * last requests are bound anew and mapped to the ids the client knows;
   * `changed` hears of each that binds differently than before.
   */
  async bindAgain(changed: (b: DebugProtocol.Breakpoint) => void): Promise<void> {
    this.restoring = new Map([...this.groups].map(([group, list]) => [group, list.map(({ id, verified }) => ({ id, verified }))]));
    this.ids.newEngine();
    this.groups.delete('data');
    try {
      if (this.exceptionFilters) await this.session.engine().setExceptionFilters(this.exceptionFilters);
      for (const args of this.sourceArgs.values()) await this.setSource(args);
      await this.bindFunctions();
      if (this.instructionArgs) await this.setInstructions(this.instructionArgs);
      for (const [group, list] of this.groups) {
        const before = this.restoring.get(group);
        for (const b of list) if (before?.find((old) => old.id === b.id)?.verified !== b.verified) changed({ id: b.id, verified: b.verified });
      }
    } finally {
      this.restoring = undefined;
    }
  }

  /** An engine event with breakpoint ids as the client knows them. */
  inClientIds(e: EngineEvent): EngineEvent {
    if (e.type === 'stopped' && e.breakpointIds) return { ...e, breakpointIds: e.breakpointIds.map((id) => this.ids.toClient(id)) };
    if (e.type === 'breakpoint') return { ...e, breakpoint: { ...e.breakpoint, id: this.ids.toClient(e.breakpoint.id) } };
    return e;
  }

  /** The editor's function breakpoints and the console's, together (the engine keeps one list). */
  private async bindFunctions(): Promise<void> {
    const names = [...this.editorFunctions.map((b) => b.name), ...this.consoleFunctions];
    const bound = await this.session.engine().setFunctionBreakpoints(names);
    const editor = bound.slice(0, this.editorFunctions.length);
    this.policies.replace('functions', editor.map((b, i) => ({ id: b.id, spec: this.editorFunctions[i]! })));
    this.record('functions', editor, (b, i) => ({ where: `function ${names[i]}`, line: b.line }));
    this.record('console', bound.slice(editor.length), (_b, i) => ({ where: `bp ${this.consoleFunctions[i]}` }));
  }

  /** Records a group as bound, under the ids the client knows (at a restart, the ones it knew before). */
  private record(group: Group, bound: BoundBreakpoint[], more: (b: BoundBreakpoint, i: number) => Pick<Entry, 'where'> & Partial<Entry>): Entry[] {
    const known = this.restoring?.get(group);
    const entries = bound.map((b, i): Entry => {
      const old = known?.[i];
      if (old !== undefined) this.ids.restore(b.id, old.id);
      return { id: this.ids.toClient(b.id), verified: b.verified, addresses: b.addresses, message: b.message, ...more(b, i) };
    });
    this.groups.set(group, entries);
    return entries;
  }
}

/** `text` with the engine's spelling of a file, and of its folder, replaced by the client's. */
function inClientTerms(text: string, enginePath: string, clientPath: string): string {
  if (enginePath === clientPath) return text;
  const dir = (p: string) => p.replace(/[\\/][^\\/]*$/, '');
  return text.split(enginePath).join(clientPath).split(`"${dir(enginePath)}"`).join(`"${dir(clientPath)}"`);
}
