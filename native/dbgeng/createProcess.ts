/**
 * dbgeng's start of a launched program: CreateProcessAndAttach2Wide
 * (DEBUG_ONLY_THIS_PROCESS), with the program's stdout and stderr on a
 * pipe of ours, as the dbghelp engine gives it (win32/outputPipe.ts):
 * dbgeng's start takes no standard handles, so the program inherits this
 * process's for the one call.
 */
import type { LaunchParams } from '../engines/engine';
import { buildCommandLine, buildEnvironmentBlock } from '../win32/commandLine';
import { k32, type Handle } from '../win32/kernel32';
import { createOutputPipe, withStdHandles } from '../win32/outputPipe';
import type { ComPtr } from './com';
import { Slots } from './slots';

const DEBUG_ONLY_THIS_PROCESS = 0x2;

/** Starts the program; returns the read end of its output pipe. `quietly` keeps dbgeng's start-up text out of the console. */
export function createProcess(client: ComPtr, params: LaunchParams, quietly: <T>(start: () => T) => T): Handle {
  // DEBUG_CREATE_PROCESS_OPTIONS: CreateFlags, EngCreateFlags, VerifierFlags, Reserved.
  const options = Buffer.alloc(16);
  options.writeUInt32LE(DEBUG_ONLY_THIS_PROCESS, 0);
  const env = params.env && Object.keys(params.env).length ? buildEnvironmentBlock(process.env, params.env) : null;
  const pipe = createOutputPipe();
  try {
    withStdHandles(pipe.write, () => quietly(() => client.call(Slots.IDebugClient5.CreateProcessAndAttach2Wide, 'CreateProcessAndAttach2Wide',
      'uint64_t server, const char16_t *commandLine, void *options, uint32_t optionsSize, const char16_t *initialDirectory, void *environment, uint32_t processId, uint32_t attachFlags',
      0n, buildCommandLine(params.program, params.args), options, 16, params.cwd ?? null, env, 0, 0)));
    return pipe.read;
  } catch (e) {
    k32.CloseHandle(pipe.read);
    throw e;
  } finally {
    k32.CloseHandle(pipe.write);
  }
}
