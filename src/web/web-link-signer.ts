import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** How long a sign-in link and the session it starts are valid. */
export const WEB_LINK_TTL_MS = 12 * 3_600_000;

/** Why a link or session was refused. */
export type WebTokenProblem = 'malformed' | 'tampered' | 'expired';

/** A verified token: who it names and until when it is good. */
export type WebTokenCheck = { ok: true; user: string; expiresAt: number } | { ok: false; problem: WebTokenProblem };

type Kind = 'link' | 'session';
const PREFIX = 'v1';
const MAX_TOKEN = 2048;

/**
 * Signs and checks the web view's sign-in links and session cookies: `v1.<payload>.<mac>`, the
 * payload (who, until when, link or session, a nonce) in base64url and the HMAC-SHA256 of
 * `v1.<payload>` under DRBOT_WEB_SECRET. Stateless, so every replica with the same secret accepts
 * them. Times are wall-clock (a drill's scaled clock must not shorten a link).
 */
export class WebLinkSigner {
  constructor(
    private readonly secret: string,
    private readonly now: () => number = Date.now,
    readonly ttlMs = WEB_LINK_TTL_MS,
  ) {
    if (Buffer.byteLength(secret) < 32) throw new Error('DRBOT_WEB_SECRET must be at least 32 characters (openssl rand -hex 32)');
  }

  /** A sign-in link token for a contact, valid for `ttlMs`. */
  linkToken(user: string): string {
    return this.sign('link', user, this.now() + this.ttlMs);
  }

  /** A session cookie value, valid until `expiresAt`. */
  sessionToken(user: string, expiresAt = this.now() + this.ttlMs): string {
    return this.sign('session', user, expiresAt);
  }

  /** Checks a sign-in link token. */
  checkLink(token: string): WebTokenCheck {
    return this.check('link', token);
  }

  /** Checks a session cookie value. */
  checkSession(token: string): WebTokenCheck {
    return this.check('session', token);
  }

  private sign(kind: Kind, user: string, expiresAt: number): string {
    const payload = Buffer.from(JSON.stringify({ k: kind, u: user, e: expiresAt, n: randomBytes(9).toString('base64url') })).toString('base64url');
    return `${PREFIX}.${payload}.${this.mac(payload)}`;
  }

  private mac(payload: string): string {
    return createHmac('sha256', this.secret).update(`${PREFIX}.${payload}`).digest('base64url');
  }

  private check(kind: Kind, token: string): WebTokenCheck {
    if (typeof token !== 'string' || token.length > MAX_TOKEN) return { ok: false, problem: 'malformed' };
    const parts = token.split('.');
    if (parts.length !== 3 || parts[0] !== PREFIX || !/^[A-Za-z0-9_-]+$/.test(parts[1]!) || !/^[A-Za-z0-9_-]+$/.test(parts[2]!)) return { ok: false, problem: 'malformed' };
    const given = Buffer.from(parts[2]!, 'base64url');
    const expected = Buffer.from(this.mac(parts[1]!), 'base64url');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, problem: 'tampered' };
    let body: { k?: unknown; u?: unknown; e?: unknown };
    try {
      body = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8')) as typeof body;
    } catch {
      return { ok: false, problem: 'malformed' };
    }
    if (body.k !== kind || typeof body.u !== 'string' || typeof body.e !== 'number') return { ok: false, problem: 'malformed' };
    if (this.now() >= body.e) return { ok: false, problem: 'expired' };
    return { ok: true, user: body.u, expiresAt: body.e };
  }
}
