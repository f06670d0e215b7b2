/**
 * The layout's boundaries are lint rules (eslint.config.mjs); this checks
 * the rules really fire, by linting small sources placed in each folder.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { ESLint } from 'eslint';
import { repoRoot } from '../support/fixtures';

const eslint = new ESLint({ cwd: repoRoot });

async function importErrors(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(repoRoot, file) });
  return result!.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('import boundaries', () => {
  it('only native/ may import koffi', async () => {
    assert.equal((await importErrors('native/x.ts', "import koffi from 'koffi';\nexport const k = koffi;\n")).length, 0);
    for (const dir of ['adapter', 'src', 'client']) {
      assert.match((await importErrors(`${dir}/x.ts`, "import koffi from 'koffi';\nexport const k = koffi;\n"))[0] ?? '', /Only native\/ may import koffi/, dir);
    }
  });

  it('only src/ may import vscode', async () => {
    assert.equal((await importErrors('src/x.ts', "import * as vscode from 'vscode';\nexport const v = vscode;\n")).length, 0);
    for (const dir of ['adapter', 'native', 'client']) {
      assert.match((await importErrors(`${dir}/x.ts`, "import * as vscode from 'vscode';\nexport const v = vscode;\n"))[0] ?? '', /Only src\//, dir);
    }
  });

  it('adapter/ reaches native/ only through native/api', async () => {
    assert.equal((await importErrors('adapter/x.ts', "import { EngineClient } from '../native/api';\nexport const c = EngineClient;\n")).length, 0);
    const errs = await importErrors('adapter/x.ts', "import { k32 } from '../native/win32/kernel32';\nexport const k = k32;\n");
    assert.match(errs[0] ?? '', /only through native\/api/);
    const deep = await importErrors('adapter/stack/x.ts', "import { DbghelpEngine } from '../../native/engines/dbghelp/dbghelpEngine';\nexport const e = DbghelpEngine;\n");
    assert.match(deep[0] ?? '', /only through native\/api/);
  });
});
