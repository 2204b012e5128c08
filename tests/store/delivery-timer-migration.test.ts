import { afterAll, describe, expect, it } from '@jest/globals';
import { anIncidentId } from '../support/an-incident.js';
import { TUESDAY_10_KST } from '../support/test-runtime.js';
import { migrationEngines, undoMigrationsDownTo } from './migration-engines.js';

const INC = anIncidentId(1);

/**
 * A database drbot kept pages in before migration 0008 recorded which timer reserved each: the
 * deliveries table without its `timer` column, 0008 not in the migration bookkeeping (so the next
 * start runs it), and a level-0 page still pending (its drbot was killed mid-send) beside a sent one.
 * The later migrations are undone first (such a database had none of them).
 */
const BEFORE_0008 = [
  ...undoMigrationsDownTo('0008-delivery-timer'),
  `insert into deliveries (incident_id, level, person, channel, status, detail, at) values
     ('${INC}', 0, 'Kim DevOps', 'chat', 'pending', '', ${TUESDAY_10_KST}),
     ('${INC}', 1, 'Lee Backend', 'slack', 'sent', 'DM', ${TUESDAY_10_KST + 1})`,
];

const engines = migrationEngines('delivery timer migration (store/delivery-timer-migration.test.ts)');

describe.each(engines)('migration 0008 (the timer that reserved a page) on a $name database with pages in it', (engine) => {
  afterAll(() => engine.dispose());

  it('keeps every page, says no timer for the old ones, and settles an old unsent page by its level as before', async () => {
    const first = await engine.open();
    for (const statement of BEFORE_0008) await engine.query(first, statement);
    await first.close();

    const store = await engine.open();
    try {
      const d = store.deliveries;
      expect((await d.forIncident(INC)).map(({ level, person, channel, status, detail, at, timer }) => ({ level, person, channel, status, detail, at, timer }))).toEqual([
        { level: 0, person: 'Kim DevOps', channel: 'chat', status: 'pending', detail: '', at: TUESDAY_10_KST, timer: '' },
        { level: 1, person: 'Lee Backend', channel: 'slack', status: 'sent', detail: 'DM', at: TUESDAY_10_KST + 1, timer: '' },
      ]);
      // whichever level-0 timer is retaken first settles the old unsent page, as every level-0 timer did before
      expect((await d.unsent(INC, 'page-at-open-it_support', 0)).map((x) => x.person)).toEqual(['Kim DevOps']);
      expect((await d.unsent(INC, 'ladder-0', 0)).map((x) => x.person)).toEqual(['Kim DevOps']);
      expect(await d.unsent(INC, 'ladder-1', 1)).toEqual([]);
      // the old rows still keep each page once; new pages say their timer
      expect(await d.reserve(INC, 0, 'Kim DevOps', TUESDAY_10_KST + 2, 'page-at-open-it_support')).toBe(false);
      expect(await d.reserve(INC, 0, 'Choi Network', TUESDAY_10_KST + 2, 'page-at-open-it_support')).toBe(true);
      expect((await d.forLevel(INC, 0)).map((x) => `${x.person}:${x.timer}`)).toEqual(['Kim DevOps:', 'Choi Network:page-at-open-it_support']);
      expect((await d.unsent(INC, 'ladder-0', 0)).map((x) => x.person)).toEqual(['Kim DevOps']);
    } finally {
      await store.close();
    }
  });
});
