import { afterEach, describe, expect, it } from '@jest/globals';
import { armCheckTimers } from '../../src/scheduler/check-timer.js';
import type { View } from '../../src/views/view.js';
import { sharedDatabases, SchedulingReplicas, type SchedulingReplica as Replica } from '../support/shared-database.js';
import type { TestRuntime } from '../support/test-runtime.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

const databases = sharedDatabases({
  sqlite: 'SQLite',
  postgres: 'PostgreSQL',
  schemaPrefix: 'drbot_missed',
  failFast: true,
  notRun: '[scheduler suite] missed-work report on PostgreSQL NOT RUN in scheduler/missed-work.test.ts',
});

describe.each(databases)('the missed-work report on $name', (db) => {
  const replicas = new SchedulingReplicas(db);
  afterEach(async () => {
    await replicas.stopAll();
    await db.dispose();
  });

  /** A "drbot process": its own connection, core and scheduler on the shared database and clock, its ops posts captured. */
  const replica = (options: { hangPages?: boolean } = {}) => replicas.start({ scheduler: { maxSleepMs: 5 * MIN, batch: 3, leaseMs: 5 * MIN }, stopWithinMs: 200, ...options });

  const reports = (r: Replica[]) => r.flatMap((x) => x.posted).filter((v) => v.key?.startsWith('missed-work:'));
  const lines = (v: View) => v.blocks.flatMap((b) => (b.type === 'list' ? b.items.map((i) => `${i.text}: ${i.detail}`) : []));

  /** Steps the shared virtual clock and waits for every replica to be idle. */
  async function advance(clock: TestRuntime['clock'], replicas: Replica[], ms: number, step = MIN): Promise<void> {
    for (let done = 0; done < ms; done += step) {
      await clock.advance(Math.min(step, ms - done));
      await Promise.all(replicas.map((r) => r.scheduler.whenIdle()));
      await Promise.all(replicas.map((r) => r.core.events.settled()));
    }
  }

  it('says once, after a week down, what came due and what drbot did — even with two replicas starting at the same moment', async () => {
    const first = await replica();
    const clock = first.core.clock;
    await armCheckTimers(first.core, first.core.store);
    const { incident } = await first.core.incidents.open({ type: first.core.pack.types[0]!, scope: 'full', note: '', actor: first.core.as('Kim DevOps') });
    first.scheduler.start();
    await advance(clock, [first], 5 * MIN);
    await first.stop();

    // drbot is down for 7 days: every ladder rung, the RTO alarms, the weekly (Monday) and monthly (the 1st) checks come due
    await clock.advance(7 * DAY);
    const a = await replica();
    const b = await replica();
    a.scheduler.start();
    b.scheduler.start();
    await advance(clock, [a, b], 2 * MIN, 5_000);

    const posted = reports([a, b]);
    expect(posted).toHaveLength(1);
    const text = lines(posted[0]!);
    expect(posted[0]!.summary).toMatch(/^Scheduled work missed while drbot was down: \d+ scheduled items came due while drbot was not running \(from 2026-11-24 10:30\): \d+ ran late, \d+ skipped$/);
    const late = '\\d+ h \\d+ min';
    const on = ` · ${incident.id}`;
    expect(text).toEqual([
      expect.stringMatching(new RegExp(`^level 1 page${on}: ran ${late} late \\(due 2026-11-24 10:30\\) — paged Lee Backend$`)),
      // skipped when the catch-up pages came first (they are activity), sent when it came first (replicas race for it)
      expect.stringMatching(new RegExp(`^quiet-incident reminder${on}: (skipped \\(due 2026-11-24 10:30\\): not needed yet; moved to 2026-12-01 10:3\\d|ran ${late} late \\(due 2026-11-24 10:30\\))$`)),
      expect.stringMatching(new RegExp(`^level 2 page${on}: ran ${late} late \\(due 2026-11-24 11:00\\) — paged Choi Network$`)),
      expect.stringMatching(new RegExp(`^level 3 page${on}: ran ${late} late \\(due 2026-11-24 12:00\\) — paged Jung CTO$`)),
      expect.stringMatching(new RegExp(`^RTO alarm \\(rto-warning\\)${on}: ran ${late} late \\(due 2026-11-24 13:00\\)$`)),
      expect.stringMatching(new RegExp(`^RTO alarm \\(rto-goal\\)${on}: ran ${late} late \\(due 2026-11-24 14:00\\) — paged Jung CTO$`)),
      expect.stringMatching(new RegExp(`^RTO alarm \\(rto-limit\\)${on}: ran ${late} late \\(due 2026-11-24 18:00\\) — paged Jung CTO$`)),
      expect.stringMatching(/^scheduled check \(check-weekly\): ran 24 h \d+ min late \(due 2026-11-30 10:00\)$/),
      expect.stringMatching(/^scheduled check \(check-monthly\): ran \d+ min late \(due 2026-12-01 10:00\)$/),
    ]);
    expect(posted[0]!.summary).toMatch(/9 scheduled items came due while drbot was not running \(from 2026-11-24 10:30\): (8 ran late, 1 skipped|9 ran late, 0 skipped)$/);
    if (db.concurrent) {
      // both replicas took part in the catch-up, and still one report
      expect(a.printed.length).toBeGreaterThan(0);
      expect(b.printed.length).toBeGreaterThan(0);
    }

    // time goes on: no second report
    await advance(clock, [a, b], 30 * MIN, 5 * MIN);
    expect(reports([a, b])).toHaveLength(1);
  }, 120_000);

  it('is sent once when drbot is killed in the middle of catching up and started again', async () => {
    const first = await replica();
    const clock = first.core.clock;
    const { incident } = await first.core.incidents.open({ type: first.core.pack.types[0]!, scope: 'full', note: '', actor: first.core.as('Kim DevOps') });
    first.scheduler.start();
    await advance(clock, [first], 5 * MIN);
    await first.stop();
    await clock.advance(3 * HOUR);

    // the restarted drbot claims the late rungs, but its pages never finish: it is killed mid-catch-up
    const killed = await replica({ hangPages: true });
    killed.scheduler.start();
    for (let i = 0; i < 400; i++) {
      const report = (await killed.core.store.timers.forIncident('')).find((t) => t.kind === 'missed-work');
      if (report && ((report.payload.items as unknown[]) ?? []).length >= 2) break;
      await new Promise((r) => setTimeout(r, 10));
    }
    await killed.stop();
    expect(killed.posted).toEqual([]);

    // started again after the killed process's leases ran out
    await clock.advance(6 * MIN);
    const again = await replica();
    again.scheduler.start();
    await advance(clock, [again], 2 * MIN, 5_000);
    const posted = reports([killed, again]);
    expect(posted).toHaveLength(1);
    const text = lines(posted[0]!);
    expect(text.filter((l) => l.startsWith('level 1 page'))).toHaveLength(1);
    expect(text.filter((l) => l.startsWith('level 2 page'))).toHaveLength(1);
    expect(text).toContainEqual(expect.stringMatching(new RegExp(`^level 3 page · ${incident.id}: ran `)));
    await advance(clock, [again], 30 * MIN, 5 * MIN);
    expect(reports([killed, again])).toHaveLength(1);
  }, 120_000);
});
