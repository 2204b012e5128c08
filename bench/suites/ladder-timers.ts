import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { resolveActor } from '../../src/app/actor.js';
import { buildRuntime } from '../../src/app/build-runtime.js';
import type { Core } from '../../src/app/core.js';
import { NoAgentPort } from '../../src/agentlink/agent-port.js';
import { realSleep, type Clock } from '../../src/clock/clock.js';
import { ScaledClock } from '../../src/clock/scaled-clock.js';
import { loadConfig } from '../../src/config/load-config.js';
import { IncidentService } from '../../src/incident/incident-service.js';
import { TIMER } from '../../src/incident/timer-kinds.js';
import { ConsolePageSender } from '../../src/notify/console-page-sender.js';
import type { PageRequest } from '../../src/notify/pager.js';
import { Scheduler } from '../../src/scheduler/scheduler.js';
import { SqliteStore } from '../../src/store/sqlite-store.js';
import { percentile, type BenchRow, type BenchSuite } from '../bench-suite.js';

const INCIDENTS = 10_000;
const OVERDUE = 1_000;
/**
 * Virtual time runs 30× faster: the 20 virtual minutes over which the incidents open pass in 40 s of
 * wall time, so level-0 timers come due at 250 a second, and with them a page-at-open timer for every
 * incident whose type pages a role at open (Type 3 pages IT support: 50 more a second)
 * (drbot at 10,000 open incidents sees about 3 a second).
 */
const SCALE = 30;
const WINDOW_MS = 20 * 60_000;
const MIN = 60_000;
/** 2026-11-24 10:00 KST, a Tuesday, so working-hours contacts are paged. */
const T0 = Date.UTC(2026, 10, 24, 1, 0);

/** A clock the bench sets by hand (opening incidents at chosen times, freezing time for the catch-up run). */
class SetClock implements Clock {
  constructor(public at: number) {}
  now(): number {
    return this.at;
  }
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return realSleep(ms, signal);
  }
}

/** One page as it went out: to whom, for which incident, level and role. */
interface SentPage {
  incidentId: string;
  level: number;
  role: string;
  person: string;
}

/** The console sender (the same work per page) that also remembers every page it sent, to count sends per person. */
class RecordingPageSender extends ConsolePageSender {
  readonly sent: SentPage[] = [];
  constructor() {
    super(() => undefined);
  }
  override async send(request: PageRequest): Promise<void> {
    this.sent.push({ incidentId: request.incident.id, level: request.level, role: request.role, person: request.contact.name });
    await super.send(request);
  }
}

/** `incident|level|person`: a page drbot sends at most once. */
const pageKey = (incidentId: string, level: number, person: string) => `${incidentId}|${level}|${person}`;

/** Samples the resident set size until stopped; returns the peak in bytes. */
function rssSampler(): () => number {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
  return () => {
    clearInterval(timer);
    return Math.max(peak, process.memoryUsage().rss);
  };
}

async function openSpread(core: Core, setup: SetClock): Promise<void> {
  const actor = resolveActor(core.contacts, 'console', 'Kim DevOps');
  const types = core.pack.types;
  for (let start = 0; start < INCIDENTS; start += 500) {
    await core.store.writeTransaction(async (tx) => {
      const service = new IncidentService({ ...core, store: tx, clock: setup });
      for (let i = start; i < Math.min(INCIDENTS, start + 500); i++) {
        setup.at = T0 + Math.floor((i * WINDOW_MS) / INCIDENTS);
        await service.open({ type: types[i % types.length]!, scope: 'partial', note: `bench ${i}`, actor });
      }
    });
  }
}

/**
 * 10,000 open incidents with ladders in a SQLite file, opened over 20 virtual minutes (30× time):
 * how late each timer that pages at open fires (ladder level 0, and IT support for Type 3), that each
 * paged exactly one person and nobody was paged twice, the peak RSS, and how long a restarted scheduler takes to catch
 * up on 1,000 overdue timers.
 */
