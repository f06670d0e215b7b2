/**
 * Runs in Windows Node (under Wine off Windows): the dbgeng engine on the
 * native test double, through EngineClient, for the calls the adapter
 * does not make yet (children, evaluate, setChild). Writes what it saw as
 * JSON. Used by dbgengValues.test.ts.
 */
import fs from 'node:fs';
import path from 'node:path';
import { EngineClient, type EngineEvent, type Variable } from '../../../native/api';

const failure = (e: Error & { code?: string }) => ({ code: e.code, message: e.message });

async function main(): Promise<void> {
  const [program, dbgengPath, out] = process.argv.slice(2) as [string, string, string];
  const engine = new EngineClient('dbgeng', path.join(__dirname, 'engine-host.js'), { dbgengPath });
  try {
    fs.writeFileSync(out, JSON.stringify(await session(engine, program)));
  } finally {
    // A failed call must not leave the engine thread (and this process) running.
    await engine.dispose();
  }
}

async function session(engine: EngineClient, program: string) {
  let onStop: (e: EngineEvent) => void = () => undefined;
  engine.on('event', (e: EngineEvent) => { if (e.type === 'stopped') onStop(e); });
  const nextStop = () => new Promise<EngineEvent>((resolve) => (onStop = resolve));
  await engine.launch({ program, args: [] });
  let stopped = nextStop();
  await engine.resume();
  const stop = await stopped;
  const tid = stop.type === 'stopped' ? stop.threadId : 0;
  const find = (vs: Variable[], name: string) => vs.find((v) => v.name === name)!;

  // Frames in turn, so each handle is used while the other frame is dbgeng's scope.
  const helper = await engine.variables(tid, 0);
  const pt = find(helper, 'pt');
  const main = await engine.variables(tid, 1);
  const values = find(main, 'values');
  const ptChildren = await engine.children(pt.childrenHandle!);
  const someElements = await engine.children(values.childrenHandle!, 1, 2);
  const helperAgain = await engine.variables(tid, 0);
  const setY = await engine.setChild(pt.childrenHandle!, 'y', '40');
  const yMemory = await engine.readMemory('0x29fd3c', 4);
  const badChild = await engine.setChild(pt.childrenHandle!, 'z', '1').catch(failure);

  const sum = await engine.evaluate(tid, 0, 'pt.x + only_in_helper');
  const product = await engine.evaluate(tid, 1, 'values[2] * 2');
  const elsewhere = await engine.evaluate(tid, 1, 'only_in_helper').catch(failure);
  const garbage = await engine.evaluate(tid, 0, 'pt.x +').catch(failure);
  const empty = await engine.evaluate(tid, 0, '  ').catch(failure);
  // Two structured results in one watch group: expanding the first moves the
  // second's index; its handle must still name it.
  const first = await engine.evaluate(tid, 0, 'pt');
  const second = await engine.evaluate(tid, 0, '(pt)');
  const firstAgain = await engine.evaluate(tid, 0, 'pt');
  const secondChildren = await engine.children(second.childrenHandle!);
  const firstChildren = await engine.children(first.childrenHandle!);
  const setX = await engine.setChild(second.childrenHandle!, 'x', '5').catch(failure);
  const firstAfter = await engine.children(first.childrenHandle!);

  stopped = nextStop();
  await engine.step(tid, 'over');
  await stopped;
  const stale = await engine.children(pt.childrenHandle!).catch(failure);
  const afterStep = await engine.variables(tid, 0);

  await engine.terminate();
  return {
    helper, ptChildren, main, someElements, setY, yMemory, badChild, sum, product, elsewhere, garbage, empty,
    first, second, firstAgain, secondChildren, firstChildren, setX, firstAfter, stale, afterStep,
    localsTwice: [find(helperAgain, 'pt').childrenHandle, pt.childrenHandle],
  };
}

main().catch((e) => {
  fs.writeFileSync(process.argv[4]!, JSON.stringify({ error: String((e as Error).stack ?? e) }));
});
