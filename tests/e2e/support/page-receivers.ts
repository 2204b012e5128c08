import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One POST the webhook receiver took: the parsed JSON body and the signature header. */
export interface ReceivedWebhook {
  body: Record<string, unknown>;
  signature: string;
}

/** A local HTTP receiver standing in for an SMS gateway / on-call service: answers 200 to every POST and keeps its JSON. */
export interface WebhookReceiver {
  url: string;
  received: ReceivedWebhook[];
  close(): Promise<void>;
}

export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const received: ReceivedWebhook[] = [];
  const server: Server = createServer((req, res) => {
    let raw = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (raw += c));
    req.on('end', () => {
      try {
        received.push({ body: JSON.parse(raw) as Record<string, unknown>, signature: String(req.headers['x-drbot-signature'] ?? '') });
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
      } catch {
        res.writeHead(400).end();
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/page`,
    received,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/** Polls `probe` until it returns something truthy; generous by default (a loaded 2-core machine), never a fixed sleep. */
export async function until<T>(what: string, probe: () => Promise<T | undefined | false | null> | T | undefined | false | null, limitMs = 90_000): Promise<T> {
  const deadline = Date.now() + limitMs;
  for (;;) {
    const got = await probe();
    if (got) return got;
    if (Date.now() > deadline) throw new Error(`timed out after ${limitMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
