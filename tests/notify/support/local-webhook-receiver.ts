import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One POST as the receiver saw it, and whether its signature checked out. */
export interface ReceivedHook {
  headers: IncomingHttpHeaders;
  body: string;
  json: Record<string, unknown>;
  signatureValid: boolean;
}

/**
 * A local webhook receiver, written the way an SMS gateway or on-call bridge would check drbot's
 * pages: HMAC-SHA256 of the raw body with the shared secret, compared in constant time. Bad
 * signatures get 401; `answer` can make it fail (e.g. 503) or hang, per request.
 */
export interface LocalWebhookReceiver {
  url: string;
  received: ReceivedHook[];
  answer: (hook: ReceivedHook) => number | 'hang';
  close(): Promise<void>;
}

/** Starts the receiver on a free port. */
export async function startLocalWebhookReceiver(secret: string): Promise<LocalWebhookReceiver> {
  const receiver: LocalWebhookReceiver = {
    url: '',
    received: [],
    answer: () => 202,
    close: async () => {},
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const expected = Buffer.from('sha256=' + createHmac('sha256', secret).update(raw).digest('hex'));
      const given = Buffer.from(String(req.headers['x-drbot-signature'] ?? ''));
      const signatureValid = expected.length === given.length && timingSafeEqual(expected, given);
      const body = raw.toString('utf8');
      const hook: ReceivedHook = { headers: req.headers, body, json: JSON.parse(body) as Record<string, unknown>, signatureValid };
      receiver.received.push(hook);
      if (!signatureValid) return void res.writeHead(401).end('bad signature');
      const status = receiver.answer(hook);
      if (status === 'hang') return; // never answers; the client must give up on its own
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ status: status < 300 ? 'accepted' : 'error' }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  receiver.url = `http://127.0.0.1:${port}/hooks/page`;
  receiver.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return receiver;
}
