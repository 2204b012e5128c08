import { connect, type Socket } from 'node:net';

/** What a raw exchange saw: the bytes the server answered and whether it closed the connection. */
export interface RawExchange {
  response: string;
  /** The first line of the response (`HTTP/1.1 404 Not Found`), or '' when none came. */
  statusLine: string;
  closed: boolean;
}

/**
 * Writes `chunks` to 127.0.0.1:`port` over plain TCP (each after `gapMs`), then waits until the
 * server closes the connection or `waitMs` passes with the connection still open. Lets tests send
 * what no HTTP client would: malformed targets, oversized headers, slow and partial requests.
 */
export function rawExchange(port: number, chunks: (string | Buffer)[], options: { gapMs?: number; waitMs?: number; endAfterWrite?: boolean } = {}): Promise<RawExchange> {
  const { gapMs = 0, waitMs = 10_000 } = options;
  return new Promise((resolve) => {
    const socket: Socket = connect(port, '127.0.0.1');
    const got: Buffer[] = [];
    let done = false;
    const finish = (closed: boolean) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      const response = Buffer.concat(got).toString('latin1');
      resolve({ response, statusLine: response.split('\r\n', 1)[0] ?? '', closed });
    };
    const timer = setTimeout(() => finish(false), waitMs);
    socket.on('data', (d) => got.push(d));
    socket.on('close', () => finish(true));
    socket.on('error', () => finish(true));
    socket.once('connect', async () => {
      for (const [i, c] of chunks.entries()) {
        if (done || socket.destroyed) return;
        if (i > 0 && gapMs) await new Promise((r) => setTimeout(r, gapMs));
        socket.write(c);
      }
      if (options.endAfterWrite) socket.end();
    });
  });
}

/** A request head in one string (CRLF line ends, blank line at the end). */
export function requestHead(requestLine: string, headers: Record<string, string> = {}): string {
  return [requestLine, ...Object.entries({ Host: 'drbot', ...headers }).map(([k, v]) => `${k}: ${v}`), '', ''].join('\r\n');
}

/** The headers of a WebSocket upgrade request. */
export const UPGRADE_HEADERS = { Connection: 'Upgrade', Upgrade: 'websocket', 'Sec-WebSocket-Version': '13', 'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==' };
