/**
 * The extension, inside a real extension host: a debug session on the
 * sample under Wine (or natively on Windows), the stack through the VS Code
 * API, the raw InlineFrameContext command and its document, the language
 * server on that document, and configurations the provider must refuse.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'mocha';
import fs from 'node:fs';
import path from 'node:path';
import * as vscode from 'vscode';

const repoRoot = path.resolve(__dirname, '..', '..');
const sampleExe = path.join(repoRoot, 'test', 'fixtures', 'build', 'gcc', 'sample.exe');
const sampleSrc = path.join(repoRoot, 'test', 'fixtures', 'src', 'sample.c');
const EXTENSION_ID = 'dbgeng-inline.dbgeng-inline';

interface Stop { session: vscode.DebugSession; threadId: number; reason: string }

/** Watches dbgeng sessions' DAP events through a tracker of our own. */
class Watcher implements vscode.Disposable {
  private readonly stops: Stop[] = [];
  private readonly waiters: { session: vscode.DebugSession; take: (s: Stop) => void }[] = [];
  private readonly reg: vscode.Disposable;
  readonly output: string[] = [];
  /** Requests VS Code sent (for failure messages). */
  readonly requests: string[] = [];
  /** Sessions whose configurationDone was answered (the program runs from then on). */
  readonly configured = new Set<string>();

  constructor() {
    this.reg = vscode.debug.registerDebugAdapterTrackerFactory('dbgeng', {
      createDebugAdapterTracker: (session) => ({
        onWillReceiveMessage: (m: { type?: string; command?: string; arguments?: unknown }) => {
          if (m.type === 'request' && !['threads', 'stackTrace', 'scopes', 'variables', 'source'].includes(m.command ?? '')) this.requests.push(`${m.command} ${JSON.stringify(m.arguments ?? {}).slice(0, 300)}`);
        },
        onDidSendMessage: (m: { type?: string; event?: string; command?: string; body?: { threadId?: number; reason?: string; output?: string } }) => {
          if (m.type === 'response' && m.command === 'configurationDone') this.configured.add(session.id);
          if (m.type === 'event' && m.event === 'output' && m.body?.output) this.output.push(m.body.output);
          if (m.type !== 'event' || m.event !== 'stopped') return;
          const stop = { session, threadId: m.body?.threadId ?? 0, reason: m.body?.reason ?? '' };
          const at = this.waiters.findIndex((w) => w.session.id === session.id);
          if (at >= 0) this.waiters.splice(at, 1)[0]!.take(stop);
          else this.stops.push(stop);
        },
      }),
    });
  }