export const ladderTimers: BenchSuite = {
  name: 'ladder-timers',
  description: `${INCIDENTS.toLocaleString('en')} open incidents with ladders (SQLite file, WAL); level-0 and page-at-open timers firing at ${SCALE}× time, then a restart with ${OVERDUE.toLocaleString('en')} overdue timers`,
  async run(): Promise<BenchRow[]> {
    const peakRss = rssSampler();
    const dataDir = mkdtempSync(join(tmpdir(), 'drbot-bench-ladder-'));
    const config = loadConfig({ ...process.env, DATA_DIR: dataDir, DRBOT_LANG: 'en' });
    const log = pino({ level: 'silent' });
    const setup = new SetClock(T0);
    const core = await buildRuntime(config, log, { clock: setup, agents: new NoAgentPort() });
    const sender = new RecordingPageSender();
    core.chat.register(sender);

    const setupStarted = performance.now();
    await openSpread(core, setup);
    const setupMs = performance.now() - setupStarted;

    // Run: virtual time starts at T0 now and runs 30× faster; every incident's level 0 (and page at open) comes due in turn.
    const realStart = Date.now();
    const running = new ScaledClock(SCALE, T0, () => T0 + (Date.now() - realStart));
    const scheduler = new Scheduler({ ...core, clock: running }, { handlers: core.timerHandlers, owner: 'bench-1' });
    scheduler.start();
    await realSleep(WINDOW_MS / SCALE + 1_000);
    await scheduler.stop(Date.now() + 10_000);
    // The timers that page as an incident opens: its ladder's level 0 and one per role its type pages at
    // open (Type 3: IT support, recorded at level 0 beside the ladder's page; see openingTimers).
    const ladder0Role = core.pack.ladder.find((r) => r.level === 0)!.role;
    const openPageTimers = new Map(
      (await core.store.tableRows('timers')).filter((t) => t.kind === TIMER.ladder(0) || TIMER.isPageAtOpen(t.kind)).map((t) => [`${t.incident_id}|${t.kind}`, Number(t.due_at)]),
    );
    const ladder0Timers = [...openPageTimers.keys()].filter((k) => k.endsWith(`|${TIMER.ladder(0)}`)).length;
    // Which timer each level-0 page answered: the ladder's when it went to the level-0 role, else the page-at-open of its role.
    const pagedBy = new Map<string, string>();
    const timerPages = new Map<string, number>();
    for (const p of sender.sent.filter((s) => s.level === 0)) {
      const timer = `${p.incidentId}|${p.role === ladder0Role ? TIMER.ladder(0) : TIMER.pageAtOpen(p.role)}`;
      if (!openPageTimers.has(timer)) throw new Error(`a level-0 page to ${p.person} (${p.role}) for ${p.incidentId} answers no timer of its incident`);
      pagedBy.set(pageKey(p.incidentId, 0, p.person), timer);
      timerPages.set(timer, (timerPages.get(timer) ?? 0) + 1);
    }
    const level0 = (await core.store.tableRows('deliveries')).filter((d) => d.level === 0);
    const lateness = level0.map((r) => (Number(r.at) - openPageTimers.get(pagedBy.get(pageKey(r.incident_id, 0, r.person)) ?? '')!) / SCALE);
    const incidentsPaged = new Set(level0.filter((d) => pagedBy.get(pageKey(d.incident_id, 0, d.person))?.endsWith(`|${TIMER.ladder(0)}`)).map((d) => d.incident_id)).size;
    const notSent = level0.filter((d) => d.status !== 'sent').length;
    const timersNotPagedOnce = [...openPageTimers.keys()].filter((k) => timerPages.get(k) !== 1);
    await core.store.close();

    // Restart: a new store connection and scheduler, with time frozen where 1,000 timers are overdue
    // (ladder-1 and quiet of the first 500 incidents, both due 30 min after their open).
    const restartAt = T0 + 30 * MIN + Math.floor(((OVERDUE / 2) * WINDOW_MS) / INCIDENTS) - 1;
    const store = await SqliteStore.open(join(dataDir, 'drbot.sqlite'));
    const overdue = await store.timers.due(restartAt, OVERDUE * 2);
    const frozen = new SetClock(restartAt);
    const restarted = new Scheduler({ ...core, store, clock: frozen }, { handlers: core.timerHandlers, owner: 'bench-2', batch: 200 });
    const catchUpStarted = performance.now();
    restarted.start();
    await restarted.whenIdle();
    const catchUpMs = performance.now() - catchUpStarted;
    await restarted.stop(Date.now() + 10_000);
    const left = await store.timers.due(restartAt, 10);
    await store.close();
    const rss = peakRss();
    rmSync(dataDir, { recursive: true, force: true });

    // Nobody is paged twice for one incident and level, across the run and the restart: counted from the pages sent, not the table's unique key.
    const sends = new Map<string, number>();
    for (const p of sender.sent) sends.set(pageKey(p.incidentId, p.level, p.person), (sends.get(pageKey(p.incidentId, p.level, p.person)) ?? 0) + 1);
    const twice = [...sends].filter(([, n]) => n > 1);
    if (twice.length) throw new Error(`${twice.length} pages were sent more than once (incident|level|person × sends): ${twice.slice(0, 5).map(([k, n]) => `${k} × ${n}`).join(', ')}`);
    if (ladder0Timers !== INCIDENTS) throw new Error(`expected ${INCIDENTS} ladder-0 timers, found ${ladder0Timers}`);
    if (incidentsPaged !== INCIDENTS) throw new Error(`expected ${INCIDENTS} incidents paged at level 0 by their ladder, found ${incidentsPaged}`);
    if (timersNotPagedOnce.length) throw new Error(`${timersNotPagedOnce.length} of ${openPageTimers.size} level-0 and page-at-open timers did not page exactly one person (e.g. ${timersNotPagedOnce.slice(0, 3).join(', ')})`);
    if (level0.length !== openPageTimers.size || notSent) throw new Error(`expected ${openPageTimers.size} level-0 deliveries, all sent; found ${level0.length}, ${notSent} not sent`);
    if (overdue.length !== OVERDUE) throw new Error(`expected ${OVERDUE} overdue timers at restart, found ${overdue.length}`);
    if (left.length) throw new Error(`${left.length} overdue timers were left after the catch-up`);
    const p99 = percentile(lateness, 99);
    return [
      { metric: `open ${INCIDENTS.toLocaleString('en')} incidents (setup, 8 timers each, 9 for Type 3)`, value: setupMs, unit: 'ms' },
      { metric: 'timer firing lateness p50 (wall clock)', value: percentile(lateness, 50), unit: 'ms' },
      { metric: 'timer firing lateness p99 (wall clock)', value: p99, unit: 'ms', goal: '< 1000', pass: p99 < 1000 },
      { metric: 'timer firing lateness max (wall clock)', value: Math.max(...lateness), unit: 'ms' },
      { metric: 'incidents paged at level 0 by their ladder', value: incidentsPaged, unit: 'incidents' },
      { metric: 'pages at open (ladder level 0 + page-at-open roles)', value: level0.length, unit: 'pages' },
      { metric: 'pages sent', value: sender.sent.length, unit: 'pages' },
      { metric: 'peak RSS', value: rss / 1024 / 1024, unit: 'MB', goal: '< 300', pass: rss < 300 * 1024 * 1024 },
      { metric: `catch-up after restart, ${OVERDUE.toLocaleString('en')} overdue timers`, value: catchUpMs, unit: 'ms', goal: '< 5000', pass: catchUpMs < 5000 },
    ];
  },
};
