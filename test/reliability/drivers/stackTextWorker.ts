/**
 * Parses documents for stackTextFuzz.test.ts on a thread of its own, so a
 * parse that never ends (a regular expression backtracking without end)
 * is caught by the test's watchdog instead of freezing the test runner.
 * Each message: { id, text, probes: [line, character][] }; each answer:
 * { id, ms, problem? }.
 */
import { parentPort } from 'node:worker_threads';
import { itemAt, parseStackText } from '../../../stacktext/parse';

function check(text: string, probes: [number, number][]): string | undefined {
  const p = parseStackText(text);
  const lines = text.split(/\r?\n/);
  if (p.kinds.length !== lines.length) return `${p.kinds.length} line kinds for ${lines.length} lines`;
  for (const f of p.frames) {
    if (!(f.line >= 0 && f.line < lines.length)) return `a frame on line ${f.line} of ${lines.length}`;
    const len = lines[f.line]!.length;
    for (const cell of [f.symbol, f.source?.fileCell]) {
      if (cell && !(cell.start >= 0 && cell.start <= cell.end && cell.end <= len)) return `cell ${JSON.stringify(cell)} outside its line (${len})`;
    }
  }
  for (const pr of p.problems) if (!(pr.line < lines.length && pr.start <= pr.end)) return `problem ${JSON.stringify(pr)} out of bounds`;
  for (const [line, character] of probes) itemAt(p, line, character);
  return undefined;
}

parentPort!.on('message', (m: { id: number; text: string; probes: [number, number][] }) => {
  const started = performance.now();
  let problem: string | undefined;
  try {
    problem = check(m.text, m.probes);
  } catch (e) {
    problem = `threw ${(e as Error).stack ?? String(e)}`;
  }
  parentPort!.postMessage({ id: m.id, ms: performance.now() - started, problem });
});
