import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { LOCK_FILE } from '../../src/store/data-dir-lock.js';
import { PostgresStore } from '../../src/store/postgres-store.js';
import { SqliteStore } from '../../src/store/sqlite-store.js';
import type { Store } from '../../src/store/store.js';
import { DATABASE_URL, dropSchemas, uniqueSchema } from '../store/store-backends.js';
import { aDrbotHome, DrbotProcess } from './drbot-process.js';

/** Where the real process keeps its state, and how the test reads it back. */
interface Engine {
  name: string;
  env: Record<string, string>;
  open(dataDir: string): Promise<Store>;
  dispose(): Promise<void>;
}

function engines(): Engine[] {
  const sqlite: Engine = { name: 'SQLite', env: {}, open: (dataDir) => SqliteStore.open(join(dataDir, 'drbot.sqlite')), dispose: async () => {} };
  if (!DATABASE_URL) {
    process.stderr.write('\n[store suite] SIGTERM on PostgreSQL NOT RUN in cli/graceful-shutdown.test.ts: DATABASE_URL is unset\n');
    return [sqlite];
  }
  const url = DATABASE_URL;
  const schema = uniqueSchema('drbot_sigterm');
  return [
    sqlite,
    { name: 'PostgreSQL', env: { DATABASE_URL: url, DATABASE_SCHEMA: schema }, open: () => PostgresStore.open(url, { schema, max: 2 }), dispose: () => dropSchemas(url, [schema]) },
  ];
}

/** Everything about one incident that must survive a restart. */
async function incidentState(engine: Engine, dataDir: string, id: string) {
  const store = await engine.open(dataDir);
  try {
    return {
      incident: await store.incidents.get(id),
      approvals: await store.incidents.approvals(id),
      timers: await store.timers.forIncident(id),
      timeline: await store.incidents.timeline(id),
      checklist: await store.incidents.checklist(id),
    };
  } finally {
    await store.close();
  }
}

describe.each(engines())('SIGTERM during a scripted incident (real process, $name)', (engine) => {
  const { home, dataDir, configPath } = aDrbotHome();
  const env = { DATA_DIR: dataDir, DRBOT_CONFIG: configPath, PORT: '0', DRBOT_LANG: 'en', LOG_LEVEL: 'info', ...engine.env };
  const sqlite = engine.name === 'SQLite';
  afterAll(async () => {
    await engine.dispose();
    rmSync(home, { recursive: true, force: true });
  });

  it('stops cleanly, loses nothing, and the restarted drbot carries on with the same incident, approvals and timers', async () => {
    const first = new DrbotProcess([], env);
    await first.waitFor(/drbot ready/);
    // One SQLite file belongs to one drbot (pid file); PostgreSQL is shared by design.
    expect(existsSync(join(dataDir, LOCK_FILE))).toBe(sqlite);

    first.send('/incident open type4 full containers down');
    const id = (await first.waitFor(/Opened (INC-\d{8}-\d{3})/))[1]!;
    let mark = first.stdout.length;
    first.send(`/incident approve ${id} compose-down`);
    await first.waitFor(/compose-down approved \(Kim DevOps\)/, mark);
    mark = first.stdout.length;
    first.send(`/incident approve ${id} remove-all-containers`);
    await first.waitFor(/remove-all-containers: first approval by Kim DevOps/, mark);

    // The second approval and a note are typed, and SIGTERM arrives without waiting for their answers.
    first.send('/iam Park DevOps');
    first.send(`/incident approve ${id} remove-all-containers`);
    first.send(`/incident note ${id} handing over to the night shift`);
    const exit = await first.signal('SIGTERM');
    expect(exit).toEqual({ code: 0, signal: null });
    expect(first.stderr).toContain('"msg":"shutting down"');
    expect(existsSync(join(dataDir, LOCK_FILE))).toBe(false);

    const before = await incidentState(engine, dataDir, id);
    expect(before.incident).toMatchObject({ id, status: 'open', type: 4, scope: 'full', note: 'containers down' });
    const byStep = Object.fromEntries(before.approvals.map((a) => [a.stepId, a]));
    expect(byStep['compose-down']).toMatchObject({ status: 'approved', firstBy: 'Kim DevOps', needsTwo: false });
    expect(byStep['remove-all-containers']).toMatchObject({ firstBy: 'Kim DevOps', needsTwo: true });
    // Nothing half-written: every approval state has exactly the timeline entries that go with it.
    const approvalEntries = before.timeline.filter((e) => e.kind === 'approval');
    for (const a of before.approvals) {
      const entries = approvalEntries.filter((e) => e.data?.approval === a.id);
      expect(entries).toHaveLength(a.secondBy ? 2 : 1);
      expect(a.status).toBe(a.needsTwo && !a.secondBy ? 'pending' : 'approved');
    }
    // The timers armed at open are all there, none cancelled, the future ones not fired.
    const kinds = before.timers.map((t) => t.kind);
    expect(kinds).toEqual(expect.arrayContaining(['ladder-1', 'ladder-2', 'ladder-3', 'rto-warning', 'rto-goal', 'rto-limit', 'quiet']));
    expect(before.timers.filter((t) => t.cancelledAt !== undefined)).toEqual([]);
    expect(before.timers.filter((t) => t.kind !== 'ladder-0' && t.firedAt !== undefined)).toEqual([]);

    const second = new DrbotProcess([], env);
    await second.waitFor(/drbot ready/);
    mark = second.stdout.length;
    second.send(`/incident status ${id}`);
    await second.waitFor(new RegExp(`${id} · Type 4[\\s\\S]*Status\\s+: open`), mark);
    mark = second.stdout.length;
    second.send(`/incident approve ${id} compose-down`);
    await second.waitFor(/compose-down was already approved \(Kim DevOps\); it does not run twice/, mark);
    expect(await second.signal('SIGTERM')).toEqual({ code: 0, signal: null });

    const after = await incidentState(engine, dataDir, id);
    expect(after.incident).toEqual(before.incident);
    expect(after.approvals).toEqual(before.approvals);
    expect(after.timers).toEqual(before.timers);
    expect(after.checklist).toEqual(before.checklist);
    expect(after.timeline.slice(0, before.timeline.length)).toEqual(before.timeline);
  }, 90_000);
});
