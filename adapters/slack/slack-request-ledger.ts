import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { routePath, sendJson } from '../../src/http/http-server.js';
import type { Logger } from '../../src/logging/create-logger.js';
import type { SeenRequestRepository } from '../../src/store/seen-request-repository.js';
import { isStoreUnavailable } from '../../src/store/store-error.js';
import type { Lang } from '../../src/i18n/lang.js';

/** A request the ledger read: its raw body, and `slackSigned` when its signature is valid, fresh and first seen. */
export type LedgerRequest = IncomingMessage & { rawBody?: Buffer; slackSigned?: boolean };

/** Slack refuses to sign-check a request older than this; a replay is refused as long as Bolt would accept it. */
const SIGNATURE_WINDOW_MS = 5 * 60_000;
/** Slack retries an event for up to about an hour (immediately, after 1 min, after 5 min; more with backoff). */
const EVENT_MEMORY_MS = 60 * 60_000;
/** The largest request body Bolt reads (its own default), so the guard reads no more than Bolt would. */
const MAX_BODY_BYTES = 4 * 1024 * 1024;
/** Expired sightings are deleted at most this often. */
const PRUNE_EVERY_MS = 60_000;

/**
 * What Slack has already sent, in the store (so it survives a restart and every replica shares
 * it): Events API deliveries by `event_id` (Slack's retries of one event run it once), and signed
 * HTTP requests by their timestamp and signature (a captured request replayed inside its
 * five-minute window is refused with 401). Uses the wall clock, like Slack's signatures.
 */
export class SlackRequestLedger {
  private prunedAt = 0;

  constructor(
    private readonly seen: SeenRequestRepository,
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
    private readonly lang: Lang = 'en',
  ) {}

  /** True the first time any replica sees this event id; false for Slack's retries of it. */
  async firstEvent(eventId: string): Promise<boolean> {
    const now = this.now();
    void this.prune(now);
    return this.seen.firstSight(`slack-event:${eventId.slice(0, 200)}`, now + EVENT_MEMORY_MS, now);
  }

  /**
   * Reads a request to `/slack/events` (as Bolt would, and hands the body on as `rawBody`), and
   * when its signature is valid records it: a signed request seen before is answered 401 and goes
   * no further; a first one is marked `slackSigned` and goes on to `next`. Unsigned or wrongly
   * signed requests go on unmarked to Bolt, which refuses them, so nothing unverified is written.
   * Served ahead of express (HttpServer.direct); `middleware` covers what reaches express.
   */
  async take(signingSecret: string, req: LedgerRequest, res: ServerResponse, next: () => void): Promise<void> {
    const body = await readBody(req);
    if (body === 'gone') return;
    if (body === 'too large') {
      res.writeHead(413).end();
      return;
    }
    req.rawBody = body;
    const timestamp = header(req, 'x-slack-request-timestamp');
    const signature = header(req, 'x-slack-signature');
    if (!timestamp || !signature || !validSignature(signingSecret, timestamp, body, signature)) return next();
    const now = this.now();
    const signedAt = Number(timestamp) * 1000;
    if (!Number.isFinite(signedAt) || signedAt < now - SIGNATURE_WINDOW_MS) return next(); // Bolt refuses it as too old
    void this.prune(now);
    let first: boolean;
    try {
      first = await this.seen.firstSight(`slack-request:${timestamp}:${signature}`, Math.max(signedAt, now) + SIGNATURE_WINDOW_MS, now);
    } catch (err) {
      if (!isStoreUnavailable(err)) throw err;
      this.storeDown(body, res, err);
      return;
    }
    if (first) {
      req.slackSigned = true;
      return next();
    }
    this.log.warn({ signedAt: new Date(signedAt).toISOString() }, 'replayed Slack request refused: this timestamp and signature were already taken');
    res.writeHead(401).end();
  }

  /**
   * The same check as express middleware, for a request to `path` that reaches express without
   * having been taken ahead of it: whatever way a request gets to Bolt, the ledger has seen it.
   */
  middleware(signingSecret: string, path = '/slack/events'): RequestHandler {
    const wanted = routePath(path);
    return (req: Request, res: Response, next: NextFunction) => {
      if (req.method !== 'POST' || (req as LedgerRequest).rawBody !== undefined || routePath(req.path) !== wanted) return next();
      void this.take(signingSecret, req, res, next).catch(next);
    };
  }

  /**
   * The store does not answer (PostgreSQL failing over or unreachable), so the request cannot be
   * recorded and nothing was done: a slash command is told so (its 200 body is shown to the person
   * who typed it); anything else gets 503, so Slack retries an event later (it may reach a replica
   * whose store answers, and is de-duplicated there).
   */
  private storeDown(body: Buffer, res: ServerResponse, err: unknown): void {
    this.log.warn({ err: (err as Error).message }, 'Slack request not taken: the store does not answer');
    const form = new URLSearchParams(body.toString('utf8'));
    if (form.has('command') && !form.has('payload')) {
      const text =
        this.lang === 'ko'
          ? '저장소(데이터베이스)가 지금 응답하지 않습니다. 아무것도 바뀌지 않았습니다. drbot이 다시 연결을 시도하니 잠시 후 다시 실행하세요.'
          : 'The store (database) does not answer right now; nothing was changed. drbot keeps retrying the connection: run the command again in a moment.';
      sendJson(res, 200, { response_type: 'ephemeral', text });
      return;
    }
    res.writeHead(503, { 'retry-after': '5' }).end();
  }

  private async prune(now: number): Promise<void> {
    if (now - this.prunedAt < PRUNE_EVERY_MS) return;
    this.prunedAt = now;
    await this.seen.prune(now).catch((err: unknown) => this.log.warn({ err }, 'could not prune the Slack request ledger'));
  }
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return typeof v === 'string' && v.length <= 200 ? v : undefined;
}

/** Slack's v0 signature: HMAC-SHA256 over `v0:<timestamp>:<body>` with the signing secret. */
function validSignature(secret: string, timestamp: string, body: Buffer, signature: string): boolean {
  const expected = `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:`).update(body).digest('hex')}`;
  const a = Buffer.from(expected);
  const b = Buffer.from(signature);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The whole body; 'too large' as soon as it is larger than Bolt would read (the rest is drained); 'gone' when the client left first. */
function readBody(req: IncomingMessage): Promise<Buffer | 'too large' | 'gone'> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) {
        chunks.push(chunk);
        return;
      }
      req.off('data', onData);
      req.resume();
      resolve('too large');
    };
    req.on('data', onData);
    req.once('end', () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)));
    req.once('error', () => resolve('gone'));
    req.once('close', () => {
      if (!req.complete) resolve('gone');
    });
  });
}
