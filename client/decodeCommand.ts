/**
 * `dbgeng-inline decode`: the stack-text parser and InlineFrameContext
 * decoding of the windbg-stack language server, on the command line.
 *
 *   dbgeng-inline decode [--encoding windows|wine] VALUE...   decode values
 *   dbgeng-inline decode [--encoding windows|wine] --stack FILE|-
 *       read WinDbg k/kb/kn/kv/kvf output (or the raw view) and print one
 *       JSON object per frame, with its InlineFrameContext decoded where
 *       the text has one; lines it cannot read go to stderr.
 */
import fs from 'node:fs';
import { decodeInlineContext, hex32, isInlineContext, type InlineContextEncoding } from '../stacktext/describe';
import { parseStackText } from '../stacktext/parse';

export class DecodeUsageError extends Error {}

export function decodeCommand(argv: string[], out: (s: string) => void, err: (s: string) => void): number {
  let encoding: InlineContextEncoding | undefined;
  let stackFile: string | undefined;
  const values: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--encoding' || a.startsWith('--encoding=')) {
      const v = a.includes('=') ? a.slice(11) : argv[++i];
      if (v !== 'windows' && v !== 'wine') throw new DecodeUsageError('--encoding must be windows or wine.');
      encoding = v;
    } else if (a === '--stack') {
      stackFile = argv[++i];
      if (!stackFile) throw new DecodeUsageError('--stack needs a file (or - for standard input).');
    } else if (/^(0x)?[0-9a-f]{1,8}$/i.test(a)) {
      values.push(a);
    } else {
      throw new DecodeUsageError(`"${a}" is not an InlineFrameContext value (up to 8 hex digits).`);
    }
  }
  if (stackFile !== undefined) {
    const text = fs.readFileSync(stackFile === '-' ? 0 : stackFile, 'utf8');
    const parsed = parseStackText(text);
    const enc = encoding ?? parsed.encoding;
    const ctxByLine = new Map(parsed.contexts.map((c) => [c.line, c.value]));
    for (const l of parsed.listings) {
      for (const f of l.frames) {
        const ctx = ctxByLine.get(f.line);
        out(JSON.stringify({
          command: l.command, index: f.index, name: f.name, inline: f.inline, module: f.module, displacement: f.displacement,
          file: f.source?.file, line: f.source?.line,
          ...(ctx !== undefined ? { inlineFrameContext: hex32(ctx), decoded: decodeInlineContext(ctx, enc) } : {}),
        }));
      }
    }
    for (const c of parsed.contexts.filter((x) => !parsed.frames.some((f) => f.line === x.line))) {
      out(JSON.stringify({ frame: c.frame, inlineFrameContext: hex32(c.value), inline: isInlineContext(c.value, enc), decoded: decodeInlineContext(c.value, enc) }));
    }
    for (const p of parsed.problems) err(`line ${p.line + 1}: ${p.message}`);
    return 0;
  }
  if (!values.length) throw new DecodeUsageError('Give InlineFrameContext values, or --stack FILE.');
  for (const v of values) {
    const n = parseInt(v.replace(/^0x/i, ''), 16) >>> 0;
    const enc = encoding ?? 'windows';
    out(JSON.stringify({ inlineFrameContext: hex32(n), inline: isInlineContext(n, enc), decoded: decodeInlineContext(n, enc) }));
  }
  return 0;
}
