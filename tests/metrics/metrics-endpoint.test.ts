import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, afterEach, describe, expect, it } from '@jest/globals';
import { startDrbot, type RunningDrbot } from '../../src/app/start-drbot.js';
import { VirtualClock } from '../../src/clock/virtual-clock.js';
import type { TimelineEntry } from '../../src/incident/incident.js';
import type { Store } from '../../src/store/store.js';
import { aDrbotHome } from '../cli/drbot-process.js';
import { storeBackends } from '../store/store-backends.js';
import { ScriptedAgentPort } from '../support/fake-agent-port.js';
import { TUESDAY_10_KST } from '../support/test-runtime.js';
import { parsePrometheusText, sampleValue } from './parse-prometheus-text.js';

const MIN = 60_000;

describe.each(storeBackends())('/metrics and /healthz on $name', (backend) => {
  const { home, configPath } = aDrbotHome();
  let drbot: RunningDrbot | undefined;
  let store: Store;
  afterEach(async () => {
    await drbot?.stop(1000);
    drbot = undefined;
  });
  afterAll(async () => {
    await backend.dispose();
    rmSync(home, { recursive: true, force: true });
  });

  async function start(agents = new ScriptedAgentPort()) {
    store = await backend.open();
    const clock = new VirtualClock(TUESDAY_10_KST);
    drbot = await startDrbot({
      env: { DRBOT_CONFIG: configPath, DATA_DIR: mkdtempSync(join(tmpdir(), 'drbot-metrics-')), PORT: '0', DRBOT_LANG: 'en', LOG_LEVEL: 'silent' },
      console: true,
      output: new PassThrough(),
      clock,
      store,
      agents,
    });
    const base = `http://127.0.0.1:${drbot.port}`;
    const pages: TimelineEntry[] = [];
    drbot.app.runtime.events.onTimeline((e) => {
      if (e.kind === 'page') pages.push(e);
    });
    return { drbot, clock, base, pages, kim: drbot.console!.currentActor };
  }

  async function scrape(base: string) {
    const res = await fetch(`${base}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    return parsePrometheusText(await res.text());
  }

  async function until(cond: () => boolean, what: string) {
    const limit = Date.now() + 30_000;
    while (!cond()) {
      if (Date.now() > limit) throw new Error(`gave up waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  it('serves valid Prometheus text with open incidents, pages, timer lateness, command latency, agent round trips and the outbox', async () => {
    const { drbot, clock, base, pages, kim } = await start();
    const { router } = drbot.app;
    const open4 = await router.dispatch('/incident open type4 full containers down', kim);
    const id = open4.incidentId!;
    await router.dispatch('/incident open type2 partial db slow', kim);
    await router.dispatch('/incident open type2 full db down', kim);
    await router.dispatch('/incident bogus', kim);
    await router.dispatch(`/incident diag ${id}`, kim);
    await until(() => pages.filter((p) => p.data?.level === 0).length >= 3, 'the level-0 pages of three incidents');
    // Level 1 comes due 30 minutes later, for each of the three incidents.
    await clock.advance(31 * MIN);
    await until(() => new Set(pages.filter((p) => p.data?.level === 1).map((p) => p.incidentId)).size === 3, 'the level-1 pages of three incidents');
    // A timer that came due ten minutes ago (as after downtime) is fired late, and the histogram shows it.
    await store.timers.schedule(id, 'quiet', clock.now() - 10 * MIN);
    await router.dispatch(`/incident note ${id} still looking`, kim);
    for (const limit = Date.now() + 30_000; ; ) {
      const late = await scrape(base);
      if ((sampleValue(late, 'drbot_timer_lateness_seconds_bucket', { le: '300' }) ?? 0) < (sampleValue(late, 'drbot_timer_lateness_seconds_count') ?? 0)) break;
      if (Date.now() > limit) throw new Error('the late timer never showed in drbot_timer_lateness_seconds');
      await new Promise((r) => setTimeout(r, 5));
    }
    const rateLimited = (await store.outbox.enqueue({ platform: 'slack', kind: 'post', payload: {} }, clock.now()))!;
    await store.outbox.failed(rateLimited, 'rate limited', clock.now());

    const m = await scrape(base);
    expect(sampleValue(m, 'drbot_open_incidents', { type: '4' })).toBe(1);
    expect(sampleValue(m, 'drbot_open_incidents', { type: '2' })).toBe(2);
    expect(sampleValue(m, 'drbot_open_incidents', { type: '1' })).toBe(0);
    expect(sampleValue(m, 'drbot_store_up')).toBe(1);
    const level0 = pages.filter((p) => p.data?.level === 0 && p.data?.ok !== false).length;
    expect(sampleValue(m, 'drbot_pages_total', { level: '0', channel: 'console', outcome: 'sent' })).toBe(level0);
    expect(sampleValue(m, 'drbot_pages_total', { level: '1', channel: 'console', outcome: 'sent' })).toBeGreaterThanOrEqual(1);
    expect(sampleValue(m, 'drbot_timer_lateness_seconds_count')).toBeGreaterThanOrEqual(7);
    expect(sampleValue(m, 'drbot_timer_lateness_seconds_bucket', { le: '900' })).toBe(sampleValue(m, 'drbot_timer_lateness_seconds_count'));
    expect(sampleValue(m, 'drbot_timer_lateness_seconds_sum')).toBeGreaterThanOrEqual(600);
    expect(sampleValue(m, 'drbot_command_duration_seconds_count', { verb: 'open', outcome: 'ok' })).toBe(3);
    expect(sampleValue(m, 'drbot_command_duration_seconds_count', { verb: 'invalid', outcome: 'refused' })).toBe(1);
    expect(sampleValue(m, 'drbot_agent_round_trip_seconds_count', { action: 'containers', status: 'ok' })).toBeGreaterThanOrEqual(1);
    expect(sampleValue(m, 'drbot_agents_connected', { host: 'routing-ml' })).toBe(1);
    expect(sampleValue(m, 'drbot_outbox_depth', { platform: 'slack' })).toBe(1);
    expect(m.get('drbot_process_cpu_user_seconds_total')?.type).toBe('counter');

    await router.dispatch(`/incident resolve ${id} restarted`, kim);
    expect(sampleValue(await scrape(base), 'drbot_open_incidents', { type: '4' })).toBe(0);
  }, 60_000);

  it('/healthz is healthy, degraded while an agent is offline or a platform stops taking deliveries, and 503 once the store is unreachable', async () => {
    const agents = new ScriptedAgentPort();
    const { base, clock } = await start(agents);
    let res = await fetch(`${base}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      status: 'ok',
      checks: {
        store: { ok: true, critical: true },
        agents: { ok: true, critical: false, detail: '1 connected' },
        'platform-links': { ok: true, critical: false, detail: 'no delivery waiting' },
      },
    });

    agents.online = false;
    res = await fetch(`${base}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'degraded', checks: { agents: { ok: false, detail: 'offline: routing-ml' } } });
    agents.online = true;

    // A delivery Slack has not taken for a while: the link is down, drbot itself is fine.
    const queued = clock.now();
    const failing = (await store.outbox.enqueue({ platform: 'slack', kind: 'dm', payload: {} }, queued))!;
    await store.outbox.failed(failing, 'http 500', queued);
    res = await fetch(`${base}/healthz`);
    expect(await res.json()).toMatchObject({ status: 'ok', checks: { 'platform-links': { ok: true, detail: 'slack: 1 waiting, oldest 0 min' } } });
    await clock.advance(6 * MIN);
    res = await fetch(`${base}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'degraded', checks: { 'platform-links': { ok: false, detail: 'slack: 1 waiting, oldest 6 min' } } });

    await store.close();
    res = await fetch(`${base}/healthz`);
    expect(res.status).toBe(503);
    const body = (await res.json()) as { status: string; checks: { store: { ok: boolean; detail: string } } };
    expect(body.status).toBe('unhealthy');
    expect(body.checks.store.ok).toBe(false);
    expect(body.checks.store.detail).toEqual(expect.any(String));
    // /metrics keeps answering and says the store is down.
    expect(sampleValue(await scrape(base), 'drbot_store_up')).toBe(0);
  }, 30_000);
});
