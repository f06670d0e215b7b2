/**
 * What the adapter tells the client it can do (the initialize response).
 * Every capability here has its handler in features/.
 */
import type { DebugProtocol } from '@vscode/debugprotocol';
import { EXCEPTION_FILTERS } from '../native/api';

export const CAPABILITIES: DebugProtocol.Capabilities = {
  supportsConfigurationDoneRequest: true,
  supportsDelayedStackTraceLoading: true,
  supportsTerminateRequest: true,
  supportsRestartRequest: true,
  supportsFunctionBreakpoints: true,
  supportsConditionalBreakpoints: true,
  supportsEvaluateForHovers: true,
  supportsSetVariable: true,
  supportsInstructionBreakpoints: true,
  supportsModulesRequest: true,
  supportsLoadedSourcesRequest: true,
  supportsHitConditionalBreakpoints: true,
  supportsLogPoints: true,
  supportsExceptionInfoRequest: true,
  supportsReadMemoryRequest: true,
  supportsSteppingGranularity: true,
  supportsWriteMemoryRequest: true,
  supportsDisassembleRequest: true,
  supportsValueFormattingOptions: true,
  supportsCompletionsRequest: true,
  supportsStepInTargetsRequest: true,
  supportsDataBreakpoints: true,
  supportsCancelRequest: true,
  exceptionBreakpointFilters: EXCEPTION_FILTERS.map((f) => ({ filter: f.filter, label: f.label, description: f.description, default: f.default })),
  supportTerminateDebuggee: true,
  supportSuspendDebuggee: false,
};
