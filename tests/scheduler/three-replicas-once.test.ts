import { afterAll, describe, expect, it } from '@jest/globals';
import { armCheckTimers } from '../../src/scheduler/check-timer.js';
import { sharedDatabases, SchedulingReplicas } from '../support/shared-database.js';

/**
 * Issue 13 "exactly once across replicas": three drbot runtimes on one database, each with its own
 * connection (pool) and scheduler, on one clock. Ladder pages, RTO alarms, quiet reminders and the
 * weekly and monthly checks each happen once, whichever replica claims them.
 */

const MIN = 60_000;
/** Monday 2026-11-30 09:00 KST: the weekly check is due in an hour, the monthly one (Dec 1 10:00) in 25. */
const MONDAY_9_KST = Date.UTC(2026, 10, 30, 0, 0);

const databases = sharedDatabases({
  sqlite: 'SQLite file (three connections)',
  postgres: 'PostgreSQL (three pools)',
  schemaPrefix: 'drbot_three',
  failFast: true,
  notRun: '[store suite] three replicas on one PostgreSQL schema NOT RUN in scheduler/three-replicas-once.test.ts',
});

describe.each(databases)('three replicas on one $name database', (db) => {
  const replicas = new SchedulingReplicas(db);
  afterAll(async () => {
    await replicas.stopAll();
    await db.dispose();
  });

  /**
   * One clock for all three: the timer handlers read it too (a replica's own stuck clock would rearm
   * a check to the slot it just ran). A lease longer than the test's jumps: virtual time leaping past
   * a live claim would (rightly) have another replica retake it and record its page `unknown`; this
   * test is about claims, not crashes.
   */
  const replica = () => replicas.start({ now: MONDAY_9_KST, scheduler: { maxSleepMs: 30 * MIN, batch: 5, leaseMs: 48 * 60 * MIN }, stopWithinMs: 5_000 });

  it('page, alarm, remind and run the scheduled checks once each', async () => {
    const a = await replica();
    const b = await replica();
    const c = await replica();
    const all = [a, b, c];
    // every replica arms the recurring checks as it starts, at the same moment
    await Promise.all(all.map((r) => armCheckTimers(r.core, r.core.store)));
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) {
      const r = all[i % 3]!;
      ids.push((await r.core.incidents.open({ type: r.core.pack.types[i]!, scope: 'full', note: `n${i}`, actor: r.core.as('Kim DevOps') })).incident.id);
    }
    for (const r of all) r.scheduler.start();
    const step = async (ms: number) => {
      await a.core.clock.advance(ms);
      // one replica's page can wake another (its own events only wake itself, but its rows are due for all)
      for (let i = 0; i < 2; i++) await Promise.all(all.map((r) => r.scheduler.whenIdle()));
    };
    // nine hours in ten-minute steps: every rung, the three RTO alarms, many quiet reminders, the weekly check
    for (let t = 0; t < 9 * 60; t += 10) await step(10 * MIN);
    // on to just past the monthly check
    await step(15 * 60 * MIN);
    for (let t = 0; t < 60; t += 10) await step(10 * MIN);

    const store = a.core.store;
    const pages = all.flatMap((r) => r.printed);
    let sent = 0;
    for (const id of ids) {
      const deliveries = await store.deliveries.forIncident(id);
      expect(deliveries.filter((d) => d.status !== 'sent')).toEqual([]);
      sent += deliveries.length;
      const timeline = await store.incidents.timeline(id);
      const alarms = timeline.filter((e) => e.kind === 'alarm').map((e) => String(e.data?.alarm));
      expect(alarms.sort()).toEqual(['rto-goal', 'rto-limit', 'rto-warning']);
      const reminders = timeline.filter((e) => e.kind === 'reminder').map((e) => e.at);
      expect(reminders.length).toBeGreaterThan(0);
      expect(new Set(reminders).size).toBe(reminders.length);
      // no two reminders within the quiet half hour of each other
      for (let i = 1; i < reminders.length; i++) expect(reminders[i]! - reminders[i - 1]!).toBeGreaterThanOrEqual(30 * MIN);
      const paged = timeline.filter((e) => e.kind === 'page').map((e) => `${e.data?.level}:${e.data?.person}`);
      expect(new Set(paged).size).toBe(paged.length);
    }
    expect(pages).toHaveLength(sent);
    expect(new Set(pages).size).toBe(sent);
    const posts = all.flatMap((r) => r.posted.map((view) => view.key ?? view.summary));
    expect(posts.filter((p) => p.startsWith('checks:weekly'))).toHaveLength(1);
    expect(posts.filter((p) => p.startsWith('checks:monthly'))).toHaveLength(1);
    const checkTimers = (await store.tableRows('timers')).filter((t) => t.incident_id === '');
    expect(checkTimers.map((t) => t.kind).sort()).toEqual(['check-monthly', 'check-weekly']);
  }, 300_000);
});
