import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readdirSync, rmSync } from 'node:fs';
import fc from 'fast-check';
import { sha256Hex } from '../../src/agentlink/agent-hub.js';
import { aDrbotHome, DrbotProcess } from '../cli/drbot-process.js';
import { freePort } from '../e2e/support/free-port.js';
import { FakeSlackApi } from '../adapters/slack/support/fake-slack-api.js';
import { rawExchange, requestHead, UPGRADE_HEADERS, type RawExchange } from '../support/raw-http.js';

/**
 * Issue 12, "done when": the real drbot process (dist, with Slack, Teams, the web view, /metrics
 * and the agent link all on its one HTTP server) takes ≥ 10,000 generated requests — odd upgrade
 * paths, huge and malformed headers, invalid JSON, wrong content types — plus slow and silent
 * clients, stays up, answers every one with a 4xx (or 2xx where the request was fine) or a closed
 * socket, never a 5xx, and its open file descriptors come back to where they were.
 */
const REQUESTS = 10_000;
const CONCURRENCY = 48;
const SEED = Number(process.env.FUZZ_SEED ?? 20261129);

const ROUTES = ['/healthz', '/metrics', '/slack/events', '/api/messages', '/web', '/web/', '/web/incidents', '/web/live', '/web/stats', '/web/agents', '/web/sign-in?t=x', '/agent', '/', '//', '/\\', '//@', '//@/agent', '/agent/', '/%', '/web/%E0%A4%A', '/api/messages?x=%zz', '*', 'http://x/agent', '/..%2f..%2fetc/passwd'];
const METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'HEAD', 'PATCH', 'TRACE', 'BREW', 'get', 'G\u0000T'];
const CONTENT_TYPES = ['application/json', 'application/json; charset=utf-16', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/xml', '*/*', '', 'application/json\u0000', ';;;'];

const printable = fc.string({ unit: fc.constantFrom(...'abcXYZ019-_./%?&=:;@!$\'()*+,~ "<>[]{}|\\^`'.split('')), maxLength: 60 });
const anyText = fc.string({ unit: 'binary', maxLength: 200 });

const target = fc.oneof(
  { weight: 5, arbitrary: fc.constantFrom(...ROUTES) },
  { weight: 3, arbitrary: fc.tuple(fc.constantFrom(...ROUTES), printable).map(([r, s]) => r + s) },
  { weight: 1, arbitrary: anyText.map((s) => `/${s}`) },
  { weight: 1, arbitrary: fc.integer({ min: 2_000, max: 20_000 }).map((n): Lazy => ({ prefix: '/web/', repeat: 'a', times: n })) },
);

/** A long text described by its length, built only when its request is sent (10,000 requests' worth of them would not fit in memory). */
type Lazy = string | { prefix?: string; repeat: string; times: number; suffix?: string };
const text = (v: Lazy): string => (typeof v === 'string' ? v : `${v.prefix ?? ''}${v.repeat.repeat(v.times)}${v.suffix ?? ''}`);

const header = fc.oneof(
  fc.tuple(fc.constantFrom('Content-Type'), fc.constantFrom(...CONTENT_TYPES)),
  fc.tuple(fc.constantFrom('Authorization'), fc.constantFrom<Lazy>('Bearer x', 'Bearer ', 'Basic Og==', { prefix: 'Bearer ', repeat: 'z', times: 3000 })),
  fc.tuple(fc.constantFrom('X-Drbot-Agent-Id'), fc.constantFrom<Lazy>('routing-ml', 'web-1', '', { repeat: 'a', times: 500 })),
  fc.tuple(fc.constantFrom('X-Slack-Signature', 'X-Slack-Request-Timestamp'), fc.constantFrom('v0=abc', '0', '-1', '9'.repeat(40), 'v0=')),
  fc.tuple(fc.constantFrom('Transfer-Encoding'), fc.constantFrom('chunked', 'gzip', 'identity', 'chunked, chunked')),
  fc.tuple(fc.constantFrom('Cookie'), fc.constantFrom<Lazy>('drbot_session=x', { prefix: 'drbot_session=', repeat: 'a', times: 2000 }, '=;=;=')),
  fc.tuple(printable.filter((s) => s.length > 0), printable),
  fc.tuple(anyText, anyText),
  fc.tuple(fc.constantFrom('X-Huge'), fc.integer({ min: 8_000, max: 40_000 }).map((n): Lazy => ({ repeat: 'h', times: n }))),
);

const body = fc.oneof(
  { weight: 3, arbitrary: fc.constant<Lazy>('') },
  { weight: 3, arbitrary: fc.json({ maxDepth: 4 }).map((j): Lazy => j) },
  { weight: 3, arbitrary: fc.constantFrom<Lazy>('{"a":', '[[[[', '{"type":"message","channelId":"msteams"}', '{"type":"message","channelId":"msteams","serviceUrl":"https://attacker.example/"}', 'null', '"x"', '[]', 'token=x&command=%2Fincident&text=open') },
  { weight: 1, arbitrary: fc.integer({ min: 1_000, max: 200_000 }).map((n): Lazy => ({ prefix: '['.repeat(n), repeat: ']', times: n })) },
  { weight: 1, arbitrary: fc.integer({ min: 600_000, max: 700_000 }).map((n): Lazy => ({ prefix: '{"text":"', repeat: 'x', times: n, suffix: '"}' })) },
  { weight: 3, arbitrary: anyText.map((t): Lazy => t) },
);

/** One generated request as raw bytes: never announces more body than it sends (slow bodies are tested apart). */
const rawRequest = fc
  .record({
    method: fc.oneof({ weight: 9, arbitrary: fc.constantFrom(...METHODS) }, { weight: 1, arbitrary: printable }),
    target,
    version: fc.constantFrom('HTTP/1.1', 'HTTP/1.1', 'HTTP/1.1', 'HTTP/1.0', 'HTTP/2.0', 'HTTP/1.1x', ''),
    headers: fc.array(header, { maxLength: 6 }),
    upgrade: fc.boolean(),
    body,
    chunked: fc.boolean(),
    eol: fc.constantFrom('\r\n', '\r\n', '\r\n', '\n'),
    shortLength: fc.nat({ max: 5 }),
  })
  .map((r) => () => {
    const bytes = Buffer.from(text(r.body), 'utf8');
    const lines = [`${r.method} ${text(r.target)} ${r.version}`.trimEnd(), 'Host: drbot', 'Connection: close'];
    if (r.upgrade) for (const [k, v] of Object.entries(UPGRADE_HEADERS)) if (k !== 'Connection') lines.push(`${k}: ${v}`);
    for (const [k, v] of r.headers) lines.push(`${k}: ${text(v)}`);
    let payload: Buffer = bytes;
    if (r.chunked && bytes.length) {
      lines.push('Transfer-Encoding: chunked');
      payload = Buffer.concat([Buffer.from(`${bytes.length.toString(16)}\r\n`), bytes, Buffer.from('\r\n0\r\n\r\n')]);
    } else if (bytes.length) lines.push(`Content-Length: ${Math.max(0, bytes.length - r.shortLength)}`);
    return Buffer.concat([Buffer.from(lines.join(r.eol) + r.eol + r.eol, 'latin1'), payload]);
  });

let slack: FakeSlackApi;
let drbot: DrbotProcess;
let port: number;
let home: string;

function openFds(pid: number): number {
  return readdirSync(`/proc/${pid}/fd`).length;
}

async function until(cond: () => boolean | Promise<boolean>, limitMs: number, what: string): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!(await cond())) {
    if (drbot.child.exitCode !== null || drbot.child.signalCode !== null) throw new Error(`drbot exited while waiting for ${what}:\n${drbot.stderr.slice(-3000)}`);
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function healthy(): Promise<boolean> {
  const r = await rawExchange(port, [requestHead('GET /healthz HTTP/1.1', { Connection: 'close' })], { waitMs: 10_000 });
  return r.statusLine.startsWith('HTTP/1.1 200');
}

/** The fd count once it has stayed the same for a second (keep-alive sockets to the fake Slack API come and go). */
async function steadyFds(): Promise<number> {
  let last = openFds(drbot.child.pid!);
  for (let same = 0; same < 10; ) {
    await new Promise((r) => setTimeout(r, 100));
    const now = openFds(drbot.child.pid!);
    same = now === last ? same + 1 : 0;
    last = now;
  }
  return last;
}

beforeAll(async () => {
  slack = await new FakeSlackApi().start();
  port = await freePort();
  const made = aDrbotHome(['agents:', `  - { id: routing-ml, tokenSha256: ${sha256Hex('fuzz-agent-token-0123456789abcdef')} }`, 'web:', '  enabled: true']);
  home = made.home;
  drbot = new DrbotProcess([], {
    DATA_DIR: made.dataDir,
    DRBOT_CONFIG: made.configPath,
    PORT: String(port),
    DRBOT_LISTEN_HOST: '127.0.0.1',
    DRBOT_LANG: 'en',
    LOG_LEVEL: 'error',
    SLACK_BOT_TOKEN: 'xoxb-fuzz-token',
    SLACK_SIGNING_SECRET: 'fuzz-signing-secret-0123456789',
    SLACK_API_URL: slack.apiUrl,
    DRBOT_TEAMS_INSECURE: '1',
    DRBOT_WEB_SECRET: 'fuzz-web-secret-0123456789abcdef0123456789',
  });
  await until(() => healthy().catch(() => false), 60_000, 'drbot to serve /healthz');
}, 90_000);

afterAll(async () => {
  if (drbot && drbot.child.exitCode === null) await drbot.signal('SIGTERM');
  await slack?.stop();
  if (home) rmSync(home, { recursive: true, force: true });
});

describe('the real drbot HTTP server under fuzzing (issue 12, done-when)', () => {
  it(`stays up through ${REQUESTS} generated requests plus slow and silent clients, never answers 5xx, and its file descriptors return to the baseline`, async () => {
    // every route once, so whatever a route opens lazily is open before the baseline
    for (const path of ['/healthz', '/metrics', '/web', '/api/messages', '/slack/events']) await rawExchange(port, [requestHead(`GET ${path} HTTP/1.1`, { Connection: 'close' })]);
    const pid = drbot.child.pid!;
    const baseline = await steadyFds();
    const requests = fc.sample(rawRequest, { numRuns: REQUESTS, seed: SEED });

    // clients that never finish: the server must cut them off itself (headers 10 s, whole request 30 s)
    const slowHeaders = Array.from({ length: 8 }, () => rawExchange(port, ['GET /healthz HTTP/1.1\r\n', ...Array.from({ length: 200 }, (_, i) => `X-Slow-${i}: 1\r\n`)], { gapMs: 400, waitMs: 90_000 }));
    const slowBodies = ['/api/messages', '/slack/events', '/web/x'].map((path) =>
      rawExchange(port, [requestHead(`POST ${path} HTTP/1.1`, { 'Content-Type': 'application/json', 'Content-Length': '100000' }), ...Array.from({ length: 200 }, () => '[')], { gapMs: 400, waitMs: 90_000 }),
    );
    const silent = Array.from({ length: 8 }, () => rawExchange(port, [], { waitMs: 90_000 }));
    const openUpgrades = Array.from({ length: 8 }, (_, i) => rawExchange(port, [requestHead(`GET ${['//', '/\\', '//@', '/ws'][i % 4]} HTTP/1.1`, UPGRADE_HEADERS)], { waitMs: 90_000 }));

    const seen = { closedByServer: 0, byStatus: new Map<string, number>(), fiveHundreds: [] as string[] };
    let next = 0;
    const worker = async () => {
      while (next < requests.length) {
        const raw = requests[next++]!();
        const r: RawExchange = await rawExchange(port, [raw], { waitMs: 10_000 });
        if (r.closed) seen.closedByServer++;
        const status = /^HTTP\/1\.[01] (\d{3})/.exec(r.statusLine)?.[1] ?? 'none';
        seen.byStatus.set(status, (seen.byStatus.get(status) ?? 0) + 1);
        if (status.startsWith('5')) seen.fiveHundreds.push(`${status} for ${raw.subarray(0, 200).toString('latin1')}`);
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));

    for (const r of await Promise.all(openUpgrades)) expect(r).toMatchObject({ closed: true, statusLine: expect.stringMatching(/^HTTP\/1\.1 4\d\d /) });
    for (const r of await Promise.all(slowHeaders)) expect(r).toMatchObject({ closed: true, statusLine: 'HTTP/1.1 408 Request Timeout' });
    for (const r of await Promise.all(slowBodies)) expect(r.closed).toBe(true);
    for (const r of await Promise.all(silent)) expect(r.closed).toBe(true);

    process.stdout.write(`fuzz: ${REQUESTS} requests (seed ${SEED}), statuses ${JSON.stringify(Object.fromEntries([...seen.byStatus].sort()))}, closed by drbot ${seen.closedByServer}\n`);
    expect(seen.fiveHundreds.slice(0, 5)).toEqual([]);
    expect(seen.closedByServer).toBe(REQUESTS);
    expect(drbot.child.exitCode).toBeNull();
    expect(await healthy()).toBe(true);
    // nothing the clients opened is still held
    await until(() => openFds(pid) <= baseline, 30_000, `open fds to return to ${baseline} (now ${openFds(pid)})`);
  }, 180_000);
});
