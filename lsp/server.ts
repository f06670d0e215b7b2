/**
 * The language server for `windbg-stack` documents: the raw
 * InlineFrameContext view and call-stack text pasted from WinDbg (k, kb,
 * kn, kv, kvf). Its own bundle (dist/language-server.js), its own process;
 * all reading is done by the pure parser in stacktext/.
 *
 *  - document symbols: one per frame, grouped per listing (`0:000> kb`)
 *  - hover: decodes an InlineFrameContext value; explains "(Inline)"
 *  - document links: `[file @ line]` opens the source at that line
 *  - diagnostics: lines that are not stack text
 *
 * Transport: whatever the client gives (--node-ipc from the extension,
 * --stdio from the tests).
 */
import {
  createConnection, DiagnosticSeverity, DocumentSymbol, MarkupKind, ProposedFeatures, SymbolKind,
  TextDocuments, TextDocumentSyncKind, type Diagnostic, type DocumentLink, type Hover, type Range,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { describeContext, describeInlineMarker } from '../stacktext/describe';
import { itemAt, parseStackText, sourceUri, type Cell, type FrameRow, type ParsedStackText } from '../stacktext/parse';

const connection = createConnection(ProposedFeatures.all);
const documents = new TextDocuments(TextDocument);
const cache = new Map<string, { version: number; parsed: ParsedStackText }>();

function parsed(doc: TextDocument): ParsedStackText {
  const hit = cache.get(doc.uri);
  if (hit && hit.version === doc.version) return hit.parsed;
  const p = parseStackText(doc.getText());
  cache.set(doc.uri, { version: doc.version, parsed: p });
  return p;
}

const range = (line: number, c: { start: number; end: number }): Range => ({ start: { line, character: c.start }, end: { line, character: c.end } });

connection.onInitialize(() => ({
  capabilities: {
    textDocumentSync: TextDocumentSyncKind.Incremental,
    documentSymbolProvider: { label: 'Call stack' },
    hoverProvider: true,
    documentLinkProvider: { resolveProvider: false },
  },
  serverInfo: { name: 'windbg-stack language server' },
}));

function frameSymbol(f: FrameRow, lineText: string): DocumentSymbol {
  const idx = f.index !== undefined ? f.index.toString(16).padStart(2, '0') : undefined;
  const where = f.source ? `${f.source.file} @ ${f.source.line}` : undefined;
  const detail = [idx !== undefined ? `#${idx}` : undefined, f.module, where].filter(Boolean).join('  ');
  const full = { start: 0, end: lineText.trimEnd().length };
  return DocumentSymbol.create(
    `${f.name}${f.inline ? ' (Inline)' : ''}`,
    detail || undefined,
    SymbolKind.Function,
    range(f.line, full),
    range(f.line, f.symbol.end > f.symbol.start ? f.symbol : full),
  );
}

connection.onDocumentSymbol(({ textDocument }) => {
  const doc = documents.get(textDocument.uri);
  if (!doc) return [];
  const p = parsed(doc);
  const lines = doc.getText().split(/\r?\n/);
  return p.listings.map((l, i) => {
    const children = l.frames.map((f) => frameSymbol(f, lines[f.line] ?? ''));
    const inline = l.frames.filter((f) => f.inline).length;
    const end = lines[l.endLine]?.length ?? 0;
    return DocumentSymbol.create(
      l.command ?? `stack ${i + 1}`,
      `${l.frames.length} frames${inline ? `, ${inline} inline` : ''}`,
      SymbolKind.Namespace,
      { start: { line: l.startLine, character: 0 }, end: { line: l.endLine, character: end } },
      { start: { line: l.startLine, character: 0 }, end: { line: l.startLine, character: lines[l.startLine]?.length ?? 0 } },
      children,
    );
  });
});

connection.onHover(({ textDocument, position }): Hover | null => {
  const doc = documents.get(textDocument.uri);
  if (!doc) return null;
  const p = parsed(doc);
  const item = itemAt(p, position.line, position.character);
  if (!item) return null;
  let value: string;
  let cell: Cell;
  if (item.kind === 'context') {
    value = describeContext(item.context.value, p.encoding, p.encodingStated);
    cell = item.context.cell;
  } else if (item.kind === 'inline') {
    value = describeInlineMarker(item.frame.name);
    cell = item.cell;
  } else {
    const f = item.frame;
    value = [`**${f.name}**${f.inline ? ' (Inline)' : ''}`, f.module ? `module \`${f.module}\`` : undefined, f.displacement ? `displacement \`${f.displacement}\`` : undefined,
      f.source ? `source \`${f.source.file}\` line ${f.source.line}` : undefined].filter(Boolean).join('  \n');
    cell = item.cell;
  }
  return { contents: { kind: MarkupKind.Markdown, value }, range: range(position.line, cell) };
});

connection.onDocumentLinks(({ textDocument }): DocumentLink[] => {
  const doc = documents.get(textDocument.uri);
  if (!doc) return [];
  const links: DocumentLink[] = [];
  for (const f of parsed(doc).frames) {
    if (!f.source) continue;
    const target = sourceUri(f.source.file, f.source.line);
    if (!target) continue;
    links.push({ range: range(f.line, f.source.fileCell), target, tooltip: `Open ${f.source.file} at line ${f.source.line}` });
  }
  return links;
});

function validate(doc: TextDocument): void {
  const p = parsed(doc);
  const diagnostics: Diagnostic[] = p.problems.map((pr) => ({
    range: range(pr.line, pr),
    severity: DiagnosticSeverity.Warning,
    source: 'windbg-stack',
    message: pr.message,
  }));
  void connection.sendDiagnostics({ uri: doc.uri, version: doc.version, diagnostics });
}

documents.onDidChangeContent((e) => validate(e.document));
documents.onDidClose((e) => {
  cache.delete(e.document.uri);
  void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
});

documents.listen(connection);
connection.listen();
