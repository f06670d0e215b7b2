/**
 * Starting, running and ending the program: launch, attach, restart,
 * configurationDone, continue, pause, the steps (Step Into Target
 * included), terminate, disconnect, cancel.
 */
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { AttachArguments, LaunchArguments } from '../launchConfig';
import { route } from './route';

const granular = (args: { granularity?: DebugProtocol.SteppingGranularity }, kind: 'in' | 'over') => (args.granularity === 'instruction' ? 'instruction' : kind);

export const lifecycleRoutes = {
  launch: route<LaunchArguments>((rt, args) => rt.launch(args)),
  attach: route<AttachArguments>((rt, args) => rt.attach(args)),
  restart: route<DebugProtocol.RestartArguments | undefined>((rt, args) => rt.restart(args)),
  configurationDone: route((rt) => rt.showStartingStop()),
  continue: route(async (rt) => {
    await rt.resume();
    return { allThreadsContinued: true };
  }),
  pause: route((rt) => rt.engine().pause()),
  next: route<DebugProtocol.NextArguments>((rt, args) => rt.step(args.threadId, granular(args, 'over'))),
  stepIn: route<DebugProtocol.StepInArguments>((rt, args) => rt.step(args.threadId, granular(args, 'in'), args.targetId)),
  stepOut: route<DebugProtocol.StepOutArguments>((rt, args) => rt.step(args.threadId, 'out')),
  /** The calls the frame's line makes, inlined ones included, for "Step Into Target" (only the top frame steps). */
  stepInTargets: route<DebugProtocol.StepInTargetsArguments>(async (rt, args) => {
    const ref = rt.stop.frame(args.frameId);
    const targets = await rt.engine().stepInTargets(ref.threadId, ref.frame.index);
    return { targets: targets.map((t) => ({ id: t.id, label: t.inline ? `${t.label} (Inline)` : t.label })) };
  }),
  terminate: route((rt) => rt.engine().terminate()),
  disconnect: route<DebugProtocol.DisconnectArguments | undefined>((rt, args) => rt.disconnect(args?.terminateDebuggee)),
  cancel: route<DebugProtocol.CancelArguments | undefined>((rt, args) => {
    if (args?.requestId !== undefined) rt.cancellation.cancel(args.requestId);
  }),
};
