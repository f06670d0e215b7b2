/**
 * stacktext/ (the parser shared by the language server, the extension and
 * the CLI) stays pure: the lint rules that keep it so really fire.
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

describe('stacktext/ import boundaries', () => {
  it('may use the pure InlineFrameContext decoding from native/', async () => {
    assert.deepEqual(await importErrors('stacktext/x.ts', "import { hex32 } from '../native/engines/inlineContext';\nexport const h = hex32;\n"), []);
  });
  it('may not import vscode, koffi, the language server library, or other native code', async () => {
    for (const [code, message] of [
      ["import * as vscode from 'vscode';\nexport const v = vscode;\n", /Only src\//],
      ["import koffi from 'koffi';\nexport const k = koffi;\n", /Only native\/ may import koffi/],
      ["import { createConnection } from 'vscode-languageserver/node';\nexport const c = createConnection;\n", /stacktext\/ is pure/],
      ["import { EngineClient } from '../native/api';\nexport const e = EngineClient;\n", /only the pure InlineFrameContext decoding/],
      ["import { k32 } from '../native/win32/kernel32';\nexport const k = k32;\n", /only the pure InlineFrameContext decoding/],
    ] as const) {
      assert.match((await importErrors('stacktext/x.ts', code))[0] ?? '(allowed)', message, code);
    }
  });
});
