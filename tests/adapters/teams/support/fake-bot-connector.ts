import type { Server } from 'node:http';
import express from 'express';

/** One call drbot made to the Bot Connector. */
export interface ConnectorCall {
  method: 'POST' | 'PUT';
  conversationId: string;
  /** The activity replied to (POST …/activities/<id>) or updated (PUT …/activities/<id>); absent for a new message. */
  activityId?: string;
  body: Record<string, unknown> & { attachments?: { contentType: string; content: Record<string, unknown> }[]; text?: string; replyToId?: string };
  /** The id the fake answered with (for new messages and replies). */
  answeredId?: string;
}

/**
 * A local stand-in for the Bot Connector service (`serviceUrl`): records every send, reply and
 * update drbot makes, answering with new message ids like the real service.
 */
export class FakeBotConnector {
  readonly calls: ConnectorCall[] = [];
  private readonly waiters: { match: (c: ConnectorCall) => boolean; resolve: (c: ConnectorCall) => void }[] = [];
  private server?: Server;
  private seq = 0;
  url = '';

  async start(): Promise<void> {
    const app = express();
    app.use(express.json({ limit: '2mb' }));
    app.post('/v3/conversations/:conv/activities', (req, res) => {
      const id = `msg-${++this.seq}`;
      this.record({ method: 'POST', conversationId: req.params.conv, body: req.body, answeredId: id });
      res.status(201).json({ id });
    });
    app.post('/v3/conversations/:conv/activities/:id', (req, res) => {
      const id = `msg-${++this.seq}`;
      this.record({ method: 'POST', conversationId: req.params.conv, activityId: req.params.id, body: req.body, answeredId: id });
      res.status(201).json({ id });
    });
    app.put('/v3/conversations/:conv/activities/:id', (req, res) => {
      this.record({ method: 'PUT', conversationId: req.params.conv, activityId: req.params.id, body: req.body });
      res.status(200).json({ id: req.params.id });
    });
    app.use((req, res) => {
      res.status(404).json({ error: { code: 'NotFound', message: `${req.method} ${req.path} is not faked` } });
    });
    await new Promise<void>((resolve) => {
      this.server = app.listen(0, '127.0.0.1', () => resolve());
    });
    const addr = this.server!.address();
    this.url = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}/`;
  }

  /** Resolves with the first call (already made or still to come) that matches. */
  waitFor(match: (c: ConnectorCall) => boolean): Promise<ConnectorCall> {
    const seen = this.calls.find(match);
    return seen ? Promise.resolve(seen) : new Promise((resolve) => this.waiters.push({ match, resolve }));
  }

  private record(call: ConnectorCall): void {
    this.calls.push(call);
    for (const w of this.waiters.filter((w) => w.match(call))) {
      this.waiters.splice(this.waiters.indexOf(w), 1);
      w.resolve(call);
    }
  }

  /** Every Adaptive Card drbot sent or updated. */
  cards(): Record<string, unknown>[] {
    return this.calls.flatMap((c) => (c.body.attachments ?? []).filter((a) => a.contentType === 'application/vnd.microsoft.card.adaptive').map((a) => a.content));
  }

  async close(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }
}
