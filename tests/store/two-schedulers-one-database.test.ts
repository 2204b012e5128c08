import { afterAll, describe, expect, it } from '@jest/globals';
import { sharedDatabases, SchedulingReplicas } from '../support/shared-database.js';

const MIN = 60_000;

const databases = sharedDatabases({
  sqlite: 'SQLite file',
  postgres: 'PostgreSQL',
  schemaPrefix: 'drbot_sched',
  failFast: true,
  notRun: '[store suite] two schedulers on one PostgreSQL database NOT RUN in store/two-schedulers-one-database.test.ts',
});

describe.each(databases)('two schedulers on one $name database', (db) => {
  const replicas = new SchedulingReplicas(db);
  afterAll(async () => {
    await replicas.stopAll();
    await db.dispose();
  });

  /** One "process": its own connection, core and scheduler, sharing the test's virtual clock. */
  const instance = () => replicas.start({ scheduler: { maxSleepMs: 5 * MIN, batch: 5 }, stopWithinMs: 5_000 });

  it('never fire one timer twice while both claim from the same rows', async () => {
    const a = await instance();
    const b = await instance();
    const clock = a.core.clock;
    const service = a.core.incidents;
    const ids: string[] = [];
    for (let i = 0; i < 15; i++) {
      const { incident } = await service.open({ type: a.core.pack.types[i % 5]!, scope: 'full', note: `n${i}`, actor: a.core.as('Kim DevOps') });
      ids.push(incident.id);
    }
    // Both start at once on a backlog: every level-0 timer is due for both of them.
    a.scheduler.start();
    b.scheduler.start();
    // let the backlog's first claims finish before virtual time moves: advancing the clock past a
    // claim's 5-minute lease while its page is still being sent is a scheduler that stalled for 5
    // minutes, and the other one rightly settles that page as unknown instead of sending it twice
    await Promise.all([a.scheduler.whenIdle(), b.scheduler.whenIdle()]);
    for (let step = 0; step < 9 * 12; step++) {
      await clock.advance(5 * MIN);
      await Promise.all([a.scheduler.whenIdle(), b.scheduler.whenIdle()]);
    }

    const deliveries = a.core.store.deliveries;
    let total = 0;
    for (const id of ids) {
      const d = await deliveries.forIncident(id);
      expect(d.length).toBeGreaterThanOrEqual(4);
      expect(d.filter((x) => x.status !== 'sent')).toEqual([]);
      const timeline = await a.core.store.incidents.timeline(id);
      expect(timeline.filter((e) => e.actor === 'drbot' && e.kind === 'page')).toHaveLength(d.length);
      const timers = await a.core.store.timers.forIncident(id);
      expect(timers.filter((t) => t.kind !== 'quiet' && t.firedAt === undefined)).toEqual([]);
      total += d.length;
    }
    const printed = [...a.printed, ...b.printed];
    expect(printed).toHaveLength(total);
    expect(new Set(printed).size).toBe(total);
    expect(a.printed.length + b.printed.length).toBe(total);
    if (db.concurrent) {
      // Where they run at once, both took part: the claims really contended.
      expect(a.printed.length).toBeGreaterThan(0);
      expect(b.printed.length).toBeGreaterThan(0);
    }
  }, 120_000);
});
