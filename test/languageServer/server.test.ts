/**
 * The windbg-stack language server, as built (dist/language-server.js), in
 * its own process over stdio, spoken to with the LSP protocol library:
 * document symbols per frame, hover that decodes InlineFrameContext values,
 * links from `[file @ line]`, and diagnostics on lines it cannot parse.
 * Sample: seed 004's real WinDbg session (kb, !gcsex, with and without
 * inline support), plus x64 k/kn output and the raw view.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  createProtocolConnection, StreamMessageReader, StreamMessageWriter, type ProtocolConnection,
  type DocumentSymbol, type DocumentLink, type Hover, type PublishDiagnosticsParams, type MarkupContent,
} from 'vscode-languageserver-protocol/node';
import { repoRoot } from '../support/fixtures';
import { formatRawView } from '../../stacktext/rawView';

const serverJs = path.join(repoRoot, 'dist', 'language-server.js');
const seed = fs.readFileSync(path.join(repoRoot, 'test', 'fixtures', 'stacktext', 'seed004-windbg.txt'), 'utf8');

let proc: ChildProcess;
let conn: ProtocolConnection;
const diagnostics = new Map<string, PublishDiagnosticsParams>();
const diagWaiters: (() => void)[] = [];
let version = 0;

async function open(uri: string, text: string): Promise<void> {
  await conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'windbg-stack', version: ++version, text } });
}

function diagnosticsFor(uri: string, v: number): Promise<PublishDiagnosticsParams> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`no diagnostics for ${uri} v${v}`)), 10_000);
    const check = () => {
      const d = diagnostics.get(uri);
      if (d && d.version === v) {
        clearTimeout(t);
        resolve(d);
        return true;
      }
      return false;
    };
    if (!check()) diagWaiters.push(function w() { if (!check()) diagWaiters.push(w); });
  });
}

const hoverText = (h: Hover | null) => (h ? (h.contents as MarkupContent).value : '');

before(async () => {
  assert.ok(fs.existsSync(serverJs), `${serverJs} is not built`);
  proc = spawn(process.execPath, [serverJs, '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
  conn = createProtocolConnection(new StreamMessageReader(proc.stdout!), new StreamMessageWriter(proc.stdin!));
  conn.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => {
    diagnostics.set(p.uri, p);
    diagWaiters.splice(0).forEach((w) => w());
  });
  conn.listen();
  const init = await conn.sendRequest('initialize', { processId: process.pid, rootUri: null, capabilities: {} }) as { capabilities: Record<string, unknown> };
  assert.ok(init.capabilities.documentSymbolProvider);
  assert.equal(init.capabilities.hoverProvider, true);
  assert.ok(init.capabilities.documentLinkProvider);
  await conn.sendNotification('initialized', {});
});

after(async () => {
  await conn.sendRequest('shutdown').catch(() => undefined);
  await conn.sendNotification('exit').catch(() => undefined);
  const exited = await Promise.race([new Promise<boolean>((r) => proc.once('exit', () => r(true))), new Promise<boolean>((r) => setTimeout(() => r(false), 5000))]);
  if (!exited) proc.kill('SIGKILL');
  conn.dispose();
});

describe('language server on seed 004 (WinDbg kb and !gcsex output)', () => {
  const uri = 'untitled:seed004.wstack';
  const text = `${seed}this line is not stack output\n`;
  const lines = text.split('\n');
  let v = 0;
  before(async () => {
    await open(uri, text);
    v = version;
  });

  it('document symbols: one per listing (named by its command), one child per frame', async () => {
    const symbols = await conn.sendRequest('textDocument/documentSymbol', { textDocument: { uri } }) as DocumentSymbol[];
    assert.deepEqual(symbols.map((s) => [s.name, s.detail]), [['kb', '7 frames, 2 inline'], ['!gcsex', '7 frames, 2 inline'], ['kb', '5 frames'], ['!gcsex', '5 frames']]);
    assert.deepEqual(symbols[0]!.children!.map((c) => c.name), [
      'helper (Inline)', 'main', 'invoke_main (Inline)', '__scrt_common_main_seh', 'BaseThreadInitThunk', '__RtlUserThreadStart', '_RtlUserThreadStart',
    ]);
    const helper = symbols[0]!.children![0]!;
    assert.equal(helper.detail, '#00  runasm  e:\\test\\runasm\\runasm.cpp @ 4');
    assert.equal(lines[helper.range.start.line], '00 (Inline) -------- -------- -------- -------- runasm!helper [e:\\test\\runasm\\runasm.cpp @ 4]');
    // The selection is the symbol itself.
    const sel = helper.selectionRange;
    assert.equal(lines[sel.start.line]!.slice(sel.start.character, sel.end.character), 'runasm!helper');
    // kvf: the parameter list and annotations do not end up in the name.
    assert.deepEqual(symbols[1]!.children!.slice(0, 2).map((c) => c.name), ['helper (Inline)', 'main']);
  });

  it('hover on an InlineFrameContext value decodes it (Windows encoding: FrameId, FrameType, FrameSignature)', async () => {
    const line = lines.findIndex((l) => l.endsWith('= 25ed8200'));
    const h = await conn.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line, character: lines[line]!.indexOf('25ed8200') + 3 } }) as Hover;
    const md = hoverText(h);
    assert.match(md, /InlineFrameContext `0x25ed8200`\*\* — an inline frame/);
    assert.match(md, /FrameId \| `0x00`/);
    assert.match(md, /FrameType \| `0x82` STACK_FRAME_TYPE_INLINE \\\| STACK_FRAME_TYPE_RA/);
    assert.match(md, /FrameSignature \| `0x25ed`/);
    assert.deepEqual(h.range, { start: { line, character: lines[line]!.indexOf('25ed8200') }, end: { line, character: lines[line]!.indexOf('25ed8200') + 8 } });
    const ignore = lines.findIndex((l) => l.endsWith('= ffffffff'));
    const hi = await conn.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line: ignore, character: lines[ignore]!.length - 1 } }) as Hover;
    assert.match(hoverText(hi), /inline support off \(IGNORE\)/);
    const physical = lines.findIndex((l) => l.endsWith('= 25ed0100'));
    const hp = await conn.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line: physical, character: lines[physical]!.length - 2 } }) as Hover;
    assert.match(hoverText(hp), /not an inline frame/);
    assert.match(hoverText(hp), /STACK_FRAME_TYPE_STACK/);
  });

  it('hover on "(Inline)" explains the inline frame; elsewhere on a row it names the frame', async () => {
    const line = lines.findIndex((l) => l.startsWith('00 (Inline)'));
    const h = await conn.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line, character: 5 } }) as Hover;
    assert.match(hoverText(h), /\*\*helper\*\* was inlined/);
    const f = await conn.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line, character: lines[line]!.indexOf('helper') + 1 } }) as Hover;
    assert.match(hoverText(f), /\*\*helper\*\* \(Inline\)/);
    assert.match(hoverText(f), /source `e:\\test\\runasm\\runasm.cpp` line 4/);
    const none = await conn.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line: 0, character: 2 } });
    assert.equal(none, null);
  });

  it('document links: [file @ line] opens the file at that line', async () => {
    const links = await conn.sendRequest('textDocument/documentLink', { textDocument: { uri } }) as DocumentLink[];
    assert.equal(links.length, 12); // kb 4 + kvf 4 + kb 2 + kvf 2 rows with a source
    const first = links[0]!;
    assert.equal(first.target, 'file:///e%3A/test/runasm/runasm.cpp#L4');
    assert.equal(lines[first.range.start.line]!.slice(first.range.start.character, first.range.end.character), 'e:\\test\\runasm\\runasm.cpp');
    assert.ok(links.some((l) => l.target === 'file:///f%3A/dd/vctools/crt/vcstartup/src/startup/exe_common.inl#L264'));
  });

  it('diagnostics: only the line that is not stack text, as a warning', async () => {
    const d = await diagnosticsFor(uri, v);
    assert.equal(d.diagnostics.length, 1);
    const [diag] = d.diagnostics;
    assert.equal(diag!.range.start.line, lines.indexOf('this line is not stack output'));
    assert.equal(diag!.severity, 2);
    assert.match(diag!.message, /Not a line of a call stack/);
  });

  it('diagnostics follow edits (incremental sync)', async () => {
    const bad = lines.indexOf('this line is not stack output');
    await conn.sendNotification('textDocument/didChange', {
      textDocument: { uri, version: ++version },
      contentChanges: [{ range: { start: { line: bad, character: 0 }, end: { line: bad, character: lines[bad]!.length } }, text: '' }],
    });
    assert.deepEqual((await diagnosticsFor(uri, version)).diagnostics, []);
  });
});

describe('language server on other stack text', () => {
  it('x64 k output (backtick addresses, "(Inline Function)" rows, no # column) and kn', async () => {
    const uri = 'untitled:x64.wstack';
    const text = [
      '0:000> k',
      'Child-SP          RetAddr               Call Site',
      '00000000`0014f8d8 00007ff6`12341234     app!Accumulator::add+0x12 [c:\\src\\app.cpp @ 12]',
      '(Inline Function) --------`--------     app!helper [c:\\src\\app.cpp @ 4]',
      '00000000`0014f8e0 00007ffb`00001111     app!main+0x20 [c:\\src\\app.cpp @ 32]',
      '0:000> kn',
      ' # Child-SP          RetAddr               Call Site',
      '00 (Inline Function) --------`--------     app!helper [c:\\src\\app.cpp @ 4]',
      '01 00000000`0014f8e0 00007ffb`00001111     app!main+0x20 [c:\\src\\app.cpp @ 32]',
      '02 00000000`0014f920 00000000`00000000     KERNEL32!BaseThreadInitThunk+0x14',
    ].join('\n');
    await open(uri, text);
    const v = version;
    const symbols = await conn.sendRequest('textDocument/documentSymbol', { textDocument: { uri } }) as DocumentSymbol[];
    assert.deepEqual(symbols.map((s) => s.name), ['k', 'kn']);
    assert.deepEqual(symbols[0]!.children!.map((c) => c.name), ['Accumulator::add', 'helper (Inline)', 'main']);
    assert.deepEqual(symbols[1]!.children!.map((c) => [c.name, c.detail]), [
      ['helper (Inline)', '#00  app  c:\\src\\app.cpp @ 4'], ['main', '#01  app  c:\\src\\app.cpp @ 32'], ['BaseThreadInitThunk', '#02  KERNEL32'],
    ]);
    assert.deepEqual((await diagnosticsFor(uri, v)).diagnostics, []);
  });

  it('the raw view (Wine encoding): hover decodes in the encoding the view states; links to Linux paths', async () => {
    const uri = 'dbgeng-raw:/Raw%20InlineFrameContext%20-%20thread%20280.wstack';
    const text = formatRawView({
      threadId: 280, engine: 'dbghelp', encoding: 'wine',
      frames: [
        { index: 0, physicalIndex: 0, inline: true, instructionOffset: '0x1400015bf', returnOffset: '0x0', stackOffset: '0x21fd08', inlineFrameContext: '40000002', resolvedBy: 'inlineContext', name: 'helper', module: 'sample', file: '/work/src/sample.c', line: 21 },
        { index: 1, physicalIndex: 0, inline: true, instructionOffset: '0x1400015bf', returnOffset: '0x0', stackOffset: '0x21fd08', inlineFrameContext: '40000001', resolvedBy: 'inlineContext', name: 'middle', module: 'sample' },
        { index: 2, physicalIndex: 0, inline: false, instructionOffset: '0x1400015bf', returnOffset: '0x140007d10', stackOffset: '0x21fd08', inlineFrameContext: '80000000', resolvedBy: 'offset', name: 'outer', displacement: 15, module: 'sample' },
      ],
    }, { stop: 1, reason: 'breakpoint', selectedFrame: 1 });
    await open(uri, text);
    const v = version;
    const lines = text.split('\n');
    const symbols = await conn.sendRequest('textDocument/documentSymbol', { textDocument: { uri } }) as DocumentSymbol[];
    assert.deepEqual(symbols[0]!.children!.map((c) => c.name), ['helper (Inline)', 'middle (Inline)', 'outer']);
    const row = lines.findIndex((l) => l.startsWith('00 '));
    const h = await conn.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line: row, character: lines[row]!.indexOf('40000002') + 1 } }) as Hover;
    assert.match(hoverText(h), /Wine's dbghelp encoding/);
    assert.match(hoverText(h), /\| mode \| inline \(`0x40000000`\) \|/);
    assert.match(hoverText(h), /\| depth \| 2 \|/);
    const ctxLine = lines.findIndex((l) => l.startsWith('Inline Frame Context for frame 2 = 80000000'));
    const h2 = await conn.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line: ctxLine, character: lines[ctxLine]!.indexOf('80000000') } }) as Hover;
    assert.match(hoverText(h2), /\| mode \| regular/);
    const links = await conn.sendRequest('textDocument/documentLink', { textDocument: { uri } }) as DocumentLink[];
    assert.deepEqual(links.map((l) => l.target), ['file:///work/src/sample.c#L21']);
    assert.deepEqual((await diagnosticsFor(uri, v)).diagnostics, []);
  });
});
