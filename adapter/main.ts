/**
 * The adapter's entry point.
 *   --server=PORT  serve DAP on 127.0.0.1:PORT (the only way under Wine,
 *                  where Windows Node cannot use Unix pipes for stdio); the
 *                  process ends when its client disconnects.
 *   (no flag)      serve one session on stdin/stdout (VS Code on Windows).
 * Only loopback is ever listened on.
 */
import { exitAdapter } from './exit';
import { serve } from './server';
import { pruneSymbolPath } from './symbolPath';
import { DbgengSession } from './session';

// A bug in one handler must not take the debuggee's session down with it:
// every handler already answers its own failures; anything that still
// escapes is logged (to the adapter's log file) and the adapter goes on.
process.on('unhandledRejection', (reason) => {
  console.error(`Unhandled rejection: ${(reason as Error)?.stack ?? String(reason)}`);
});

pruneSymbolPath();

const serverArg = process.argv.find((a) => a.startsWith('--server='));
if (serverArg) {
  const port = Number(serverArg.slice('--server='.length));
  if (!Number.isInteger(port) || port <= 0 || port > 65535) {
    console.error(`--server needs a port number from 1 to 65535, not "${serverArg}".`);
    process.exit(2);
  }
  serve(port);
} else {
  const session = new DbgengSession();
  session.start(process.stdin, process.stdout);
  process.stdin.on('close', () => void session.disposeEngine().then(exitAdapter));
}
