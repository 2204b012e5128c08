import { describe, expect, it } from '@jest/globals';
import { addSecretValues, scrubSecrets, scrubText } from '../../src/logging/scrub-secrets.js';

/** One text per credential shape, in the spellings the shapes' quick pre-checks must not miss. */
const SHAPED: [string, string][] = [
  ['key:\n-----BEGIN RSA PRIVATE KEY-----\nMIIEow\n-----END RSA PRIVATE KEY-----\nend', 'key:\n-----BEGIN RSA PRIVATE KEY----- [redacted] -----END RSA PRIVATE KEY-----\nend'],
  ['cut: -----BEGIN PRIVATE KEY-----\nMIIEow', 'cut: -----BEGIN PRIVATE KEY----- [redacted] -----END PRIVATE KEY-----'],
  ['HTTPS://Admin:Hunter2-x@db.example/prod', 'HTTPS://Admin:[redacted]@db.example/prod'],
  ['bot xoxb-1111-2222-abcdef and app xapp-1-A0-123456', 'bot [redacted] and app [redacted]'],
  ['id AKIAABCDEFGHIJKLMNOP here', 'id [redacted] here'],
  ['gh ghp_abcdefghijklmnopqrstuvwxyz0123456789', 'gh [redacted]'],
  ['jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTYifQ.c2lnbmF0dXJlLXg', 'jwt [redacted]'],
  ['Authorization: Bearer abcdefgh12345678', 'Authorization: Bearer [redacted]'],
  ['PASSWORD=hunter22 PgPassWd: x1y2z3 DB_PWD=abc123', 'PASSWORD=[redacted] PgPassWd: [redacted] DB_PWD=[redacted]'],
  ['{"client_Secret": "s3cr3t", "API-KEY":\'k-1\', "Credentials" : "v1"}', '{"client_Secret": "[redacted]", "API-KEY":\'[redacted]\', "Credentials" : "[redacted]"}'],
  ['access_key = AK1 private-key=PK2 auth_TOKEN:tk3', 'access_key = [redacted] private-key=[redacted] auth_TOKEN:[redacted]'],
];

describe('scrubSecrets', () => {
  it('masks every credential shape, whatever the case of a secret name', () => {
    const scrub = scrubSecrets([]);
    for (const [text, masked] of SHAPED) expect(scrub(text)).toBe(masked);
  });

  it('leaves text without any shape as it is', () => {
    const scrub = scrubSecrets([]);
    for (const text of ['Step 3: restart the backend (ask the author first)', 'key = value; token count 5', 'see https://drbot.example/web', 'x'.repeat(600)]) expect(scrub(text)).toBe(text);
  });
});

describe('scrubText (the process-wide scrubber)', () => {
  it('masks a text it saw clean before once that text carries a secret value added since', () => {
    const text = 'the routing key is R0UT1NGKEY123456 today';
    expect(scrubText(text)).toBe(text);
    expect(scrubText(text)).toBe(text);
    addSecretValues(['R0UT1NGKEY123456']);
    expect(scrubText(text)).toBe('the routing key is [redacted] today');
  });

  it('masks the same shaped text every time it is asked', () => {
    for (let i = 0; i < 3; i++) for (const [text, masked] of SHAPED) expect(scrubText(text)).toBe(masked);
  });
});