  /** The next stop of this session (stops of sessions that ended before are not this one's). */
  nextStop(session: vscode.DebugSession, timeoutMs = 30_000): Promise<Stop> {
    const queued = this.stops.findIndex((x) => x.session.id === session.id);
    if (queued >= 0) return Promise.resolve(this.stops.splice(queued, 1)[0]!);
    return new Promise((resolve, reject) => {
      const waiter = {
        session,
        take: (stop: Stop) => {
          clearTimeout(t);
          resolve(stop);
        },
      };
      const t = setTimeout(() => {
        // A waiter that gave up must not take a later stop.
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        reject(new Error(`no stop within ${timeoutMs} ms; adapter output: ${this.output.join('')}\nrequests: ${this.requests.join('\n')}`));
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  /** Resolves once the session's configurationDone was answered (before that a launched or attached program is held). */
  configuredDone(session: vscode.DebugSession): Promise<true> {
    return waitFor('configurationDone', () => (this.configured.has(session.id) ? true : undefined), 60_000);
  }

  dispose(): void {
    this.reg.dispose();
  }
}

function waitFor<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const tick = async () => {
      try {
        const v = await probe();
        if (v !== undefined) return resolve(v);
      } catch { /* try again */ }
      if (Date.now() > end) return reject(new Error(`timed out waiting for ${what}`));
      setTimeout(tick, 100);
    };
    void tick();
  });
}

function sessionEnded(session: vscode.DebugSession): Promise<void> {
  return new Promise((resolve) => {
    const d = vscode.debug.onDidTerminateDebugSession((s) => {
      if (s.id === session.id) {
        d.dispose();
        resolve();
      }
    });
  });
}

async function startSample(watcher: Watcher, extra: Partial<vscode.DebugConfiguration> = {}): Promise<{ session: vscode.DebugSession; stop: Stop }> {
  const started = new Promise<vscode.DebugSession>((resolve) => {
    const d = vscode.debug.onDidStartDebugSession((s) => {
      if (s.type === 'dbgeng') {
        d.dispose();
        resolve(s);
      }
    });
  });
  const ok = await vscode.debug.startDebugging(vscode.workspace.workspaceFolders?.[0], {
    type: 'dbgeng', request: 'launch', name: 'sample (extension test)', program: sampleExe, args: ['break'], ...extra,
  });
  assert.equal(ok, true, 'startDebugging returned false');
  const session = await started;
  const stop = await watcher.nextStop(session);
  return { session, stop };
}

async function stopSession(session: vscode.DebugSession): Promise<void> {
  const ended = sessionEnded(session);
  await vscode.debug.stopDebugging(session);
  await Promise.race([ended, new Promise((r) => setTimeout(r, 15_000))]);
}

export function defineTests(): void {
  describe('dbgeng extension', () => {
    let watcher: Watcher;

    before(async () => {
      const ext = vscode.extensions.getExtension(EXTENSION_ID);
      assert.ok(ext, `extension ${EXTENSION_ID} is not loaded`);
      await ext.activate();
      watcher = new Watcher();
    });
    after(() => watcher?.dispose());

    it('contributes the command, the language and the debugger', async () => {
      const commands = await vscode.commands.getCommands(true);
      for (const c of ['dbgeng.showRawInlineFrameContext', 'dbgeng.pickProcess', 'dbgeng.runSetup']) assert.ok(commands.includes(c), `command ${c}`);
      assert.ok((await vscode.languages.getLanguages()).includes('windbg-stack'));
      const pkg = vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON as { contributes: { debuggers: { type: string; configurationAttributes: Record<string, unknown> }[] } };
      const dbg = pkg.contributes.debuggers.find((d) => d.type === 'dbgeng');
      assert.deepEqual(Object.keys(dbg!.configurationAttributes).sort(), ['attach', 'launch']);
    });

    it('refuses a configuration without a program, with a non-PE program, and attach without a process id', async () => {
      let starts = 0;
      const d = vscode.debug.onDidStartDebugSession(() => starts++);
      try {
        assert.equal(await vscode.debug.startDebugging(undefined, { type: 'dbgeng', request: 'launch', name: 'no program' }), false);
        assert.equal(await vscode.debug.startDebugging(undefined, { type: 'dbgeng', request: 'launch', name: 'not PE', program: sampleSrc }), false);
        assert.equal(await vscode.debug.startDebugging(undefined, { type: 'dbgeng', request: 'attach', name: 'attach', processId: 'abc' }), false);
      } finally {
        d.dispose();
      }
      assert.equal(starts, 0, 'a session started for a refused configuration');
    });

    it('stops in helper with helper (Inline), middle (Inline), outer, main on the stack', async function () {
      this.timeout(180_000);
      const { session, stop } = await startSample(watcher);
      try {
        assert.equal(session.type, 'dbgeng');
        assert.ok(stop.threadId > 0, 'stopped event names a thread');
        const r = (await session.customRequest('stackTrace', { threadId: stop.threadId, startFrame: 0, levels: 20 })) as { stackFrames: { id: number; name: string; line: number; source?: { path?: string } }[] };
        const names = r.stackFrames.map((f) => f.name);
        const at = names.indexOf('helper (Inline)');
        assert.ok(at >= 0, `no "helper (Inline)" frame in ${JSON.stringify(names)}`);
        assert.deepEqual(names.slice(at, at + 4).map((n) => n.replace(/\+0x[0-9a-f]+$/, '')), ['helper (Inline)', 'middle (Inline)', 'outer', 'main']);
        // Only mingw's own always-inline __debugbreak may sit above helper.
        assert.ok(names.slice(0, at).every((n) => n.startsWith('__debugbreak')), JSON.stringify(names.slice(0, at)));
        assert.equal(path.basename(r.stackFrames[at]!.source?.path ?? ''), 'sample.c');

        // The same stack through the VS Code API: the focused stack item.
        const item = await waitFor('the focused stack frame', () => {
          const i = vscode.debug.activeStackItem;
          return i instanceof vscode.DebugStackFrame && i.session.id === session.id ? i : undefined;
        });
        assert.equal(item.threadId, stop.threadId);
      } finally {
        await stopSession(session);
      }
    });

    it('"Show raw InlineFrameContext" opens a windbg-stack document with the raw contexts, read by the language server', async function () {
      this.timeout(180_000);
      const { session, stop } = await startSample(watcher);
      try {
        await waitFor('the focused stack frame', () => (vscode.debug.activeStackItem?.session.id === session.id ? true : undefined));
        const doc = (await vscode.commands.executeCommand('dbgeng.showRawInlineFrameContext')) as vscode.TextDocument;
        assert.ok(doc, 'the command returned no document');
        assert.equal(doc.languageId, 'windbg-stack');
        assert.equal(doc.uri.scheme, 'dbgeng-raw');
        const text = doc.getText();
        assert.match(text, new RegExp(`thread ${stop.threadId}\\b`));
        assert.match(text, /^ # Child-SP {10}RetAddr {11}InlineCtx Decoded/m);
        assert.match(text, /^[0-9a-f]{2} \(Inline\) +-{16} [0-9a-f]{8} +\S+ +sample!helper \[.*sample\.c @ \d+\]$/m);
        assert.match(text, /^[0-9a-f]{2} \(Inline\) +-{16} [0-9a-f]{8} +\S+ +sample!middle\b/m);
        assert.match(text, /^[0-9a-f]{2} [0-9a-f]{16} [0-9a-f]{16} [0-9a-f]{8} +\S+ +sample!outer\+0x/m);
        assert.match(text, /^Inline Frame Context for frame 0 = [0-9a-f]{8} /m);
        if (/encoding wine/.test(text)) assert.match(text, /mode=inline,depth=\d/);
        else assert.match(text, /type=[0-9a-f]{2}\(/);
        assert.match(text, /\* stop 1 \(exception\)/);

        // The language server on the raw view: symbols, hover, links, no diagnostics.
        const symbols = await waitFor('document symbols', async () => {
          const s = (await vscode.commands.executeCommand('vscode.executeDocumentSymbolProvider', doc.uri)) as vscode.DocumentSymbol[] | undefined;
          return s?.length ? s : undefined;
        });
        const frames = symbols.flatMap((s) => s.children.map((c) => c.name));
        assert.ok(frames.includes('helper (Inline)') && frames.includes('middle (Inline)') && frames.includes('outer'), JSON.stringify(frames));
        const ctxLine = doc.getText().split('\n').findIndex((l) => l.startsWith('Inline Frame Context for frame 0 = '));
        const col = 'Inline Frame Context for frame 0 = '.length + 2;
        const hovers = (await vscode.commands.executeCommand('vscode.executeHoverProvider', doc.uri, new vscode.Position(ctxLine, col))) as vscode.Hover[];
        const hoverText = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
        assert.match(hoverText, /InlineFrameContext `0x[0-9a-f]{8}`/);
        const links = (await vscode.commands.executeCommand('vscode.executeLinkProvider', doc.uri)) as vscode.DocumentLink[];
        assert.ok(links.some((l) => l.target?.path.endsWith('/sample.c')), JSON.stringify(links.map((l) => l.target?.toString())));
        assert.deepEqual(vscode.languages.getDiagnostics(doc.uri), []);

        // From the Call Stack's context menu: VS Code passes the frame's
        // source and {sessionId, threadId, frameId: "stackframe:..."}.
        const ctx = { sessionId: session.id, threadId: `thread:${session.id}:${stop.threadId}`, frameId: `stackframe:thread:${session.id}:${stop.threadId}:2:sample.c`, frameName: 'middle (Inline)' };
        const picked = (await vscode.commands.executeCommand('dbgeng.showRawInlineFrameContext', vscode.Uri.file(sampleSrc).toString(), ctx)) as vscode.TextDocument;
        assert.match(picked.getText(), /frame 02 selected/);
        assert.match(picked.getText(), /^Inline Frame Context for frame 2 = [0-9a-f]{8} .* <$/m);
      } finally {
        await stopSession(session);
      }
    });

    it('the raw view refreshes at every stop (pause, continue, pause)', async function () {
      this.timeout(180_000);
      const started = new Promise<vscode.DebugSession>((resolve) => {
        const d = vscode.debug.onDidStartDebugSession((s) => {
          if (s.type === 'dbgeng') {
            d.dispose();
            resolve(s);
          }
        });
      });
      assert.equal(await vscode.debug.startDebugging(undefined, { type: 'dbgeng', request: 'launch', name: 'sample spin', program: sampleExe, args: ['spin'] }), true);
      const session = await started;
      try {
        await watcher.configuredDone(session);
        await new Promise((r) => setTimeout(r, 300));
        await session.customRequest('pause', { threadId: 0 });
        const first = await watcher.nextStop(session);
        assert.equal(first.reason, 'pause');
        await waitFor('the focused stack item', () => (vscode.debug.activeStackItem?.session.id === session.id ? true : undefined));
        const doc = (await vscode.commands.executeCommand('dbgeng.showRawInlineFrameContext')) as vscode.TextDocument;
        assert.match(doc.getText(), /\* stop 1 \(pause\)/);
        const textWhen = (re: RegExp) => new Promise<string>((resolve, reject) => {
          const t = setTimeout(() => reject(new Error(`the raw view never matched ${re}; it has:\n${doc.getText()}`)), 30_000);
          const d = vscode.workspace.onDidChangeTextDocument((e) => {
            if (e.document.uri.toString() === doc.uri.toString() && re.test(e.document.getText())) {
              clearTimeout(t);
              d.dispose();
              resolve(e.document.getText());
            }
          });
        });
        const running = textWhen(/The program is running/);
        await session.customRequest('continue', { threadId: first.threadId });
        await running;
        await new Promise((r) => setTimeout(r, 300));
        const second = textWhen(/\* stop 2 \(pause\)/);
        await session.customRequest('pause', { threadId: 0 });
        assert.equal((await watcher.nextStop(session)).reason, 'pause');
        assert.match(await second, /^ # Child-SP/m);
      } finally {
        await stopSession(session);
      }
    });

    it('the language server reads pasted WinDbg kb output (seed 004): symbols, hover decode, links, diagnostics', async () => {
      const seed = fs.readFileSync(path.join(repoRoot, 'test', 'fixtures', 'stacktext', 'seed004-windbg.txt'), 'utf8');
      const doc = await vscode.workspace.openTextDocument({ language: 'windbg-stack', content: `${seed}\nthis line is not stack output\n` });
      const symbols = await waitFor('document symbols', async () => {
        const s = (await vscode.commands.executeCommand('vscode.executeDocumentSymbolProvider', doc.uri)) as vscode.DocumentSymbol[] | undefined;
        return s?.length ? s : undefined;
      });
      assert.deepEqual(symbols.map((s) => s.name), ['kb', '!gcsex', 'kb', '!gcsex']);
      assert.deepEqual(symbols[0]!.children.map((c) => c.name).slice(0, 3), ['helper (Inline)', 'main', 'invoke_main (Inline)']);
      const lines = seed.split('\n');
      const ctx = lines.findIndex((l) => l.includes('= 25ed0200'));
      const hovers = (await vscode.commands.executeCommand('vscode.executeHoverProvider', doc.uri, new vscode.Position(ctx, lines[ctx]!.indexOf('25ed0200') + 1))) as vscode.Hover[];
      const text = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
      assert.match(text, /FrameType \| `0x02` STACK_FRAME_TYPE_INLINE/);
      assert.match(text, /FrameSignature \| `0x25ed`/);
      const links = (await vscode.commands.executeCommand('vscode.executeLinkProvider', doc.uri)) as vscode.DocumentLink[];
      assert.ok(links.some((l) => /runasm\.cpp$/.test(l.target?.path ?? '') && l.target?.fragment === 'L4'), JSON.stringify(links.map((l) => l.target?.toString())));
      const diags = await waitFor('diagnostics', () => {
        const d = vscode.languages.getDiagnostics(doc.uri);
        return d.length ? d : undefined;
      });
      assert.equal(diags.length, 1);
      assert.equal(diags[0]!.range.start.line, lines.length);
    });

    // Last: a failed start (no runtime) and an attach session leave VS Code's
    // focus elsewhere, which the tests above read (vscode.debug.activeStackItem).
    it('attaches to a running program by process id, pauses it in its loop, and detaches leaving it running', async function () {
      this.timeout(180_000);
      // The harness started the program (inline_many.exe pidfile) and passes its Windows process id.
      const pid = Number(process.env.DBGENG_TEST_ATTACH_PID);
      assert.ok(pid > 0, 'DBGENG_TEST_ATTACH_PID is not set by the harness');
      const started = new Promise<vscode.DebugSession>((resolve) => {
        const d = vscode.debug.onDidStartDebugSession((s) => {
          if (s.type === 'dbgeng') {
            d.dispose();
            resolve(s);
          }
        });
      });
      // A string, as ${command:dbgeng.pickProcess} gives it.
      assert.equal(await vscode.debug.startDebugging(undefined, { type: 'dbgeng', request: 'attach', name: 'attach', processId: String(pid) }), true);
      const session = await started;
      try {
        await waitFor('the attach message', () => (watcher.output.some((o) => o.includes(`Attached to process ${pid}`)) ? true : undefined), 60_000);
        // Paused only once configured: before configurationDone the program is still held by the attach.
        await watcher.configuredDone(session);
        await session.customRequest('pause', { threadId: 0 });
        const stop = await watcher.nextStop(session);
        assert.equal(stop.session.id, session.id);
        const r = (await session.customRequest('stackTrace', { threadId: stop.threadId, startFrame: 0, levels: 20 })) as { stackFrames: { name: string }[] };
        const names = r.stackFrames.map((f) => f.name);
        assert.ok(names.includes('spin_forever'), `no spin_forever frame in ${JSON.stringify(names)}`);
      } finally {
        // Stopping an attach session detaches: the harness checks the program still runs.
        await stopSession(session);
      }
    });

    it('with the Windows Node.js missing, no session starts and the log says what is missing and what to run', async function () {
      if (process.platform === 'win32') this.skip(); // the adapter runs in VS Code's own Node there
      this.timeout(60_000);
      const config = vscode.workspace.getConfiguration('dbgeng');
      const missing = path.join(repoRoot, 'no-such-folder', 'node.exe');
      await config.update('windowsNodePath', missing, vscode.ConfigurationTarget.Global);
      try {
        const api = vscode.extensions.getExtension(EXTENSION_ID)!.exports as { recentLog: readonly string[] };
        // VS Code shows the factory's error in a modal dialog; under test it
        // refuses dialogs and rejects with the dialog's text instead.
        const shown = await vscode.debug.startDebugging(undefined, { type: 'dbgeng', request: 'launch', name: 'no runtime', program: sampleExe })
          .then((ok) => (ok ? 'a session started without its runtime' : ''), (e: Error) => e.message);
        assert.ok(shown.includes(`The Windows Node.js is missing (${missing})`), shown);
        const line = await waitFor('the log line', () => api.recentLog.find((l) => l.includes('the adapter did not start')));
        assert.ok(line.includes(missing), line);
        assert.match(line, /Run "npm run setup"/);
      } finally {
        await config.update('windowsNodePath', undefined, vscode.ConfigurationTarget.Global);
      }
    });
  });
}
