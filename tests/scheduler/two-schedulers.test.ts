import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { afterEach, describe, expect, it } from '@jest/globals';
import type { Core } from '../../src/app/core.js';
import { IncidentService } from '../../src/incident/incident-service.js';
import { ConsolePageSender } from '../../src/notify/console-page-sender.js';
import { Scheduler } from '../../src/scheduler/scheduler.js';
import { DeliveryRepository } from '../../src/store/delivery-repository.js';
import { SqliteStore } from '../../src/store/sqlite-store.js';
import { buildTestCore, type TestCore } from '../support/test-core.js';
import { HOUR, MIN, tmpDbFile } from './scheduler-harness.js';

let file: string;
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
  rmSync(dirname(file), { recursive: true, force: true });
});

/** One "process": its own connection to the file, its own scheduler, sharing the test's virtual clock. */
async function instance(clockFrom?: TestCore): Promise<{ core: Core; scheduler: Scheduler; printed: string[] }> {
  const store = await SqliteStore.open(file);
  // Both connections live on one thread here: a busy wait would block the holder of the lock too, so
  // fail fast and let the scheduler retry (separate processes would simply wait).
  store.sqlite.pragma('busy_timeout = 0');
  const built = await buildTestCore({ store });
  const core: Core = clockFrom ? { ...built, clock: clockFrom.clock } : built;
  const printed: string[] = [];
  core.chat.register(new ConsolePageSender((line) => printed.push(line)));
  const scheduler = new Scheduler(core, { maxSleepMs: 5 * MIN, batch: 7 });
  core.events.onIncident(() => scheduler.wake());
  cleanups.push(async () => {
    await scheduler.stop(Date.now() + 5_000);
    await store.close();
  });
  return { core, scheduler, printed };
}

describe('two schedulers on one SQLite file', () => {
  it('never fire one timer twice', async () => {
    file = tmpDbFile();
    const a = await instance();
    const b = await instance(a.core as TestCore);
    const clock = (a.core as TestCore).clock;
    const service = new IncidentService(a.core);
    const ids: string[] = [];
    for (let i = 0; i < 12; i++) {
      const { incident } = await service.open({ type: a.core.pack.types[i % 5]!, scope: 'full', note: `n${i}`, actor: (a.core as TestCore).as('Kim DevOps') });
      ids.push(incident.id);
    }
    a.scheduler.start();
    b.scheduler.start();
    for (let step = 0; step < 9 * 12; step++) {
      await clock.advance(5 * MIN);
      await Promise.all([a.scheduler.whenIdle(), b.scheduler.whenIdle()]);
    }
    expect(clock.now() - (a.core as TestCore).clock.now()).toBe(0);

    const deliveries = new DeliveryRepository(a.core.store.db);
    for (const id of ids) {
      const d = await deliveries.forIncident(id);
      expect(d.map((x) => `${x.level}:${x.person}:${x.status}`)).toEqual(['0:Kim DevOps:sent', '1:Lee Backend:sent', '2:Choi Network:sent', '3:Jung CTO:sent', '100:Jung CTO:sent', '101:Jung CTO:sent']);
      const timeline = await a.core.store.incidents.timeline(id);
      const pages = timeline.filter((e) => e.actor === 'drbot' && e.kind === 'page');
      expect(pages).toHaveLength(6);
      expect(timeline.filter((e) => e.kind === 'alarm')).toHaveLength(3);
      const timers = await a.core.store.timers.forIncident(id);
      expect(timers.filter((t) => t.kind !== 'quiet').every((t) => t.firedAt !== undefined)).toBe(true);
    }
    const printed = [...a.printed, ...b.printed];
    expect(printed).toHaveLength(12 * 6);
    expect(new Set(printed).size).toBe(12 * 6);
    // Both took part (each printed some pages).
    expect(a.printed.length).toBeGreaterThan(0);
    expect(b.printed.length).toBeGreaterThan(0);
    void HOUR;
  });
});
