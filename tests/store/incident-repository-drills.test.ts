import { afterAll, afterEach, describe, expect, it } from '@jest/globals';
import type { Store } from '../../src/store/store.js';
import { TUESDAY_10_KST } from '../support/test-runtime.js';
import { anIncident } from '../support/an-incident.js';
import { storeBackends } from './store-backends.js';

const HOUR = 3_600_000;

describe.each(storeBackends())('IncidentRepository drills on $name', (backend) => {
  let store: Store;
  afterEach(async () => {
    await store?.close();
  });
  afterAll(() => backend.dispose());

  it("keeps a drill's participants and speed, and finds the last completed drill (never a real incident or an open drill)", async () => {
    store = await backend.open();
    const at = (h: number) => TUESDAY_10_KST + h * HOUR;
    expect(await store.incidents.lastCompletedDrill()).toBeUndefined();
    const plan = { participants: ['Kim DevOps', 'Lee Backend'], speed: 60 };
    await store.incidents.insert(anIncident().seq(1).status('resolved').with({ drill: true, drillPlan: plan, resolvedAt: at(1) }).build());
    await store.incidents.insert(anIncident().seq(2).status('closed').with({ drill: true, drillPlan: plan, resolvedAt: at(3), closedAt: at(4) }).build());
    await store.incidents.insert(anIncident().seq(3).status('resolved').with({ resolvedAt: at(9) }).build());
    await store.incidents.insert(anIncident().seq(4).status('open').with({ drill: true, drillPlan: plan }).build());
    expect((await store.incidents.get(anIncident().seq(1).build().id))!.drillPlan).toEqual(plan);
    expect((await store.incidents.get(anIncident().seq(3).build().id))!.drillPlan).toBeUndefined();
    expect((await store.incidents.lastCompletedDrill())!.id).toBe(anIncident().seq(2).build().id);
  });

  it('keeps the latest manual check record per item, replacing an older one', async () => {
    store = await backend.open();
    expect(await store.manualChecks.latest('procedure-review')).toBeUndefined();
    await store.manualChecks.record({ itemId: 'procedure-review', by: 'Kim DevOps', at: TUESDAY_10_KST, evidence: 'v1.1' });
    await store.manualChecks.record({ itemId: 'procedure-review', by: 'Lee Backend', at: TUESDAY_10_KST + HOUR, evidence: 'v1.2' });
    await store.manualChecks.record({ itemId: 'contacts-review', by: 'Kim DevOps', at: TUESDAY_10_KST, evidence: 'phones' });
    expect(await store.manualChecks.latest('procedure-review')).toEqual({ itemId: 'procedure-review', by: 'Lee Backend', at: TUESDAY_10_KST + HOUR, evidence: 'v1.2' });
  });
});
