/**
 * Runs in Windows Node (under Wine off Windows): drives the engine thread
 * through EngineClient, the adapter's door into native/, and prints one
 * JSON object with what it saw. Used by engineClient.test.ts.
 */
import fs from 'node:fs';
import path from 'node:path';
import { EngineClient, type EngineEvent } from '../../../native/api';

async function main(): Promise<void> {
  const [program, source, line, out] = process.argv.slice(2) as [string, string, string, string];
  const engine = new EngineClient('dbghelp', path.join(__dirname, 'engine-host.js'));
  const events: EngineEvent[] = [];
  const stopped = new Promise<EngineEvent>((resolve) => engine.on('event', (e: EngineEvent) => {
    events.push(e);
    if (e.type === 'stopped' || e.type === 'exited') resolve(e);
  }));
  const launched = await engine.launch({ program, args: [] });
  const bps = await engine.setSourceBreakpoints(source, [{ line: Number(line) }]);
  await engine.resume();
  const stop = await stopped;
  const threadId = stop.type === 'stopped' ? stop.threadId : 0;
  const registers = await engine.registers(threadId);
  const page = await engine.stackFrames(threadId, 0, 4);
  const resolved = await Promise.all(page.frames.map((f) => engine.resolveSymbol(f.instructionOffset, f.inlineFrameContext)));
  const notStopped = await engine.registers(999999).then(() => null, (e: Error & { code?: string }) => ({ code: e.code, message: e.message }));
  await engine.terminate();
  await engine.dispose();
  fs.writeFileSync(out, JSON.stringify({ launched, bps, stop, registers, frames: page.frames, resolved, notStopped, events: events.map((e) => e.type) }));
}

main().catch((e) => {
  fs.writeFileSync(process.argv[5]!, JSON.stringify({ error: String((e as Error).stack ?? e) }));
});
