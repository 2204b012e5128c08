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
    expect(await d.reserve(INC, 1, 'Lee Backend', TUESDAY_10_KST)).toBe(true);
    expect(await d.reserve(INC, 1, 'Lee Backend', TUESDAY_10_KST + 1)).toBe(false);
    expect(await d.reserve(INC, 2, 'Choi Network', TUESDAY_10_KST + 2)).toBe(true);
    expect(await d.reserve(anIncidentId(2), 1, 'Lee Backend', TUESDAY_10_KST)).toBe(true);
    await d.finish(INC, 1, 'Lee Backend', { status: 'sent', channel: 'slack', detail: 'DM' });
    await d.finish(INC, 1, 'Lee Backend', { status: 'failed', channel: 'smtp', detail: 'later overwrite' });
    await d.finish(INC, 2, 'Choi Network', { status: 'failed', channel: 'chat', detail: 'x'.repeat(5000) });
    const all = await d.forIncident(INC);
    expect(all.map((x) => [x.level, x.person, x.status, x.channel])).toEqual([
      [1, 'Lee Backend', 'sent', 'slack'],
      [2, 'Choi Network', 'failed', 'chat'],
    ]);
    expect(all[1]?.detail).toHaveLength(1000);
    expect(all[0]).toEqual({ id: expect.any(Number), incidentId: INC, level: 1, person: 'Lee Backend', channel: 'slack', status: 'sent', detail: 'DM', at: TUESDAY_10_KST });
    expect((await d.forLevel(INC, 2)).map((x) => x.person)).toEqual(['Choi Network']);
    expect(await d.forLevel(INC, 3)).toEqual([]);
  });

  it('lets only one of concurrent reservations of the same page win', async () => {
    store = await backend.open();
    const results = await Promise.all([1, 2, 3].map(() => store.writeTransaction((tx) => tx.deliveries.reserve(INC, 0, 'Kim DevOps', TUESDAY_10_KST))));
    expect(results.filter(Boolean)).toHaveLength(1);
  });
});
