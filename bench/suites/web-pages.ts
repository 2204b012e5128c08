import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import { pino } from 'pino';
import type { ActionResult, AgentPort, AgentPresence } from '../../src/agentlink/agent-port.js';
import { buildRuntime } from '../../src/app/build-runtime.js';
import type { Clock } from '../../src/clock/clock.js';
import { realSleep } from '../../src/clock/clock.js';
import { loadConfig } from '../../src/config/load-config.js';
import type { Incident, StepRunStatus, TimelineEntry } from '../../src/incident/incident.js';
import { formatIncidentId } from '../../src/incident/incident-id.js';
import { SqliteStore } from '../../src/store/sqlite-store.js';
import type { Store } from '../../src/store/store.js';
import { LiveUpdates } from '../../src/web/live-updates.js';
import { coreWebData } from '../../src/web/web-data.js';
import { WebLinkSigner } from '../../src/web/web-link-signer.js';
import { webRoutes } from '../../src/web/web-routes.js';
import { percentile, type BenchRow, type BenchSuite } from '../bench-suite.js';

const HISTORY = 1_000;
const OPEN = 5;
const REQUESTS = 300;
const COLD = 60;
const GOAL_MS = 50;
const MIN = 60_000;
const DAY = 86_400_000;

class StillClock implements Clock {
  constructor(public at: number) {}
  now(): number {
    return this.at;
  }
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return realSleep(ms, signal);
  }
}

class OnlineAgent implements AgentPort {
  presence(host: string): AgentPresence {
    return { host, online: true, lastSeenAt: Date.now() };
  }
  list(): AgentPresence[] {
    return [this.presence('routing-ml')];
  }
  async run(): Promise<ActionResult> {
    return { status: 'ok', summary: 'ok', output: '' };
  }
}

