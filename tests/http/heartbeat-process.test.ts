import { afterEach, describe, expect, it } from '@jest/globals';
import { rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { aDrbotHome, DrbotProcess } from '../cli/drbot-process.js';
import { freePort } from '../e2e/support/free-port.js';

const cleanups: (() => void | Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const INTERVAL_MS = 500;
const TOKEN = 'push-token-7f3a9c0e1b';

/** A push monitor's receiving end: records each beat; `status` is what it answers. */
async function startPushMonitor() {
  const beats: { at: number; method: string; path: string; body: string }[] = [];
  const monitor = { beats, status: 200, url: '', close: async () => {} };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      beats.push({ at: Date.now(), method: req.method ?? '', path: req.url ?? '', body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(monitor.status, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  monitor.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/push/${TOKEN}?status=up`;
  monitor.close = () =>
    new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    });
  return monitor;
}

async function until(what: string, check: () => boolean | Promise<boolean>, limitMs = 30_000): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('drbot heartbeat (real process)', () => {
  it('reaches the push monitor every interval while drbot runs, survives the monitor failing, shows its last success on /healthz, and stops when drbot stops', async () => {
    const [monitor, port] = await Promise.all([startPushMonitor(), freePort()]);
    cleanups.push(() => monitor.close());
    const { home, dataDir, configPath } = aDrbotHome(['heartbeat:', `  intervalSeconds: ${INTERVAL_MS / 1000}`, '  method: POST']);
    cleanups.push(() => rmSync(home, { recursive: true, force: true }));
    const drbot = new DrbotProcess([], { DATA_DIR: dataDir, DRBOT_CONFIG: configPath, PORT: String(port), DRBOT_LANG: 'en', LOG_LEVEL: 'info', DRBOT_HEARTBEAT_URL: monitor.url });
    cleanups.push(() => void drbot.child.kill('SIGKILL'));
    await drbot.waitFor(/drbot ready/);
    const healthz = async () => (await (await fetch(`http://127.0.0.1:${port}/healthz`)).json()) as { status: string; checks: Record<string, { ok: boolean; detail: string; lastSuccessAt: string | null }> };

    await until('four beats', () => monitor.beats.length >= 4);
    const first = monitor.beats.slice(0, 4);
    expect(first.every((b) => b.method === 'POST' && b.path === `/api/push/${TOKEN}?status=up`)).toBe(true);
    expect(JSON.parse(first[0]!.body)).toEqual({ status: 'ok', at: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/) });
    const ok = await healthz();
    expect(ok.status).toBe('ok');
    expect(ok.checks.heartbeat).toMatchObject({ ok: true, critical: false, lastSuccessAt: expect.stringMatching(/^\d{4}-/) });
    expect(Date.parse(ok.checks.heartbeat!.lastSuccessAt!)).toBeGreaterThanOrEqual(first[0]!.at - 1000);

    // the monitor fails: drbot stays up, says so once in its log and on /healthz (degraded, not unhealthy), keeps trying
    monitor.status = 503;
    const failedFrom = monitor.beats.length;
    await until('/healthz to show the failure', async () => (await healthz()).checks.heartbeat!.ok === false);
    const degraded = await healthz();
    expect(degraded.status).toBe('degraded');
    expect(degraded.checks.heartbeat!.detail).toContain('last attempt failed: 127.0.0.1');
    expect(degraded.checks.heartbeat!.detail).toContain('answered HTTP 503');
    await until('beats to go on while failing', () => monitor.beats.length >= failedFrom + 3);
    monitor.status = 200;
    await until('/healthz to show success again', async () => (await healthz()).checks.heartbeat!.ok === true);
    expect(drbot.stderr.split('\n').filter((l) => l.includes('heartbeat not delivered'))).toHaveLength(1);

    // drbot stops: so do the beats
    expect(await drbot.signal('SIGTERM')).toEqual({ code: 0, signal: null });
    const atStop = monitor.beats.length;
    await new Promise((r) => setTimeout(r, 4 * INTERVAL_MS));
    expect(monitor.beats.length).toBe(atStop);
    // the push URL's token never reaches the log
    expect(drbot.stderr).not.toContain(TOKEN);
  }, 90_000);

  it('refuses a heartbeat URL that is not http(s), saying what to set', async () => {
    const { home, dataDir, configPath } = aDrbotHome();
    cleanups.push(() => rmSync(home, { recursive: true, force: true }));
    const drbot = new DrbotProcess([], { DATA_DIR: dataDir, DRBOT_CONFIG: configPath, PORT: String(await freePort()), DRBOT_HEARTBEAT_URL: 'ftp://monitor/push' });
    expect((await drbot.exited).code).not.toBe(0);
    expect(drbot.stderr).toContain('DRBOT_HEARTBEAT_URL (or heartbeat.url) must be an http:// or https:// URL');
  }, 30_000);
});
