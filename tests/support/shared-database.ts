import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { VirtualClock } from '../../src/clock/virtual-clock.js';
import { ConsolePageSender } from '../../src/notify/console-page-sender.js';
import type { PageRequest } from '../../src/notify/pager.js';
import { Scheduler, type SchedulerOptions } from '../../src/scheduler/scheduler.js';
import { PostgresStore } from '../../src/store/postgres-store.js';
import { SqliteStore } from '../../src/store/sqlite-store.js';
import type { Store } from '../../src/store/store.js';
import type { View } from '../../src/views/view.js';
import { DATABASE_URL, dropSchemas, uniqueSchema } from '../store/store-backends.js';
import { buildTestRuntime, type TestRuntime } from './test-runtime.js';

/** One database that several "processes" (replicas) connect to, each with its own connection (pool). */
export interface SharedDatabase {
  name: string;
  /** True when the connections really run at once (PostgreSQL pools); SQLite connections in one thread take turns. */
  concurrent: boolean;
  connect(): Promise<Store>;
  dispose(): Promise<void>;
}

/**
 * A SQLite file in a fresh directory. `failFast`: every connection lives on this one thread, so a
 * busy wait would block the holder of the lock too; fail at once on the write lock and let the caller
 * (a scheduler, a drainer) retry, as separate processes would simply wait.
 */
export function sharedSqliteFile(name: string, options: { failFast: boolean }): SharedDatabase {
  const dir = mkdtempSync(join(tmpdir(), 'drbot-shared-db-'));
  return {
    name,
    concurrent: false,
    async connect() {
      const store = await SqliteStore.open(join(dir, 'drbot.sqlite'));
      if (options.failFast) store.sqlite.pragma('busy_timeout = 0');
      return store;
    },
    dispose: async () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** A fresh schema (`prefix_<pid>_<random>`) on the PostgreSQL at `url`, each connection a pool of 4; dropped on dispose. */
export function sharedPostgresSchema(url: string, name: string, prefix: string): SharedDatabase {
  const schema = uniqueSchema(prefix);
  return { name, concurrent: true, connect: () => PostgresStore.open(url, { schema, max: 4 }), dispose: () => dropSchemas(url, [schema]) };
}

/**
 * The databases a "several replicas on one database" suite runs on: a SQLite file, and PostgreSQL
 * when DATABASE_URL is set (else the suite says on stderr, as `notRun`, what it did not run).
 */
export function sharedDatabases(o: { sqlite: string; postgres: string; schemaPrefix: string; failFast: boolean; notRun: string }): SharedDatabase[] {
  const sqlite = sharedSqliteFile(o.sqlite, { failFast: o.failFast });
  if (DATABASE_URL) return [sqlite, sharedPostgresSchema(DATABASE_URL, o.postgres, o.schemaPrefix)];
  process.stderr.write(`\n${o.notRun}: DATABASE_URL is unset\n`);
  return [sqlite];
}

/** One "drbot process" on a shared database: its own connection, runtime and scheduler; what it paged and posted to the ops channel captured. */
export interface SchedulingReplica {
  core: TestRuntime;
  scheduler: Scheduler;
  /** Pages, one console line each. */
  printed: string[];
  /** Ops-channel posts. */
  posted: View[];
  /** Stops the scheduler (waiting at most the replica's `stopWithinMs` for what runs) and closes the connection; once. */
  stop(): Promise<void>;
}

/**
 * Replicas of one deployment on one shared database and one virtual clock (the first replica's,
 * unless `clock` is given): the runtime and its timer handlers read the shared time, as replicas
 * reading one system clock do; `stopAll()` stops them, the last started first.
 */
export class SchedulingReplicas {
  private readonly stops: (() => Promise<void>)[] = [];
  private clock?: VirtualClock;

  constructor(private readonly db: SharedDatabase) {}

  /**
   * Starts one more replica (its scheduler not yet started). `now`: where the first replica's clock
   * starts; `hangPages`: its chat pages never finish (a process killed mid-send); `holdPage`: each of
   * its pages waits for what this returns before it goes out on the console (a slow chat platform).
   */
  async start(o: {
    scheduler: Omit<SchedulerOptions, 'handlers'>;
    stopWithinMs: number;
    now?: number;
    hangPages?: boolean;
    holdPage?: (request: PageRequest) => Promise<void>;
  }): Promise<SchedulingReplica> {
    const store = await this.db.connect();
    const core = await buildTestRuntime({ store, now: o.now, clock: this.clock });
    this.clock ??= core.clock;
    const printed: string[] = [];
    const posted: View[] = [];
    core.ops.register({ post: async (view) => void posted.push(view) });
    const consoleSender = new ConsolePageSender((line) => printed.push(line));
    const hold = o.holdPage;
    if (o.hangPages) core.chat.register({ platform: 'slack', canReach: () => true, send: () => new Promise<void>(() => {}) });
    else if (hold) {
      core.chat.register({
        platform: 'console',
        canReach: () => true,
        send: async (request) => {
          await hold(request);
          await consoleSender.send(request);
        },
      });
    }
    else core.chat.register(consoleSender);
    const scheduler = new Scheduler(core, { ...o.scheduler, handlers: core.timerHandlers });
    core.events.onIncident(() => scheduler.wake());
    let stopped = false;
    const stop = async () => {
      if (stopped) return;
      stopped = true;
      await scheduler.stop(Date.now() + o.stopWithinMs);
      await store.close().catch(() => undefined);
    };
    this.stops.push(stop);
    return { core, scheduler, printed, posted, stop };
  }

  /** The shared clock (after the first start). */
  get sharedClock(): VirtualClock {
    if (!this.clock) throw new Error('no replica started yet');
    return this.clock;
  }

  /** Stops every replica, the last started first; the next start begins a new clock. */
  async stopAll(): Promise<void> {
    for (const stop of this.stops.splice(0).reverse()) await stop();
    this.clock = undefined;
  }
}
