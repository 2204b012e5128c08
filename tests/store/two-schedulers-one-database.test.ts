import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import type { Core } from '../../src/app/core.js';
import { ConsolePageSender } from '../../src/notify/console-page-sender.js';
import { Scheduler } from '../../src/scheduler/scheduler.js';
import { PostgresStore } from '../../src/store/postgres-store.js';
import { SqliteStore } from '../../src/store/sqlite-store.js';
import type { Store } from '../../src/store/store.js';
import { buildTestRuntime, type TestRuntime } from '../support/test-runtime.js';
import { DATABASE_URL, dropSchemas, uniqueSchema } from './store-backends.js';

const MIN = 60_000;

/** One database that several "processes" connect to, each with its own connection (pool). */
interface SharedDatabase {
  name: string;
  /** True when the two connections really run at once (PostgreSQL pools); two SQLite connections in one thread take turns. */
  concurrent: boolean;
  connect(): Promise<Store>;
  dispose(): Promise<void>;
}

function sharedSqliteFile(): SharedDatabase {
  const dir = mkdtempSync(join(tmpdir(), 'drbot-two-schedulers-'));
  return {
    name: 'SQLite file',
    concurrent: false,
    async connect() {
      const store = await SqliteStore.open(join(dir, 'drbot.sqlite'));
      // Both connections live on one thread here: a busy wait would block the holder of the lock too,
      // so fail fast and let the scheduler retry (separate processes would simply wait).
      store.sqlite.pragma('busy_timeout = 0');
      return store;
    },
    async dispose() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function sharedPostgresSchema(url: string): SharedDatabase {
  const schema = uniqueSchema('drbot_sched');
  return {
    name: 'PostgreSQL',
    concurrent: true,
    connect: () => PostgresStore.open(url, { schema, max: 4 }),
    dispose: () => dropSchemas(url, [schema]),
  };
}

function sharedDatabases(): SharedDatabase[] {
  if (DATABASE_URL) return [sharedSqliteFile(), sharedPostgresSchema(DATABASE_URL)];
  process.stderr.write('\n[store suite] two schedulers on one PostgreSQL database NOT RUN in store/two-schedulers-one-database.test.ts: DATABASE_URL is unset\n');
  return [sharedSqliteFile()];
}

describe.each(sharedDatabases())('two schedulers on one $name database', (db) => {
  const stops: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const stop of stops.splice(0).reverse()) await stop();
    await db.dispose();
  });

  /** One "process": its own connection, core and scheduler, sharing the test's virtual clock. */
  async function instance(clockFrom?: TestRuntime): Promise<{ core: Core; scheduler: Scheduler; printed: string[] }> {
    const store = await db.connect();
    const built = await buildTestRuntime({ store });
    const core: Core = clockFrom ? { ...built, clock: clockFrom.clock } : built;
    const printed: string[] = [];
    core.chat.register(new ConsolePageSender((line) => printed.push(line)));
    const scheduler = new Scheduler(core, { handlers: built.timerHandlers, maxSleepMs: 5 * MIN, batch: 5 });
    core.events.onIncident(() => scheduler.wake());
    stops.push(async () => {
      await scheduler.stop(Date.now() + 5_000);
      await store.close();
    });
    return { core, scheduler, printed };
  }

  it('never fire one timer twice while both claim from the same rows', async () => {
    const a = await instance();
    const b = await instance(a.core as TestRuntime);
    const clock = (a.core as TestRuntime).clock;
    const service = (a.core as TestRuntime).incidents;
    const ids: string[] = [];
    for (let i = 0; i < 15; i++) {
      const { incident } = await service.open({ type: a.core.pack.types[i % 5]!, scope: 'full', note: `n${i}`, actor: (a.core as TestRuntime).as('Kim DevOps') });
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
