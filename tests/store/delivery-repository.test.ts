import { afterAll, afterEach, describe, expect, it } from '@jest/globals';
import type { Store } from '../../src/store/store.js';
import { TUESDAY_10_KST } from '../support/test-runtime.js';
import { storeBackends } from './store-backends.js';
import { anIncidentId } from '../support/an-incident.js';

const INC = anIncidentId(1);

describe.each(storeBackends())('DeliveryRepository on $name', (backend) => {
  let store: Store;
  afterEach(async () => {
    await store?.close();
  });
  afterAll(() => backend.dispose());

  it('reserves a page once per incident, level and person, and records how it went', async () => {
    store = await backend.open();
    const d = store.deliveries;
    expect(await d.reserve(INC, 1, 'Lee Backend', TUESDAY_10_KST, 'ladder-1')).toBe(true);
    expect(await d.reserve(INC, 1, 'Lee Backend', TUESDAY_10_KST + 1, 'ladder-1')).toBe(false);
    expect(await d.reserve(INC, 2, 'Choi Network', TUESDAY_10_KST + 2, 'ladder-2')).toBe(true);
    expect(await d.reserve(anIncidentId(2), 1, 'Lee Backend', TUESDAY_10_KST, 'ladder-1')).toBe(true);
    await d.finish(INC, 1, 'Lee Backend', { status: 'sent', channel: 'slack', detail: 'DM' });
    await d.finish(INC, 1, 'Lee Backend', { status: 'failed', channel: 'smtp', detail: 'later overwrite' });
    await d.finish(INC, 2, 'Choi Network', { status: 'failed', channel: 'chat', detail: 'x'.repeat(5000) });
    const all = await d.forIncident(INC);
    expect(all.map((x) => [x.level, x.person, x.status, x.channel])).toEqual([
      [1, 'Lee Backend', 'sent', 'slack'],
      [2, 'Choi Network', 'failed', 'chat'],
    ]);
    expect(all[1]?.detail).toHaveLength(1000);
    expect(all[0]).toEqual({ id: expect.any(Number), incidentId: INC, level: 1, person: 'Lee Backend', channel: 'slack', status: 'sent', detail: 'DM', at: TUESDAY_10_KST, timer: 'ladder-1' });
    expect((await d.forLevel(INC, 2)).map((x) => x.person)).toEqual(['Choi Network']);
    expect(await d.forLevel(INC, 3)).toEqual([]);
  });

  it('lets only one of concurrent reservations of the same page win', async () => {
    store = await backend.open();
    const results = await Promise.all([1, 2, 3].map(() => store.writeTransaction((tx) => tx.deliveries.reserve(INC, 0, 'Kim DevOps', TUESDAY_10_KST, 'ladder-0'))));
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it('keeps one page per incident, level and person whichever timer reserves it', async () => {
    store = await backend.open();
    const d = store.deliveries;
    expect(await d.reserve(INC, 0, 'Kim DevOps', TUESDAY_10_KST, 'ladder-0')).toBe(true);
    expect(await d.reserve(INC, 0, 'Kim DevOps', TUESDAY_10_KST, 'page-at-open-it_support')).toBe(false);
    expect((await d.forIncident(INC)).map((x) => x.timer)).toEqual(['ladder-0']);
  });

  it("gives a retaken timer its own unsent pages, never another timer's at the same level", async () => {
    store = await backend.open();
    const d = store.deliveries;
    await d.reserve(INC, 0, 'Kim DevOps', TUESDAY_10_KST, 'ladder-0');
    await d.reserve(INC, 0, 'Park DevOps', TUESDAY_10_KST, 'ladder-0');
    await d.reserve(INC, 0, 'Choi Network', TUESDAY_10_KST, 'page-at-open-it_support');
    await d.reserve(INC, 1, 'Lee Backend', TUESDAY_10_KST, 'ladder-1');
    await d.reserve(anIncidentId(2), 0, 'Kim DevOps', TUESDAY_10_KST, 'ladder-0');
    await d.finish(INC, 0, 'Park DevOps', { status: 'failed', channel: 'chat', detail: 'no answer' });
    expect((await d.unsent(INC, 'ladder-0', 0)).map((x) => x.person)).toEqual(['Kim DevOps']);
    expect((await d.unsent(INC, 'page-at-open-it_support', 0)).map((x) => x.person)).toEqual(['Choi Network']);
    // a page at open whose level is read again after the ladder raised it still finds its own page
    expect((await d.unsent(INC, 'page-at-open-it_support', 1)).map((x) => x.person)).toEqual(['Choi Network']);
    expect(await d.unsent(INC, 'page-at-open-backend', 0)).toEqual([]);
    await d.finish(INC, 0, 'Kim DevOps', { status: 'sent', channel: 'slack', detail: 'DM' });
    expect(await d.unsent(INC, 'ladder-0', 0)).toEqual([]);
  });
});