/** A small deterministic random source, so every run seeds the same history. */
function random(seed: number): () => number {
  let s = seed;
  return () => ((s = (s * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648);
}

/**
 * Two years of history: 1,000 incidents of the five types, each with its pages, diagnostics, an
 * approved recovery step or two and the health check after them, notes and checklist ticks; plus
 * a few open ones. Written straight through the repositories (the router would take minutes).
 */
async function seed(store: Store, now: number): Promise<{ resolved: string; open: string }> {
  const rnd = random(42);
  const diagnostics: Record<number, string[]> = { 1: ['check-process', 'tail-backend-log', 'check-port-8000', 'check-health'], 2: ['check-db-file', 'check-db-permissions', 'check-network-share', 'check-health'], 3: ['ping-frontend-host', 'check-routes', 'check-iptables'], 4: ['list-containers', 'predictor-logs', 'frontend-logs', 'check-health'], 5: ['list-mounted-models', 'list-model-dir', 'checksum-model', 'check-health'] };
  const recovery: Record<number, string[]> = { 1: ['restart-predictor', 'restart-backend-local'], 2: ['restore-db-from-yesterday', 'restart-predictor'], 3: ['allow-port-8000', 'allow-port-5173'], 4: ['compose-down', 'rebuild-images'], 5: ['restore-previous-model', 'restart-predictor'] };
  let resolved = '';
  let open = '';
  const total = HISTORY + OPEN;
  await store.writeTransaction(async (tx) => {
    for (let n = 0; n < total; n++) {
      const isOpen = n >= HISTORY;
      const openedAt = isOpen ? now - (n - HISTORY + 1) * 25 * MIN : now - 730 * DAY + Math.floor((n / HISTORY) * 725 * DAY);
      const type = 1 + Math.floor(rnd() * 5);
      const day = new Date(openedAt).toISOString().slice(0, 10).replace(/-/g, '');
      const id = formatIncidentId(day, (n % 900) + 1);
      const minutes = 20 + Math.floor(rnd() * rnd() * 400);
      const incident: Incident = { id, day, seq: (n % 900) + 1, type, scope: 'full', status: isOpen ? 'open' : 'resolved', note: 'bench', host: 'routing-ml', openedBy: 'Kim DevOps', openedAt, level: Math.min(3, Math.floor(minutes / 30)), lastActivityAt: openedAt, assignments: {}, ...(isOpen ? {} : { resolvedAt: openedAt + minutes * MIN, resolvedBy: 'Kim DevOps', cause: 'bench' }) };
      await tx.incidents.insert(incident);
      const entry = (at: number, kind: TimelineEntry['kind'], text: string, data: Record<string, unknown> = {}) => tx.incidents.appendTimeline({ incidentId: id, at, actor: 'drbot', kind, text, data });
      await entry(openedAt, 'opened', `opened Type ${type}`);
      for (const [level, after] of [[0, 0], [1, 30], [2, 60], [3, 120]] as const) {
        if (after > minutes) break;
        await entry(openedAt + after * MIN, 'page', `📟 paged level ${level} via slack`, { level, role: 'devops', person: 'Kim DevOps', ok: true, via: 'slack' });
      }
      for (const [i, stepId] of diagnostics[type]!.entries()) {
        const status: StepRunStatus = rnd() < 0.5 ? 'fail' : rnd() < 0.5 ? 'warn' : 'ok';
        await tx.incidents.insertStepRun({ requestId: `${id}-d${i}`, incidentId: id, stepId, action: 'probe', requestedBy: 'Kim DevOps', startedAt: openedAt + 2 * MIN, finishedAt: openedAt + 2 * MIN + 900, status, summary: 'probe result', output: 'line 1\nline 2' });
      }
      await entry(openedAt + 2 * MIN, 'diagnostics', 'diagnostics: ❌ check-process ⚠️ tail-backend-log');
      const steps = recovery[type]!.slice(0, 1 + Math.floor(rnd() * 2));
      for (const [i, stepId] of steps.entries()) {
        const at = openedAt + Math.floor(((i + 1) / (steps.length + 1)) * minutes * MIN);
        await tx.incidents.insertApproval({ id: `${id}-a${i}`, incidentId: id, stepId, firstBy: 'Kim DevOps', firstAt: at - MIN, needsTwo: false, expiresAt: at + 15 * MIN, status: 'used' });
        await tx.incidents.insertStepRun({ requestId: `${id}-r${i}`, incidentId: id, stepId, approvalId: `${id}-a${i}`, action: 'restart', requestedBy: 'Kim DevOps', startedAt: at, finishedAt: at + 40_000, status: i === steps.length - 1 ? 'ok' : 'fail', summary: 'done', output: '' });
        await tx.incidents.insertStepRun({ requestId: `${id}-h${i}`, incidentId: id, stepId: 'check-health', action: 'http_health', requestedBy: 'Kim DevOps', startedAt: at + 41_000, finishedAt: at + 42_000, status: i === steps.length - 1 ? 'ok' : 'fail', summary: '', output: '' });
        await entry(at - MIN, 'approval', `approved ${stepId}`);
        await entry(at + 40_000, 'step', `✅ ${stepId}: done`, { step: stepId, status: 'ok', request: `${id}-r${i}` });
      }
      for (let k = 0; k < 8; k++) await entry(openedAt + (k + 1) * 3 * MIN, 'note', `observation ${k}: predictor log checked`);
      await tx.incidents.tickMany(id, ['record-time', 'identify-type', 'impact-scope', 'log-snapshot', 'cause-identified', 'method-chosen', 'recovery-executed', 'health-check-passed'], 'Kim DevOps', openedAt + 5 * MIN);
      if (!isOpen) await entry(incident.resolvedAt!, 'status', 'resolved');
      if (n === HISTORY - 1) resolved = id;
      if (n === HISTORY) open = id;
    }
  });
  return { resolved, open };
}

async function timeRequests(url: string, cookie: string, count: number, before?: () => void): Promise<number[]> {
  const ms: number[] = [];
  for (let i = 0; i < count; i++) {
    before?.();
    const t0 = performance.now();
    const res = await fetch(url, { headers: { cookie } });
    await res.arrayBuffer();
    ms.push(performance.now() - t0);
    if (res.status !== 200) throw new Error(`${url} answered ${res.status}`);
  }
  return ms;
}

/** The web view with 1,000 incidents of history: each page's server time (request to last byte) over local HTTP. */
export const webPages: BenchSuite = {
  name: 'web-pages',
  description: `web view pages over HTTP with ${HISTORY} incidents of history (+${OPEN} open), ${REQUESTS} requests each after warm-up; stats also cold (cache dropped before each request)`,
  async run(): Promise<BenchRow[]> {
    const dir = mkdtempSync(join(tmpdir(), 'drbot-bench-web-'));
    const now = Date.UTC(2026, 10, 24, 1, 0);
    const store = await SqliteStore.open(join(dir, 'drbot.sqlite'));
    const ids = await seed(store, now);
    const config = loadConfig({ ...process.env, DATA_DIR: dir, DRBOT_LANG: 'en' });
    const core = await buildRuntime(config, pino({ level: 'silent' }), { clock: new StillClock(now), agents: new OnlineAgent(), store, metrics: false });
    const history = core.history;
    const signer = new WebLinkSigner('bench-web-secret-0123456789abcdef0123456789');
    const live = new LiveUpdates();
    const app = express();
    app.use('/web', webRoutes({ data: coreWebData(core), access: { contact: (n) => core.contacts.byName(n), contacts: () => core.contacts.all(), signer }, live, lang: 'en', timeZone: core.timeZone, pack: core.pack, now: () => now, secureCookie: false, secrets: [], log: core.log }));
    const server = createServer(app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/web`;
    const cookie = `drbot_web=${signer.sessionToken('Kim DevOps')}`;
    const rows: BenchRow[] = [];
    try {
      const pages: [string, string, number, (() => void) | undefined][] = [
        ['list (open + recent + agents)', `${base}/`, REQUESTS, undefined],
        ['incident page, resolved', `${base}/incidents/${ids.resolved}`, REQUESTS, undefined],
        ['incident page, open (with history hint)', `${base}/incidents/${ids.open}`, REQUESTS, undefined],
        ['stats', `${base}/stats`, REQUESTS, undefined],
        ['stats, cold (history re-read every time)', `${base}/stats`, COLD, () => history.invalidate()],
        ['timeline.svg', `${base}/incidents/${ids.resolved}/timeline.svg`, REQUESTS, undefined],
      ];
      for (const [name, url, count, before] of pages) {
        await timeRequests(url, cookie, 20, before);
        const ms = await timeRequests(url, cookie, count, before);
        const p99 = percentile(ms, 99);
        rows.push({ metric: `${name}, p50`, value: percentile(ms, 50), unit: 'ms' }, { metric: `${name}, p99`, value: p99, unit: 'ms', goal: `< ${GOAL_MS}`, pass: p99 < GOAL_MS });
      }
      const png = await timeRequests(`${base}/incidents/${ids.resolved}/timeline.png`, cookie, 10);
      rows.push({ metric: 'timeline.png (resvg, 2×), p50', value: percentile(png, 50), unit: 'ms' });
    } finally {
      live.close();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await core.store.close();
      rmSync(dir, { recursive: true, force: true });
    }
    return rows;
  },
};
