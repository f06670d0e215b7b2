/**
 * Engine events, as DAP events.
 */
import { BreakpointEvent, ExitedEvent, Module, ModuleEvent, OutputEvent, StoppedEvent, ThreadEvent } from '@vscode/debugadapter';
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { EngineEvent } from '../native/api';
import type { PathMapper } from './paths';

export function toDapEvent(e: EngineEvent, paths: PathMapper): DebugProtocol.Event[] {
  switch (e.type) {
    case 'stopped': {
      const ev = new StoppedEvent(e.reason, e.threadId, e.description) as DebugProtocol.StoppedEvent;
      ev.body.allThreadsStopped = true;
      if (e.breakpointIds?.length) ev.body.hitBreakpointIds = e.breakpointIds;
      // What changed: VS Code shows the description where the Call Stack says why the thread is paused.
      if (e.reason === 'data breakpoint' && e.description) ev.body.description = e.description;
      if (e.exception) ev.body.text = `${e.exception.description} at ${e.exception.address} (code 0x${(e.exception.code >>> 0).toString(16).padStart(8, '0')})`;
      return [ev];
    }
    case 'output':
      return [new OutputEvent(e.text, e.category)];
    case 'thread':
      return [new ThreadEvent(e.reason, e.threadId)];
    case 'module': {
      const m = new Module(e.id, e.name) as DebugProtocol.Module;
      m.path = paths.toClient(e.path);
      m.symbolStatus = e.symbolStatus;
      m.addressRange = e.base;
      return [new ModuleEvent(e.reason, m)];
    }
    case 'breakpoint':
      return [new BreakpointEvent(e.reason, { id: e.breakpoint.id, verified: e.breakpoint.verified, line: e.breakpoint.line, message: e.breakpoint.message })];
    case 'exited':
      return [new ExitedEvent(e.exitCode)];
  }
}
