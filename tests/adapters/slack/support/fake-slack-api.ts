import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

/** One recorded call: the Web API method (or `response_url`, `upload`), its arguments and when it came. */
export interface RecordedCall {
  method: string;
  args: Record<string, unknown>;
  at: number;
  /** The HTTP status the fake answered with. */
  status: number;
  /** The request path (tells one response_url from another). */
  path?: string;
}

type Failure = { status: number; retryAfter?: number; times: number };

/**
 * A local server that speaks enough of the Slack Web API for drbot (conversations, chat, files
 * upload v2, auth.test, apps.connections.open), takes `response_url` posts and file uploads, and
 * serves the Socket Mode WebSocket. It records every call; tests script failures.
 */
export class FakeSlackApi {
  readonly calls: RecordedCall[] = [];
  /** While true every Web API call answers 500 (Slack down). */
  down = false;
  /** Platform errors to answer with, by method (`{ ok: false, error }`). */
  readonly refusals = new Map<string, string>();
  private readonly failures = new Map<string, Failure>();
  private server!: Server;
  private wss?: WebSocketServer;
  private socket?: WebSocket;
  private readonly acks = new Map<string, (payload: unknown) => void>();
  private seq = 0;
  private channels = 0;
  private connected?: () => void;
  url = '';

  /** Starts listening on a free loopback port. */
  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      void this.handle(req).then(({ status, body, headers }) => {
        res.writeHead(status, { 'content-type': 'application/json', ...headers });
        res.end(JSON.stringify(body));
      });
    });
    this.wss = new WebSocketServer({ server: this.server, path: '/socket' });
    this.wss.on('connection', (ws) => {
      this.socket = ws;
      ws.on('message', (data) => {
        const msg = JSON.parse(String(data)) as { envelope_id?: string; payload?: unknown };
        if (!msg.envelope_id) return;
        if (msg.payload !== undefined) this.recordAck(msg.payload);
        this.acks.get(msg.envelope_id)?.(msg.payload ?? {});
      });
      ws.send(JSON.stringify({ type: 'hello', num_connections: 1, debug_info: { host: 'fake', approximate_connection_time: 3600 }, connection_info: { app_id: 'AFAKE' } }));
      this.connected?.();
    });
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  /** Base URL for SLACK_API_URL. */
  get apiUrl(): string {
    return `${this.url}/api/`;
  }

  /** A response_url for one slash command or click. */
  responseUrl(id: string): string {
    return `${this.url}/response/${id}`;
  }

  /** Answers the next `times` calls of a method with an HTTP status (and Retry-After seconds for 429). */
  fail(method: string, status: number, options: { retryAfter?: number; times?: number } = {}): void {
    this.failures.set(method, { status, retryAfter: options.retryAfter, times: options.times ?? 1 });
  }

  /**
   * Notes a slash command's ack that carried a message (Slack shows it as the command's answer):
   * the harness's HTTP posts and Socket Mode envelopes report theirs here.
   */
  recordAck(args: unknown): void {
    if (args && typeof args === 'object' && 'text' in args) this.calls.push({ method: 'ack', args: args as Record<string, unknown>, at: Date.now(), status: 200, path: '/ack' });
  }

  /** Answers to the person who typed a command or clicked, in order, wherever they reached Slack: in the command's ack or at a response_url. */
  answers(): RecordedCall[] {
    return this.calls.filter((c) => (c.method === 'ack' || c.method === 'response_url') && c.status === 200);
  }

  /** Calls of one method, in order. */
  callsOf(method: string): RecordedCall[] {
    return this.calls.filter((c) => c.method === method && c.status === 200);
  }

  /** Resolves once a Socket Mode client is connected. */
  whenConnected(): Promise<void> {
    if (this.socket) return Promise.resolve();
    return new Promise((r) => (this.connected = r));
  }

  /** Sends a Socket Mode envelope; resolves with the client's acknowledgement payload. */
  sendEnvelope(type: 'slash_commands' | 'interactive' | 'events_api', payload: unknown): Promise<unknown> {
    const id = `env-${++this.seq}`;
    const acked = new Promise<unknown>((r) => this.acks.set(id, r));
    this.socket!.send(JSON.stringify({ envelope_id: id, type, payload, accepts_response_payload: type !== 'events_api', retry_attempt: 0, retry_reason: '' }));
    return acked;
  }

  async stop(): Promise<void> {
    for (const c of this.wss?.clients ?? []) c.terminate();
    this.wss?.close();
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }

  private async handle(req: IncomingMessage): Promise<{ status: number; body: unknown; headers?: Record<string, string> }> {
    const raw = await new Promise<string>((resolve) => {
      let data = '';
      req.on('data', (c) => (data += c));
      req.on('end', () => resolve(data));
    });
    const path = (req.url ?? '').split('?')[0]!;
    const args = parseBody(raw, req.headers['content-type'] ?? '');
    const record = (method: string, status: number) => this.calls.push({ method, args, at: Date.now(), status, path });
    if (path.startsWith('/response/')) {
      record('response_url', 200);
      return { status: 200, body: { ok: true } };
    }
    if (path.startsWith('/upload/')) {
      // The file's bytes as sent (tests read what was uploaded), whatever content type the client gave them.
      this.calls.push({ method: 'upload', args: { body: raw }, at: Date.now(), status: 200, path });
      return { status: 200, body: { ok: true } };
    }
    const method = path.replace(/^\/api\//, '');
    if (this.down) {
      record(method, 500);
      return { status: 500, body: { ok: false, error: 'fake_down' } };
    }
    const failure = this.failures.get(method);
    if (failure && failure.times > 0) {
      failure.times--;
      record(method, failure.status);
      return { status: failure.status, body: { ok: false, error: 'ratelimited' }, headers: failure.retryAfter !== undefined ? { 'retry-after': String(failure.retryAfter) } : {} };
    }
    const refusal = this.refusals.get(method);
    if (refusal) {
      record(method, 200);
      return { status: 200, body: { ok: false, error: refusal } };
    }
    record(method, 200);
    return { status: 200, body: this.answer(method, args) };
  }

  private answer(method: string, args: Record<string, unknown>): Record<string, unknown> {
    const n = ++this.seq;
    switch (method) {
      case 'auth.test':
        return { ok: true, url: 'https://fake.slack.com/', team: 'Fake', user: 'drbot', team_id: 'TFAKE', user_id: 'UDRBOT', bot_id: 'BDRBOT' };
      case 'apps.connections.open':
        return { ok: true, url: `${this.url.replace('http', 'ws')}/socket` };
      case 'conversations.create':
        return { ok: true, channel: { id: `CINC${++this.channels}`, name: args.name } };
      case 'chat.postMessage':
        return { ok: true, channel: args.channel, ts: `1790000000.${String(n).padStart(6, '0')}`, message: { text: args.text } };
      case 'chat.update':
        return { ok: true, channel: args.channel, ts: args.ts };
      case 'chat.postEphemeral':
        return { ok: true, message_ts: `1790000000.${String(n).padStart(6, '0')}` };
      case 'files.getUploadURLExternal':
        return { ok: true, upload_url: `${this.url}/upload/F${n}`, file_id: `F${n}` };
      case 'files.completeUploadExternal':
        return { ok: true, files: (JSON.parse(String(args.files ?? '[]')) as { id: string; title?: string }[]).map((f) => ({ id: f.id, title: f.title })) };
      default:
        return { ok: true };
    }
  }
}

function parseBody(raw: string, contentType: string): Record<string, unknown> {
  if (!raw) return {};
  if (contentType.includes('application/json')) return JSON.parse(raw) as Record<string, unknown>;
  if (contentType.includes('application/x-www-form-urlencoded')) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of new URLSearchParams(raw)) out[k] = v;
    return out;
  }
  return { raw: raw.slice(0, 200) };
}
