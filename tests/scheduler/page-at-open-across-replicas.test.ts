import { afterAll, afterEach, describe, expect, it } from '@jest/globals';
import { TIMER } from '../../src/incident/timer-kinds.js';
import { sharedDatabases, SchedulingReplicas } from '../support/shared-database.js';
import { until } from '../support/until.js';
import { byDrbot, pagedPeople } from './scheduler-harness.js';

const MIN = 60_000;

const databases = sharedDatabases({
  sqlite: 'SQLite file',
  postgres: 'PostgreSQL',
  schemaPrefix: 'drbot_pao',
  failFast: true,
  notRun: '[scheduler suite] page at open across replicas on PostgreSQL NOT RUN in scheduler/page-at-open-across-replicas.test.ts',
});

/**
 * Type 3 pages IT support (Choi Network) at open besides the ladder's level-0 page (Kim DevOps): two
 * timers that page at the incident's level 0. When a replica is killed holding one of them and another
 * replica retakes it while it is still sending the other one's page, settling the killed replica's
 * unsent page must not call the page still in flight an unknown outcome.
 */
describe.each(databases)('the page at open and the level-0 page on two replicas of one $name database', (db) => {
  const replicas = new SchedulingReplicas(db);
  afterEach(() => replicas.stopAll());
  afterAll(() => db.dispose());

  const cases = [
    { killedHolds: TIMER.pageAtOpen('it_support'), inFlight: TIMER.ladder(0), lost: 'Choi Network', sending: 'Kim DevOps', headline: 'it_support paged at open (Type 3 procedure)' },
    { killedHolds: TIMER.ladder(0), inFlight: TIMER.pageAtOpen('it_support'), lost: 'Kim DevOps', sending: 'Choi Network', headline: 'Level 0, DevOps engineer tries to resolve it' },
  ];

  it.each(cases)('a replica killed holding $killedHolds: its page is unknown, the $inFlight page another replica is sending is not', async (c) => {
    const scheduler = { maxSleepMs: 5 * MIN, batch: 5, leaseMs: 5 * MIN };
    const killed = await replicas.start({ scheduler, stopWithinMs: 200, hangPages: true });
    let release = () => {};
    const released = new Promise<void>((resolve) => (release = resolve));
    const holding: string[] = [];
    const survivor = await replicas.start({
      scheduler,
      stopWithinMs: 5_000,
      holdPage: async (request) => {
        holding.push(request.contact.name);
        if (request.contact.name === c.sending) await released;
      },
    });
    const clock = survivor.core.clock;
    const store = survivor.core.store;
    const { incident } = await survivor.core.incidents.open({ type: survivor.core.pack.types.find((t) => t.id === 3)!, scope: 'full', note: '', actor: survivor.core.as('Kim DevOps') });
    const pages = () => store.deliveries.forIncident(incident.id);

    // Both timers come due at open; whichever replica claims which is a race. The in-flight one is
    // moved a minute on, so the replica about to be killed takes only the other one.
    const later = (await store.timers.forIncident(incident.id)).find((t) => t.kind === c.inFlight)!;
    await store.writeTransaction((tx) => tx.timers.rearm(later.id, clock.now() + MIN, later.payload));
    killed.scheduler.start();
    await until(`the killed replica to reserve the page to ${c.lost}`, async () => pagedPeople(await pages()).includes(`0:${c.lost}:pending`));
    // kill -9: its page never finishes, its claim stays until the lease runs out
    await killed.stop();

    survivor.scheduler.start();
    await clock.advance(MIN);
    await until(`the surviving replica to be sending the page to ${c.sending}`, () => holding.includes(c.sending));
    expect(pagedPeople(await pages()).sort()).toEqual([`0:${c.lost}:pending`, `0:${c.sending}:pending`].sort());

    // The killed replica's lease runs out while the survivor still sends: it retakes the timer and settles the unsent page.
    await clock.advance(4 * MIN);
    await until(`the surviving replica to retake ${c.killedHolds}`, async () => (await store.timers.forIncident(incident.id)).find((t) => t.kind === c.killedHolds)?.firedAt !== undefined);
    release();
    await survivor.scheduler.whenIdle();
    await survivor.core.events.settled();

    expect(pagedPeople(await pages()).sort()).toEqual([`0:${c.lost}:unknown`, `0:${c.sending}:sent`].sort());
    expect(survivor.printed).toEqual([expect.stringMatching(new RegExp(`^PAGE → ${c.sending} `))]);
    expect(killed.printed).toEqual([]);
    const lines = byDrbot(await store.incidents.timeline(incident.id), 'page').map((e) => e.text);
    expect(lines.filter((l) => l.includes('unknown outcome'))).toEqual([
      `${c.headline}: page to ${c.lost} has an unknown outcome (drbot stopped while sending); not resent, to avoid paging twice.`,
    ]);
    expect(lines).toContainEqual(expect.stringMatching(new RegExp(`^📟 paged ${c.sending} \\(\\w+\\) via console — `)));
  }, 60_000);
});
