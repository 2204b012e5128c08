import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from '../logging/create-logger.js';

/** Handles an HTTP upgrade request on one exact path (the agent WebSocket). */
export type UpgradeHandler = (req: IncomingMessage, socket: Duplex, head: Buffer) => void;

/**
 * The path of a request target without its query, or undefined when the target is not an
 * origin-form path (`/…`). No URL parsing: `new URL('//', base)` and friends throw.
 */
export function requestPath(target: string | undefined): string | undefined {
  if (!target || target[0] !== '/') return undefined;
  const end = target.search(/[?#]/);
  return end === -1 ? target : target.slice(0, end);
}

/** Answers an upgrade with a status line and destroys the socket at once (nothing waits on a client that stays). */
export function refuseUpgrade(socket: Duplex, status: string): void {
  if (socket.writable) socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  socket.destroy();
}

/**
 * Routes an upgrade request to the handler of its exact path. Any other path, a malformed target,
 * and a handler that throws end in a refused, destroyed socket; nothing thrown here reaches the
 * server's `upgrade` event (an exception there ends the process).
 */
export function routeUpgrade(routes: ReadonlyMap<string, UpgradeHandler>, req: IncomingMessage, socket: Duplex, head: Buffer, log: Logger): void {
  socket.on('error', () => socket.destroy());
  try {
    const path = requestPath(req.url);
    const handler = path === undefined ? undefined : routes.get(path);
    if (!handler) {
      log.debug({ remote: req.socket.remoteAddress }, 'upgrade request to an unknown path refused');
      refuseUpgrade(socket, path === undefined ? '400 Bad Request' : '404 Not Found');
      return;
    }
    handler(req, socket, head);
  } catch (err) {
    log.warn({ err, remote: req.socket.remoteAddress }, 'upgrade request failed; connection closed');
    refuseUpgrade(socket, '400 Bad Request');
  }
}
