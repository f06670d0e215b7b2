/**
 * The dbghelp engine's values: a frame's locals and parameters (an inline
 * frame's own), its registers, C expressions over them, the parts of
 * structured values, and setting any of them, read through dbghelp's
 * symbols and types and the debuggee's memory. What it needs of the engine
 * (the process, a frame and its register context, our breakpoints hidden
 * in memory) comes through ValuesHost. Values shown are valid until the
 * program runs (forget()).
 */
import type { RawFrame, RegisterValue, Variable } from '../engine';
import { EngineError } from '../engineError';
import { evaluateTree, type Scope } from '../values/evaluate';
import { parseExpression } from '../values/parse';
import { ValuePresenter } from '../values/present';
import { encodeScalar, parseScalarText, storageSize, storeScalar, ValueError, type Target } from '../values/value';
import { readMemory, writeMemory, type Handle } from '../../win32/kernel32';
import { Layouts } from '../../win32/layouts';
import { LocalsReader, type FrameVariable } from './locals';
import { CV_REGISTERS, NONVOLATILE, REGISTERS, registerValue } from './registers';
import type { SoftwareBreakpoints } from './softwareBreakpoints';
import { TypeReader } from './types';
import { hex } from '../hex';

const C = Layouts.CONTEXT;
/** How much of an expression's result is read to check that it can be read at all. */
const MAX_CHECKED_READ = 4096;

/** The 64-bit register a CodeView register name is part of (rcx for ecx), for writing a variable held in it. */
const CV_REGISTER_BY_NAME = new Map(Object.values(CV_REGISTERS).map((r) => [r.name, REGISTERS.find((x) => C[x] === r.offset)!]));

/** A frame, its thread, and the register context its variables are read with (its own, for a caller frame). */
export interface FrameAt { frame: RawFrame; thread: Handle; context: Buffer; caller: boolean }

export interface ValuesHost {
  process(): Handle;
  running(): boolean;
  /** Our int3s, hidden from the program's memory as values read it. */
  breakpoints(): SoftwareBreakpoints | undefined;
  frameAt(threadId: number, frameIndex: number): FrameAt;
  threadContext(thread: Handle): Buffer;
  setThreadContext(thread: Handle, ctx: Buffer): void;
  /** A thread's registers were set: its stack must be walked again. */
  registersChanged(threadId: number): void;
}

export class FrameValues {
  private locals?: LocalsReader;
  private types?: TypeReader;
  private presented?: ValuePresenter;

  constructor(private readonly host: ValuesHost) {}

  /** The program runs: the values shown (and their handles) are gone. */
  forget(): void {
    this.presented?.clear();
  }

  /** A module unloaded: another may load at its base, with type ids of its own. */
  forgetModule(base: bigint): void {
    this.types?.forgetModule(base);
  }

  setVariable(threadId: number, frameIndex: number, scope: 'locals' | 'registers', name: string, value: string): string {
    if (this.host.running()) throw new EngineError('notStopped', 'The program is running; pause it to change a variable.');
    const at = this.host.frameAt(threadId, frameIndex);
    const bad = (e: unknown) => new EngineError('badValue', `Cannot set ${name} to "${value}": ${(e as Error).message}`);
    const setRegister = (register: string, bytes: Buffer) => {
      // A caller's registers live where its callees saved them; only the innermost frame's are the thread's.
      if (at.caller) throw new EngineError('unsupported', `${register} of a caller frame cannot be set; only the innermost function's registers can.`);
      const reg = REGISTERS.find((r) => r.toLowerCase() === register)!;
      const ctx = this.host.threadContext(at.thread);
      bytes.copy(ctx, C[reg], 0, Math.min(bytes.length, 8));
      this.host.setThreadContext(at.thread, ctx);
      this.host.registersChanged(threadId);
    };
    if (scope === 'registers') {
      const reg = REGISTERS.find((r) => r.toLowerCase() === name.toLowerCase());
      if (!reg) throw new EngineError('noVariable', `There is no register "${name}".`);
      const current = registerValue(at.context, reg, false)!;
      let bytes: Buffer;
      try {
        bytes = encodeScalar(current.type, parseScalarText(value, current.type));
      } catch (e) {
        throw bad(e);
      }
      setRegister(reg.toLowerCase(), bytes);
      return hex(bytes.readBigUInt64LE(0));
    }
    const v = this.frameVariables(at).find((x) => x.name === name)?.value;
    if (!v) throw new EngineError('noVariable', `"${name}" is not a variable of this frame.`);
    try {
      const n = parseScalarText(value, v.type);
      if (v.location.kind === 'register') {
        const full = CV_REGISTER_BY_NAME.get(v.location.register);
        if (!full) throw new ValueError(`${name} lives in ${v.location.register}, which cannot be set.`);
        const bytes = Buffer.alloc(8);
        at.context.copy(bytes, 0, C[full], C[full] + 8);
        encodeScalar(v.type, n).copy(bytes);
        setRegister(full.toLowerCase(), bytes);
      } else {
        storeScalar(v, n, this.target());
      }
    } catch (e) {
      if (e instanceof ValueError) throw bad(e);
      throw e;
    }
    const now = this.variables(threadId, frameIndex).find((x) => x.name === name);
    return now?.value ?? value;
  }

