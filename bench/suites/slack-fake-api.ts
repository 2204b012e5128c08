import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A loopback stand-in for the Slack Web API and response_url for benchmarks: answers every call `ok`, counts them. */
export class SlackFakeApi {
  calls = 0;
  private server?: Server;
  url = '';

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        this.calls++;
        const body =
          req.url === '/api/auth.test'
            ? { ok: true, user_id: 'UDRBOT', bot_id: 'BDRBOT', team_id: 'TBENCH' }
            : req.url === '/api/chat.postMessage'
              ? { ok: true, channel: 'CBENCH', ts: `${Date.now() / 1000}` }
              : { ok: true };
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      });
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }
}
