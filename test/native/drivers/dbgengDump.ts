/**
 * Runs in Windows Node (under Wine off Windows): the dbgeng engine on the
 * native test double, through EngineClient, opening a crash dump. Every
 * request that would run or change the dump is made straight to the
 * engine (the adapter refuses some of them itself first), to see the
 * engine refuse them before dbgeng is asked. Writes what it saw as JSON.
 * Used by dbgengDump.test.ts.
 */
import fs from 'node:fs';
import path from 'node:path';
import { EngineClient, type EngineEvent } from '../../../native/api';

const failure = (e: Error & { code?: string }) => ({ code: e.code, message: e.message });

async function main(): Promise<void> {
  const [dump, dbgengPath, out] = process.argv.slice(2) as [string, string, string];
  const engine = new EngineClient('dbgeng', path.join(__dirname, 'engine-host.js'), { dbgengPath });
  try {
    fs.writeFileSync(out, JSON.stringify(await session(engine, dump)));
  } finally {
    await engine.dispose();
  }
}

async function session(engine: EngineClient, dump: string) {
  const events: EngineEvent[] = [];
  engine.on('event', (e: EngineEvent) => events.push(e));
  const opened = await engine.openDump(dump);
  const again = await engine.openDump(dump).catch(failure);
  const tid = opened.dumpStop!.threadId;
  const top = (await engine.stackFrames(tid, 0, 2)).frames.map((f) => f.function);
  const helper = await engine.variables(tid, 0);
  const pt = helper.find((v) => v.name === 'pt')!;
  const ptChildren = await engine.children(pt.childrenHandle!);
  const sum = await engine.evaluate(tid, 0, 'pt.x + only_in_helper');
  const refused = {
    resume: await engine.resume().catch(failure),
    step: await engine.step(tid, 'over').catch(failure),
    stepOut: await engine.step(tid, 'out').catch(failure),
    pause: await engine.pause().catch(failure),
    setVariable: await engine.setVariable(tid, 0, 'locals', 'only_in_helper', '1').catch(failure),
    setRegister: await engine.setVariable(tid, 0, 'registers', 'rax', '1').catch(failure),
    setChild: await engine.setChild(pt.childrenHandle!, 'x', '1').catch(failure),
    writeMemory: await engine.writeMemory('0x29fd30', Buffer.from([1]).toString('base64')).catch(failure),
  };
  const source = await engine.setSourceBreakpoints('e:\\test\\runasm\\runasm.cpp', [{ line: 4 }]);
  const functions = await engine.setFunctionBreakpoints(['main']);
  const stillThere = (await engine.variables(tid, 0)).find((v) => v.name === 'only_in_helper')!.value;
  await engine.terminate();
  return { opened, again, top, ptChildren: ptChildren.map((c) => [c.name, c.value]), sum: sum.value, refused, source, functions, stillThere, events: events.map((e) => e.type) };
}

main().catch((e) => {
  fs.writeFileSync(process.argv[4]!, JSON.stringify({ error: String((e as Error).stack ?? e) }));
});
