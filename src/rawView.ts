/**
 * "Show raw InlineFrameContext": a read-only virtual document (language
 * `windbg-stack`) with every frame of a thread, its raw InlineFrameContext
 * and its decoding, from the adapter's custom request
 * `rawInlineFrameContext`. It refreshes at every stop of its session.
 */
import * as vscode from 'vscode';
import { RAW_INLINE_FRAME_CONTEXT_REQUEST, type RawInlineFrameContextArguments, type RawInlineFrameContextBody } from '../stacktext/rawContextBody';
import { formatRawView, formatRawViewMessage } from '../stacktext/rawView';

export const RAW_SCHEME = 'dbgeng-raw';
export const LANGUAGE_ID = 'windbg-stack';

interface SessionState {
  session: vscode.DebugSession;
  stops: number;
  reason?: string;
  running: boolean;
}

/** Where the command was asked for: a thread and maybe a frame. */
export interface RawTarget {
  session: vscode.DebugSession;
  threadId: number;
  frameIndex?: number;
}

export class RawContextView implements vscode.TextDocumentContentProvider {
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  private readonly sessions = new Map<string, SessionState>();
  private readonly open = new Set<string>();

  constructor(private readonly log: (line: string) => void) {}

  register(): vscode.Disposable {
    return vscode.Disposable.from(
      vscode.workspace.registerTextDocumentContentProvider(RAW_SCHEME, this),
      vscode.workspace.onDidCloseTextDocument((d) => this.open.delete(d.uri.toString())),
      vscode.debug.onDidStartDebugSession((s) => this.state(s)),
      vscode.debug.onDidTerminateDebugSession((s) => {
        this.sessions.delete(s.id);
        this.refresh(s.id);
      }),
      this.changed,
    );
  }

  session(id: string): vscode.DebugSession | undefined {
    return this.sessions.get(id)?.session;
  }

  private state(session: vscode.DebugSession): SessionState {
    let st = this.sessions.get(session.id);
    if (!st) {
      st = { session, stops: 0, running: true };
      this.sessions.set(session.id, st);
    }
    return st;
  }

  /** From the tracker: the session stopped (refresh) or runs again. */
  onStopped(session: vscode.DebugSession, body: { reason?: string } | undefined): void {
    const st = this.state(session);
    st.stops++;
    st.reason = body?.reason;
    st.running = false;
    this.refresh(session.id);
  }

  onContinued(session: vscode.DebugSession): void {
    this.state(session).running = true;
    this.refresh(session.id);
  }

  private refresh(sessionId: string): void {
    for (const u of this.open) {
      const uri = vscode.Uri.parse(u);
      if (new URLSearchParams(uri.query).get('session') === sessionId) this.changed.fire(uri);
    }
  }

  static uri(target: RawTarget): vscode.Uri {
    const q = new URLSearchParams({ session: target.session.id, thread: String(target.threadId) });
    if (target.frameIndex !== undefined) q.set('frame', String(target.frameIndex));
    return vscode.Uri.from({ scheme: RAW_SCHEME, path: `/Raw InlineFrameContext - thread ${target.threadId}.wstack`, query: q.toString() });
  }

  async show(target: RawTarget): Promise<vscode.TextDocument> {
    const uri = RawContextView.uri(target);
    this.state(target.session);
    this.open.add(uri.toString());
    let doc = await vscode.workspace.openTextDocument(uri);
    if (doc.languageId !== LANGUAGE_ID) doc = await vscode.languages.setTextDocumentLanguage(doc, LANGUAGE_ID);
    await vscode.window.showTextDocument(doc, { preview: false, viewColumn: vscode.ViewColumn.Beside, preserveFocus: false });
    return doc;
  }

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    this.open.add(uri.toString());
    const q = new URLSearchParams(uri.query);
    const threadId = Number(q.get('thread'));
    const frame = q.get('frame');
    const st = this.sessions.get(q.get('session') ?? '');
    if (!st) return formatRawViewMessage(threadId, 'The debug session has ended.');
    if (st.running && st.stops > 0) return formatRawViewMessage(threadId, 'The program is running; this view refreshes at the next stop.');
    try {
      const args: RawInlineFrameContextArguments = { threadId };
      const body = (await st.session.customRequest(RAW_INLINE_FRAME_CONTEXT_REQUEST, args)) as RawInlineFrameContextBody;
      return formatRawView(body, { reason: st.reason, stop: st.stops, selectedFrame: frame !== null ? Number(frame) : undefined });
    } catch (e) {
      this.log(`rawInlineFrameContext failed: ${(e as Error).message}`);
      return formatRawViewMessage(threadId, `The adapter could not give the raw contexts: ${(e as Error).message}`);
    }
  }
}

/**
 * What the command was invoked on. From the Call Stack's context menu VS
 * Code passes (source uri, {sessionId, threadId: "thread:<session>:<id>",
 * frameId: "stackframe:thread:<session>:<id>:<index>:<source>", frameName});
 * from the palette there are no arguments and the focused stack item counts.
 */
export async function resolveTarget(args: unknown[], sessionById: (id: string) => vscode.DebugSession | undefined): Promise<RawTarget | undefined> {
  const ctx = args.find((a): a is { sessionId?: string; threadId?: unknown; frameId?: unknown } => typeof a === 'object' && a !== null && 'sessionId' in a);
  if (ctx) {
    const session = (ctx.sessionId ? sessionById(ctx.sessionId) : undefined) ?? vscode.debug.activeDebugSession;
    const frame = typeof ctx.frameId === 'string' ? /^stackframe:thread:[^:]*:(\d+):(\d+)(?::|$)/.exec(ctx.frameId) : null;
    const threadId = frame ? Number(frame[1]) : typeof ctx.threadId === 'number' ? ctx.threadId : Number(/(\d+)$/.exec(String(ctx.threadId ?? ''))?.[1]);
    if (session && Number.isInteger(threadId)) return { session, threadId, frameIndex: frame ? Number(frame[2]) : undefined };
  }
  const item = vscode.debug.activeStackItem;
  if (item && item.session.type === 'dbgeng') {
    const target: RawTarget = { session: item.session, threadId: item.threadId };
    if (item instanceof vscode.DebugStackFrame) target.frameIndex = await frameIndex(item.session, item.threadId, item.frameId);
    return target;
  }
  const session = vscode.debug.activeDebugSession;
  if (session?.type !== 'dbgeng') return undefined;
  // No focused thread: the first one.
  const threads = (await session.customRequest('threads')) as { threads: { id: number }[] };
  const first = threads.threads[0];
  return first ? { session, threadId: first.id } : undefined;
}

async function frameIndex(session: vscode.DebugSession, threadId: number, frameId: number): Promise<number | undefined> {
  try {
    const r = (await session.customRequest('stackTrace', { threadId, startFrame: 0, levels: 500 })) as { stackFrames: { id: number }[] };
    const i = r.stackFrames.findIndex((f) => f.id === frameId);
    return i >= 0 ? i : undefined;
  } catch {
    return undefined;
  }
}
