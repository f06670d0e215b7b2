/**
 * Data breakpoints ("Break on Value Change"): which values can be watched,
 * and what the engine is asked to watch. The dataId a client gets back
 * from dataBreakpointInfo carries everything needed to set the watch
 * later (address, size, name and type), so it holds across stops, as long
 * as the value stays where it is.
 */
import type { DebugProtocol } from '@vscode/debugprotocol';
import { scalarSize, unwatchable, type DataWatch, type Variable } from '../../native/api';

/** Where a watched value lives, as a dataId spells it. */
interface WatchedValue { address: string; size: NonNullable<ReturnType<typeof scalarSize>>; name: string; type: string }

/** dataBreakpointInfo's answer for one value (`name` as the user sees it: a local, a member, an expression). */
export function infoFor(name: string, v: Variable | undefined): DebugProtocol.DataBreakpointInfoResponse['body'] {
  if (!v) return { dataId: null, description: `There is no ${name} here to watch.` };
  const why = unwatchable(v.address, v.type);
  if (why) return { dataId: null, description: `${name} cannot be watched: ${why}.` };
  const value: WatchedValue = { address: v.address!, size: scalarSize(v.type)!, name, type: v.type };
  return {
    dataId: JSON.stringify(value),
    description: `${name} (${v.type}, ${value.size} bytes at ${value.address})`,
    accessTypes: ['write', 'readWrite'],
    canPersist: false,
  };
}

/** The engine's watch for a setDataBreakpoints entry, or why there is none. */
export function watchOf(bp: DebugProtocol.DataBreakpoint): DataWatch | string {
  let value: Partial<WatchedValue>;
  try {
    value = JSON.parse(bp.dataId) as Partial<WatchedValue>;
  } catch {
    return `"${bp.dataId}" is not a data breakpoint id this debugger gave; ask dataBreakpointInfo for one.`;
  }
  if (typeof value.address !== 'string' || typeof value.name !== 'string' || typeof value.type !== 'string' || scalarSize(value.type) !== value.size) {
    return `"${bp.dataId}" is not a data breakpoint id this debugger gave; ask dataBreakpointInfo for one.`;
  }
  if (bp.accessType === 'read') return `${value.name}: this debugger watches writes, or reads and writes ("readWrite"), not reads alone (the processor's debug registers cannot).`;
  if (bp.condition || bp.hitCondition) return `${value.name}: data breakpoints take no condition or hit count here; remove it, or use a conditional breakpoint on the line that writes the value.`;
  return { address: value.address, size: value.size!, access: bp.accessType === 'readWrite' ? 'readWrite' : 'write', name: value.name, type: value.type };
}
