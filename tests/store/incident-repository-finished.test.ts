import { afterAll, afterEach, describe, expect, it } from '@jest/globals';
import type { Store } from '../../src/store/store.js';
import { TUESDAY_10_KST } from '../support/test-runtime.js';
import { anIncident } from '../support/an-incident.js';
import { storeBackends } from './store-backends.js';

const HOUR = 3_600_000;

describe.each(storeBackends())('IncidentRepository for the web view on $name', (backend) => {
  let store: Store;
  afterEach(async () => {
    await store?.close();
  });
  afterAll(() => backend.dispose());

  it('finishedSince: resolved, closed and cancelled incidents finished since a moment, latest first, bounded', async () => {
    store = await backend.open();
    const at = (h: number) => TUESDAY_10_KST + h * HOUR;
    await store.incidents.insert(anIncident().seq(1).status('resolved').with({ resolvedAt: at(1) }).build());
    await store.incidents.insert(anIncident().seq(2).status('closed').with({ resolvedAt: at(5), closedAt: at(6) }).build());
    await store.incidents.insert(anIncident().seq(3).status('cancelled').with({ cancelledAt: at(3) }).build());
    await store.incidents.insert(anIncident().seq(4).status('open').build());
    await store.incidents.insert(anIncident().seq(5).status('resolved').with({ resolvedAt: at(-30) }).build());
    const ids = (list: { id: string }[]) => list.map((i) => i.id.slice(-3));
    expect(ids(await store.incidents.finishedSince(at(0)))).toEqual(['002', '003', '001']);
    expect(ids(await store.incidents.finishedSince(at(0), 2))).toEqual(['002', '003']);
    expect(ids(await store.incidents.finishedSince(at(2)))).toEqual(['002', '003']);
  });

  it('changeMark changes when an incident opens or gains a timeline line, and not otherwise', async () => {
    store = await backend.open();
    const empty = await store.incidents.changeMark();
    expect(await store.incidents.changeMark()).toBe(empty);
    const incident = anIncident().build();
    await store.incidents.insert(incident);
    const opened = await store.incidents.changeMark();
    expect(opened).not.toBe(empty);
    await store.incidents.appendTimeline({ incidentId: incident.id, at: TUESDAY_10_KST + 1000, actor: 'Kim DevOps', kind: 'note', text: 'x' });
    expect(await store.incidents.changeMark()).not.toBe(opened);
  });
});
