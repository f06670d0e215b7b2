/**
 * The error catalogue: every id used once (the adapter's own and the
 * engines' codes), every engine code answered under its own id, and the
 * codes the engines throw all in the catalogue (which EngineError's type
 * enforces; here the source is read to see that none slips past it).
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { ADAPTER_ERRORS, errors } from '../../adapter/errors';
import { ENGINE_ERRORS, EngineRequestError, type EngineErrorCode } from '../../native/api';

const repo = path.resolve(__dirname, '../..');

function sources(dir: string, out: string[] = []): string[] {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) sources(full, out);
    else if (e.name.endsWith('.ts')) out.push(full);
  }
  return out;
}

describe('the error catalogue', () => {
  it('uses each DAP error id once', () => {
    const ids = [...Object.values(ADAPTER_ERRORS), ...Object.values(ENGINE_ERRORS).map((e) => e.id)];
    const twice = ids.filter((id, i) => ids.indexOf(id) !== i);
    assert.deepEqual(twice, []);
  });

  it('answers a failed engine request under its code\'s own id, with the engine\'s message', () => {
    for (const code of Object.keys(ENGINE_ERRORS) as EngineErrorCode[]) {
      const e = errors.fromEngine(new EngineRequestError(code, `message of ${code}`, 'launch'));
      if (code === 'engineDead') assert.equal(e.id, ADAPTER_ERRORS.engineDied);
      else if (code === 'cancelled') assert.equal(e.toMessage().format, 'cancelled', 'DAP: a cancelled request says "cancelled"');
      else assert.deepEqual([e.id, e.message], [ENGINE_ERRORS[code].id, `message of ${code}`]);
    }
  });

  it('holds every code the engines throw, and each is thrown somewhere or made by the client', () => {
    const thrown = new Set<string>();
    for (const file of sources(path.join(repo, 'native'))) {
      for (const m of fs.readFileSync(file, 'utf8').matchAll(/new Engine(?:Request)?Error\('(\w+)'/g)) thrown.add(m[1]!);
    }
    const catalogue = new Set(Object.keys(ENGINE_ERRORS));
    assert.deepEqual([...thrown].filter((c) => !catalogue.has(c)), []);
    assert.deepEqual([...catalogue].filter((c) => !thrown.has(c)), [], 'a code nothing reports does not belong in the catalogue');
  });
});
