/**
 * Serving DAP on a loopback port. Only 127.0.0.1 is ever listened on: the
 * adapter runs programs on request, so nothing off this machine may reach
 * it. The process ends once its last client has gone and that client's
 * debuggee has been dealt with (ended, never left suspended).
 */
import net from 'node:net';
import { exitAdapter } from './exit';
import { DbgengSession, type SessionOptions } from './session';

export const LISTEN_HOST = '127.0.0.1';

export function serve(port: number, options: SessionOptions = {}): net.Server {
  let sessions = 0;
  const server = net.createServer((socket) => {
    sessions++;
    socket.setNoDelay(true);
    // A reset connection must not become an uncaught 'error': it is a client gone.
    socket.on('error', () => socket.destroy());
    const session = new DbgengSession(options);
    session.setRunAsServer(true);
    session.start(socket, socket);
    socket.on('close', () => {
      void session.disposeEngine().then((ended) => {
        sessions--;
        if (sessions === 0) {
          server.close();
          exitAdapter(ended);
        }
      });
    });
  });
  server.on('error', (e) => {
    console.error(`Cannot serve on ${LISTEN_HOST}:${port}: ${e.message}`);
    process.exit(1);
  });
  server.listen(port, LISTEN_HOST);
  return server;
}
