import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Contact } from '../../../src/contacts/contact-schema.js';
import type { ChatPageSender, PageRequest } from '../../../src/notify/pager.js';

/**
 * A Slack DM sender whose Web API is down: it really POSTs `chat.postMessage` to a local server
 * that answers HTTP 500, and throws the way the Slack client does. `hang` makes the API never
 * answer instead (the request is cut only by the abandon signal). It counts every attempt.
 */
export class FailingSlackSender implements ChatPageSender {
  readonly platform = 'slack' as const;
  attempts: string[] = [];
  aborted: string[] = [];

  private constructor(
    private readonly apiUrl: string,
    private readonly close: () => Promise<void>,
  ) {}

  /** Starts the broken local Slack API. */
  static async start(mode: 'http-500' | 'hang' = 'http-500'): Promise<FailingSlackSender> {
    const server = createServer((req, res) => {
      req.resume();
      if (mode === 'hang') return;
      res.writeHead(500, { 'content-type': 'application/json' }).end('{"ok":false,"error":"internal_error"}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    return new FailingSlackSender(`http://127.0.0.1:${port}/api/chat.postMessage`, () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    });
  }

  canReach(contact: Contact): boolean {
    return Boolean(contact.slack);
  }

  async send(request: PageRequest): Promise<void> {
    this.attempts.push(request.contact.name);
    request.signal?.addEventListener('abort', () => this.aborted.push(request.contact.name), { once: true });
    const res = await fetch(this.apiUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ channel: request.contact.slack, text: request.summary }),
      signal: request.signal,
    });
    await res.text();
    if (!res.ok) throw new Error(`An HTTP protocol error occurred: statusCode = ${res.status}`);
  }

  /** Stops the local API. */
  stop(): Promise<void> {
    return this.close();
  }
}
