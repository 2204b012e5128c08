import { describe, expect, it } from '@jest/globals';
import { WEB_LINK_TTL_MS, WebLinkSigner } from '../../src/web/web-link-signer.js';

const SECRET = 'test-secret-0123456789abcdef0123456789';

describe('WebLinkSigner', () => {
  it('a link names the contact and is good for 12 hours, not a millisecond longer', () => {
    let now = 1_000_000;
    const signer = new WebLinkSigner(SECRET, () => now);
    const token = signer.linkToken('Kim DevOps');
    expect(signer.checkLink(token)).toEqual({ ok: true, user: 'Kim DevOps', expiresAt: 1_000_000 + WEB_LINK_TTL_MS });
    now += WEB_LINK_TTL_MS - 1;
    expect(signer.checkLink(token).ok).toBe(true);
    now += 1;
    expect(signer.checkLink(token)).toEqual({ ok: false, problem: 'expired' });
  });

  it('refuses a tampered payload, a tampered signature, another secret, and a session used as a link', () => {
    const signer = new WebLinkSigner(SECRET);
    const token = signer.linkToken('Kim DevOps');
    const [v, payload, mac] = token.split('.') as [string, string, string];
    const forged = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload, 'base64url').toString()), u: 'Park CTO' })).toString('base64url');
    expect(signer.checkLink(`${v}.${forged}.${mac}`)).toEqual({ ok: false, problem: 'tampered' });
    const flipped = mac.slice(0, -2) + (mac.at(-2) === 'A' ? 'B' : 'A') + mac.at(-1);
    expect(signer.checkLink(`${v}.${payload}.${flipped}`)).toEqual({ ok: false, problem: 'tampered' });
    expect(new WebLinkSigner(`${SECRET}-other`).checkLink(token)).toEqual({ ok: false, problem: 'tampered' });
    expect(signer.checkLink(signer.sessionToken('Kim DevOps'))).toEqual({ ok: false, problem: 'malformed' });
    expect(signer.checkSession(token)).toEqual({ ok: false, problem: 'malformed' });
  });

  it('refuses garbage without throwing', () => {
    const signer = new WebLinkSigner(SECRET);
    for (const bad of ['', 'v1', 'v1..', 'v2.a.b', 'v1.a.b.c', 'v1.!!.b', 'x'.repeat(5000), 'v1.e30.' + 'A'.repeat(43)]) {
      const check = signer.checkLink(bad);
      expect(check.ok).toBe(false);
    }
  });

  it('two links for the same person differ (a nonce), and a short secret is refused at start', () => {
    const signer = new WebLinkSigner(SECRET);
    expect(signer.linkToken('Kim DevOps')).not.toBe(signer.linkToken('Kim DevOps'));
    expect(() => new WebLinkSigner('short')).toThrow('at least 32 characters');
  });
});
