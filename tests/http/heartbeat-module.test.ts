import { afterEach, describe, expect, it } from '@jest/globals';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import type { AppContext } from '../../src/app/drbot-module.js';
import { HeartbeatModule } from '../../src/http/heartbeat-module.js';
import { HttpServer } from '../../src/http/http-server.js';

const cleanups: (() => void | Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function until(what: string, check: () => boolean | Promise<boolean>, limitMs = 20_000): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('HeartbeatModule', () => {
  it('beats only while /healthz would answer 200: an unhealthy drbot (store down) is silent, and beats resume when it recovers', async () => {
    let beats = 0;
    const monitor = createServer((req, res) => {
      req.resume();
      beats++;
      res.end('ok');
    });
    await new Promise<void>((r) => monitor.listen(0, '127.0.0.1', r));
    cleanups.push(() => new Promise<void>((r) => monitor.close(() => r())));
    const http = new HttpServer(pino({ level: 'silent' }));
    let storeUp = true;
    http.addHealthCheck({ name: 'store', check: async () => ({ ok: storeUp }) });
    const heartbeat = new HeartbeatModule();
    const url = `http://127.0.0.1:${(monitor.address() as AddressInfo).port}/ping`;
    await heartbeat.start({ http, runtime: { log: pino({ level: 'silent' }) }, config: { heartbeat: { url, intervalSeconds: 0.2, method: 'GET' } } } as unknown as AppContext);
    cleanups.push(() => heartbeat.stop());
    await heartbeat.ready();
    const check = async () => (await http.health()).checks.heartbeat!;

    await until('two beats', () => beats >= 2);
    storeUp = false;
    // A beat can also fail by itself on a loaded machine (its answer is awaited one interval); the subject here is the skip.
    await until('a skipped beat', async () => (await check()).detail?.includes('skipped: drbot is unhealthy (store)') === true);
    const skippedAt = (await check()).lastFailureAt;
    const atFailure = beats;
    expect((await check()).detail).toContain('skipped: drbot is unhealthy (store)');
    // two more skips later, still no beat
    await until('another skipped beat', async () => (await check()).lastFailureAt !== skippedAt);
    const second = (await check()).lastFailureAt;
    await until('a third skipped beat', async () => (await check()).lastFailureAt !== second);
    expect(beats).toBe(atFailure);

    storeUp = true;
    await until('beats again', () => beats > atFailure);
    await until('/healthz to show the success', async () => (await check()).ok);
    expect((await check()).lastSuccessAt).toEqual(expect.stringMatching(/^\d{4}-/));
  });
});
