import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local HTTP server whose every answer is a huge body: 64 kB chunks until the client goes away or
 * `limitBytes` (32 MB) went out, so a client that reads it all costs a test some memory, never the machine's.
 */
export interface EndlessBodyServer {
  url: string;
  /** Resolves when a client has hung up on a response (it stopped reading). */
  clientHungUp: Promise<void>;
  /** Bytes written into responses so far. */
  bytesSent(): number;
  /** True when a response went out whole: its client read all of it. */
  finished(): boolean;
  close(): Promise<void>;
}

/** Starts the server on a free port, answering `status` with `content-type` JSON. */
export async function startEndlessBodyServer(status = 200, limitBytes = 32 * 1024 * 1024): Promise<EndlessBodyServer> {
  let sent = 0;
  let whole = false;
  let hungUp!: () => void;
  const clientHungUp = new Promise<void>((r) => (hungUp = r));
  const chunk = Buffer.from('['.repeat(64 * 1024));
  const server: Server = createServer((_req, res) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    let open = true;
    res.on('close', () => {
      open = false;
      hungUp();
    });
    let mine = 0;
    const pump = () => {
      while (open && mine < limitBytes) {
        mine += chunk.length;
        sent += chunk.length;
        if (!res.write(chunk)) return void res.once('drain', pump);
      }
      if (open) res.end(() => (whole = true));
    };
    pump();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/health`,
    clientHungUp,
    bytesSent: () => sent,
    finished: () => whole,
    close: async () => {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}
