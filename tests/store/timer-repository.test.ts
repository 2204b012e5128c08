import { afterAll, afterEach, describe, expect, it } from '@jest/globals';
import type { Store } from '../../src/store/store.js';
import { TUESDAY_10_KST } from '../support/test-runtime.js';
import { storeBackends } from './store-backends.js';
import { anIncidentId } from '../support/an-incident.js';

const MIN = 60_000;
const INC = anIncidentId(1);

describe.each(storeBackends())('TimerRepository on $name', (backend) => {
  let store: Store;
  const fresh = async () => (store = await backend.open());
  afterEach(async () => {
    await store?.close();
  });
  afterAll(() => backend.dispose());

  it('schedules timers per incident and kind and lists them by due time', async () => {
    await fresh();
    await store.timers.schedule(INC, 'rto-goal', TUESDAY_10_KST + 240 * MIN);
    await store.timers.schedule(INC, 'ladder-1', TUESDAY_10_KST + 30 * MIN, { level: 1 });
    await store.timers.schedule(anIncidentId(2), 'ladder-1', TUESDAY_10_KST + 5 * MIN, { level: 1 });
    await store.timers.schedule('', 'weekly-check', TUESDAY_10_KST + MIN);
    const timers = await store.timers.forIncident(INC);
    expect(timers.map((t) => [t.kind, t.dueAt, t.payload])).toEqual([
      ['ladder-1', TUESDAY_10_KST + 30 * MIN, { level: 1 }],
      ['rto-goal', TUESDAY_10_KST + 240 * MIN, {}],
    ]);
    expect(timers[0]).toEqual({ id: expect.any(Number), incidentId: INC, kind: 'ladder-1', dueAt: TUESDAY_10_KST + 30 * MIN, payload: { level: 1 } });
    expect((await store.timers.forIncident('')).map((t) => t.kind)).toEqual(['weekly-check']);
  });

  it("creates a new incident's timers in one statement", async () => {
    await fresh();
    await store.timers.scheduleNew(INC, [
      { kind: 'ladder-0', dueAt: TUESDAY_10_KST, payload: { level: 0 } },
      { kind: 'quiet', dueAt: TUESDAY_10_KST + 30 * MIN },
    ]);
    await store.timers.scheduleNew(INC, []);
    expect((await store.timers.forIncident(INC)).map((t) => [t.kind, t.dueAt, t.payload])).toEqual([
      ['ladder-0', TUESDAY_10_KST, { level: 0 }],
      ['quiet', TUESDAY_10_KST + 30 * MIN, {}],
    ]);
    await expect(store.timers.scheduleNew(INC, [{ kind: 'quiet', dueAt: TUESDAY_10_KST }])).rejects.toBeDefined();
  });

  it('moves an unfired timer instead of adding a second one, and revives a cancelled one', async () => {
    await fresh();
    await store.timers.schedule(INC, 'ladder-2', TUESDAY_10_KST + 60 * MIN, { level: 2 });
    await store.timers.schedule(INC, 'ladder-2', TUESDAY_10_KST, { level: 2, manual: true });
    let timers = await store.timers.forIncident(INC);
    expect(timers).toHaveLength(1);
    expect(timers[0]).toMatchObject({ dueAt: TUESDAY_10_KST, payload: { level: 2, manual: true } });
    await store.timers.cancelForIncident(INC, TUESDAY_10_KST + MIN);
    await store.timers.schedule(INC, 'ladder-2', TUESDAY_10_KST + 2 * MIN, { level: 2 });
    timers = await store.timers.forIncident(INC);
    expect(timers).toHaveLength(1);
    expect(timers[0]?.cancelledAt).toBeUndefined();
    expect(timers[0]?.dueAt).toBe(TUESDAY_10_KST + 2 * MIN);
  });

  it('never moves a timer that already fired', async () => {
    await fresh();
    await store.timers.schedule(INC, 'ladder-1', TUESDAY_10_KST, { level: 1 });
    await store.timers.markFired((await store.timers.forIncident(INC))[0]!.id, TUESDAY_10_KST + 1000);
    await store.timers.schedule(INC, 'ladder-1', TUESDAY_10_KST + 99 * MIN, { level: 1, again: true });
    const [timer] = await store.timers.forIncident(INC);
    expect(timer).toMatchObject({ dueAt: TUESDAY_10_KST, payload: { level: 1 }, firedAt: TUESDAY_10_KST + 1000 });
  });

  it('cancels only the unfired, uncancelled timers of one incident and counts them', async () => {
    await fresh();
    await store.timers.schedule(INC, 'ladder-1', TUESDAY_10_KST);
    await store.timers.schedule(INC, 'ladder-2', TUESDAY_10_KST + MIN);
    await store.timers.schedule(INC, 'quiet', TUESDAY_10_KST + 2 * MIN);
    await store.timers.schedule(anIncidentId(2), 'quiet', TUESDAY_10_KST);
    await store.timers.markFired((await store.timers.forIncident(INC)).find((t) => t.kind === 'ladder-1')!.id, TUESDAY_10_KST);
    expect(await store.timers.cancelForIncident(INC, TUESDAY_10_KST + 5 * MIN)).toBe(2);
    expect(await store.timers.cancelForIncident(INC, TUESDAY_10_KST + 6 * MIN)).toBe(0);
    const byKind = Object.fromEntries((await store.timers.forIncident(INC)).map((t) => [t.kind, t]));
    expect(byKind['ladder-1']?.cancelledAt).toBeUndefined();
    expect(byKind['ladder-2']?.cancelledAt).toBe(TUESDAY_10_KST + 5 * MIN);
    expect(byKind.quiet?.cancelledAt).toBe(TUESDAY_10_KST + 5 * MIN);
    expect((await store.timers.forIncident(anIncidentId(2)))[0]?.cancelledAt).toBeUndefined();
  });
});
