import type { IncomingMessage } from 'node:http';
import type { Contact } from '../contacts/contact-schema.js';
import type { WebLinkSigner, WebTokenProblem } from './web-link-signer.js';

/** The session cookie's name. */
export const SESSION_COOKIE = 'drbot_web';

/** Who may look: the contact list, a signer for links and sessions, and (only when configured) the proxy's user header. */
export interface WebAccessOptions {
  contact(name: string): Contact | undefined;
  /** Every contact, to match a proxy's user name by email. */
  contacts(): readonly Contact[];
  signer?: WebLinkSigner;
  /** Header set by the company's authenticating proxy naming the user (contact name or email); trusted only when set here. */
  trustedHeader?: string;
}

/** Who a request comes from, or why it may not look. */
export type WebVisitor = { ok: true; contact: Contact; via: 'proxy' | 'session' } | { ok: false; reason: 'signed-out' | 'not-a-contact' | WebTokenProblem };

/** Decides who a request is from: the trusted proxy header first (when configured), then the session cookie. */
export function webVisitor(req: IncomingMessage, access: WebAccessOptions): WebVisitor {
  if (access.trustedHeader) {
    const raw = req.headers[access.trustedHeader.toLowerCase()];
    const name = (Array.isArray(raw) ? raw[0] : raw)?.trim();
    if (name) {
      const contact = proxyContact(name, access);
      return contact ? { ok: true, contact, via: 'proxy' } : { ok: false, reason: 'not-a-contact' };
    }
  }
  const token = cookie(req.headers.cookie, SESSION_COOKIE);
  if (!token || !access.signer) return { ok: false, reason: 'signed-out' };
  const check = access.signer.checkSession(token);
  if (!check.ok) return { ok: false, reason: check.problem };
  const contact = access.contact(check.user);
  return contact ? { ok: true, contact, via: 'session' } : { ok: false, reason: 'not-a-contact' };
}

/** A contact named by the proxy: by name, or by email (case-insensitive). */
function proxyContact(value: string, access: WebAccessOptions): Contact | undefined {
  if (value.length > 256) return undefined;
  const byName = access.contact(value);
  if (byName) return byName;
  const email = value.toLowerCase();
  return access.contacts().find((c) => c.email?.toLowerCase() === email);
}

/** One cookie's value from a Cookie header (the first of that name), or undefined. */
export function cookie(header: string | undefined, name: string): string | undefined {
  if (!header || header.length > 8192) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/** The Set-Cookie value of a session: HttpOnly, SameSite=Strict, only under /web, Secure over TLS. */
export function sessionCookie(value: string, maxAgeMs: number, secure: boolean): string {
  return `${SESSION_COOKIE}=${value}; Path=/web; Max-Age=${Math.max(0, Math.floor(maxAgeMs / 1000))}; HttpOnly; SameSite=Strict${secure ? '; Secure' : ''}`;
}
