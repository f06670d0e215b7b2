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

  it('request handlers never import the DAP session; only the entry points do', async () => {
    assert.equal((await importErrors('adapter/main.ts', "import { DbgengSession } from './session';\nexport const s = DbgengSession;\n")).length, 0);
    for (const file of ['adapter/features/x.ts', 'adapter/breakpoints/x.ts', 'adapter/runtime.ts']) {
      const from = file.split('/').length > 2 ? '../session' : './session';
      const errs = await importErrors(file, `import { DbgengSession } from '${from}';\nexport const s = DbgengSession;\n`);
      assert.match(errs[0] ?? '', /only session\.ts routes/, file);
    }
  });

  it("the engines' shared rules stay pure: no koffi, no engine, no Win32", async () => {
    assert.equal((await importErrors('native/engines/createEngine.ts', "import { getWineVersion } from '../win32/platform';\nexport const g = getWineVersion;\n")).length, 0);
    assert.match((await importErrors('native/engines/x.ts', "import { k32 } from '../win32/kernel32';\nexport const k = k32;\n"))[0] ?? '', /shared, pure layer/);
    assert.match((await importErrors('native/engines/x.ts', "import { DbghelpEngine } from './dbghelp/dbghelpEngine';\nexport const e = DbghelpEngine;\n"))[0] ?? '', /shared, pure layer/);
    assert.match((await importErrors('native/engines/x.ts', "import koffi from 'koffi';\nexport const k = koffi;\n"))[0] ?? '', /no koffi/);
    assert.equal((await importErrors('native/engines/dbghelp/x.ts', "import { k32 } from '../../win32/kernel32';\nexport const k = k32;\n")).length, 0, 'an engine itself uses Win32');
  });
});