  registers(threadId: number, frameIndex = 0): RegisterValue[] {
    if (this.host.running()) throw new EngineError('notStopped', 'The program is running; pause it to read registers.');
    const at = this.host.frameAt(threadId, frameIndex);
    // A caller frame shows what the unwind restores for sure (see NONVOLATILE); efl belongs to the innermost frame.
    const shown = at.caller ? REGISTERS.filter((r) => NONVOLATILE.has(r)) : REGISTERS;
    const regs = shown.map((name) => ({ name: name.toLowerCase(), value: hex(at.context.readBigUInt64LE(C[name])) }));
    return at.caller ? regs : regs.concat([{ name: 'efl', value: `0x${at.context.readUInt32LE(C.EFlags).toString(16)}` }]);
  }

  children(handle: number, start?: number, count?: number): Variable[] {
    return this.withValues(() => this.presenter().children(handle, start, count));
  }

  evaluate(threadId: number, frameIndex: number, expression: string): Variable {
    if (this.host.running()) throw new EngineError('notStopped', 'The program is running; pause it to evaluate.');
    const at = this.host.frameAt(threadId, frameIndex);
    let variables: FrameVariable[] | undefined;
    const scope: Scope = {
      variable: (name) => (variables ??= this.frameVariables(at)).find((v) => v.name === name)?.value,
      register: (name) => registerValue(at.context, name, at.caller),
      namedType: (kind, name) => (at.frame.moduleBase ? this.typeReader().named(BigInt(at.frame.moduleBase), kind, name) : undefined),
      target: this.target(),
    };
    try {
      const result = evaluateTree(parseExpression(expression), scope);
      // A result that cannot be read is an error of the expression (*(int *)16), not a value to show.
      if (result.location.kind === 'memory') scope.target.read(result.location.address, Math.max(1, Math.min(storageSize(result), MAX_CHECKED_READ)));
      if (result.location.kind === 'unavailable') throw new ValueError(result.location.why);
      return this.presenter().variable(expression.trim(), 'value', result);
    } catch (e) {
      if (e instanceof ValueError) throw new EngineError('badExpression', e.message);
      throw e;
    }
  }

  setChild(handle: number, name: string, value: string): string {
    if (this.host.running()) throw new EngineError('notStopped', 'The program is running; pause it to change a value.');
    try {
      return this.presenter().setChild(handle, name, value);
    } catch (e) {
      if (e instanceof ValueError) throw new EngineError('badValue', `Cannot set ${name} to "${value}": ${e.message}`);
      throw e;
    }
  }

  variables(threadId: number, frameIndex: number): Variable[] {
    const at = this.host.frameAt(threadId, frameIndex);
    const presenter = this.presenter();
    return this.withValues(() => this.frameVariables(at).map((v) => presenter.variable(v.name, v.kind, v.value)));
  }

  private frameVariables(at: FrameAt): FrameVariable[] {
    this.locals ??= new LocalsReader(this.host.process(), this.typeReader());
    return this.locals.read(BigInt(at.frame.instructionOffset), at.frame.inlineFrameContext, at.frame.inline, at.context, at.caller);
  }

  private typeReader(): TypeReader {
    return (this.types ??= new TypeReader(this.host.process()));
  }

  /** Values shown from here are valid until the program runs (see resume). */
  private presenter(): ValuePresenter {
    return (this.presented ??= new ValuePresenter(this.target()));
  }

  /** The debuggee's memory for values: as the program sees it (our breakpoints hidden), short reads refused. */
  private target(): Target {
    return {
      read: (address, size) => {
        const bytes = readMemory(this.host.process(), address, size);
        if (bytes.length < size) throw new ValueError(`Cannot read memory at ${hex(address + BigInt(bytes.length))}.`);
        return this.host.breakpoints()?.unpatch(address, bytes) ?? bytes;
      },
      write: (address, bytes) => {
        try {
          writeMemory(this.host.process(), address, bytes);
        } catch (e) {
          throw new ValueError(`Cannot write memory at ${hex(address)}: ${(e as Error).message}`);
        }
        this.host.breakpoints()?.afterWrite(address, bytes);
      },
    };
  }

  /** Engine errors for what a value cannot do (a stale handle, a part that is not there). */
  private withValues<T>(body: () => T): T {
    try {
      return body();
    } catch (e) {
      if (e instanceof ValueError) throw new EngineError('badValue', e.message);
      throw e;
    }
  }
}
