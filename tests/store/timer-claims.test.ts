import { afterAll, afterEach, describe, expect, it } from '@jest/globals';
import type { Store } from '../../src/store/store.js';
import { TUESDAY_10_KST } from '../support/test-runtime.js';
import { storeBackends } from './store-backends.js';
import { anIncidentId } from '../support/an-incident.js';

const MIN = 60_000;
const T0 = TUESDAY_10_KST;
const INC = anIncidentId(1);

describe.each(storeBackends())('TimerRepository claims on $name', (backend) => {
  let store: Store;
  const fresh = async () => (store = await backend.open());
  afterEach(async () => {
    await store?.close();
  });
  afterAll(() => backend.dispose());

  const idOf = async (kind: string, incidentId = INC) => (await store.timers.forIncident(incidentId)).find((t) => t.kind === kind)!.id;

  it('lists due timers oldest first, leaving out fired, cancelled, future and live-claimed ones', async () => {
    await fresh();
    await store.timers.schedule(INC, 'ladder-1', T0 - 2 * MIN);
    await store.timers.schedule(INC, 'ladder-2', T0 - 5 * MIN);
    await store.timers.schedule(INC, 'quiet', T0 + MIN);
    await store.timers.schedule(INC, 'rto-goal', T0 - MIN);
    await store.timers.schedule(INC, 'rto-limit', T0 - MIN);
    await store.timers.schedule(anIncidentId(2), 'ladder-1', T0 - 3 * MIN);
    await store.timers.markFired(await idOf('rto-goal'), T0);
    await store.timers.cancelForIncident(anIncidentId(2), T0);
    await store.timers.claim(await idOf('rto-limit'), T0, 'other', T0 + 5 * MIN);
    const due = await store.timers.due(T0, 10);
    expect(due).toEqual([
      { id: await idOf('ladder-2'), dueAt: T0 - 5 * MIN },
      { id: await idOf('ladder-1'), dueAt: T0 - 2 * MIN },
    ]);
    expect(await store.timers.due(T0, 1)).toHaveLength(1);
    // Once the lease runs out the claimed timer is due again.
    expect((await store.timers.due(T0 + 5 * MIN, 10)).map((d) => d.id)).toContain(await idOf('rto-limit'));
  });

  it('claims a due timer once per lease, and again after the lease runs out', async () => {
    await fresh();
    await store.timers.schedule(INC, 'ladder-1', T0, { level: 1 });
    const id = await idOf('ladder-1');
    const first = await store.timers.claim(id, T0, 'a', T0 + 5 * MIN);
    expect(first).toMatchObject({ id, kind: 'ladder-1', payload: { level: 1 } });
    expect(first?.claimedBy).toBeUndefined();
    expect(await store.timers.claim(id, T0 + MIN, 'b', T0 + 6 * MIN)).toBeUndefined();
    const retaken = await store.timers.claim(id, T0 + 5 * MIN, 'b', T0 + 10 * MIN);
    expect(retaken).toMatchObject({ id, claimedBy: 'a', claimedUntil: T0 + 5 * MIN });
    expect((await store.timers.forIncident(INC))[0]).toMatchObject({ claimedBy: 'b', claimedUntil: T0 + 10 * MIN });
  });

  it('never claims a timer that is not yet due, fired or cancelled', async () => {
    await fresh();
    await store.timers.schedule(INC, 'ladder-1', T0 + MIN);
    await store.timers.schedule(INC, 'ladder-2', T0);
    // The cancelled one belongs to another incident, so cancelling it leaves the others as they are.
    await store.timers.schedule(anIncidentId(2), 'ladder-3', T0);
    await store.timers.markFired(await idOf('ladder-2'), T0);
    expect(await store.timers.cancelForIncident(anIncidentId(2), T0)).toBe(1);
    const ids = [await idOf('ladder-1'), await idOf('ladder-2'), await idOf('ladder-3', anIncidentId(2))];
    for (const id of ids) expect(await store.timers.claim(id, T0, 'a', T0 + MIN)).toBeUndefined();
  });

  it('lets exactly one of two concurrent transactions claim a timer', async () => {
    await fresh();
    await store.timers.schedule(INC, 'ladder-1', T0);
    const id = await idOf('ladder-1');
    const claims = await Promise.all(['a', 'b', 'c'].map((owner) => store.writeTransaction((tx) => tx.timers.claim(id, T0, owner, T0 + 5 * MIN))));
    expect(claims.filter(Boolean)).toHaveLength(1);
  });

  it('marks a timer fired once and releases its claim', async () => {
    await fresh();
    await store.timers.schedule(INC, 'ladder-1', T0);
    const id = await idOf('ladder-1');
    await store.timers.claim(id, T0, 'a', T0 + 5 * MIN);
    await store.timers.markFired(id, T0 + 1000);
    await store.timers.markFired(id, T0 + 2000);
    expect((await store.timers.forIncident(INC))[0]).toMatchObject({ firedAt: T0 + 1000, claimedBy: 'a' });
    expect((await store.timers.forIncident(INC))[0]?.claimedUntil).toBeUndefined();
  });

  it('rearms a timer to a new due time and payload, releasing its claim, but never a fired one', async () => {
    await fresh();
    await store.timers.schedule(INC, 'quiet', T0, { n: 1 });
    const id = await idOf('quiet');
    await store.timers.claim(id, T0, 'a', T0 + 5 * MIN);
    await store.timers.rearm(id, T0 + 30 * MIN, { n: 2 });
    expect((await store.timers.forIncident(INC))[0]).toEqual({ id, incidentId: INC, kind: 'quiet', dueAt: T0 + 30 * MIN, payload: { n: 2 } });
    await store.timers.rearm(id, T0 + 60 * MIN);
    expect((await store.timers.forIncident(INC))[0]).toMatchObject({ dueAt: T0 + 60 * MIN, payload: { n: 2 } });
    await store.timers.markFired(id, T0);
    await store.timers.rearm(id, T0 + 90 * MIN);
    expect((await store.timers.forIncident(INC))[0]?.dueAt).toBe(T0 + 60 * MIN);
  });

  it('replaces a payload and extends a live claim', async () => {
    await fresh();
    await store.timers.schedule(INC, 'ladder-1', T0, { level: 1 });
    const id = await idOf('ladder-1');
    await store.timers.claim(id, T0, 'a', T0 + MIN);
    await store.timers.setPayload(id, { level: 1, reserved: ['Kim DevOps'] });
    await store.timers.extendClaim(id, 'a', T0 + 10 * MIN);
    expect((await store.timers.forIncident(INC))[0]).toMatchObject({ payload: { level: 1, reserved: ['Kim DevOps'] }, claimedBy: 'a', claimedUntil: T0 + 10 * MIN });
    expect(await store.timers.claim(id, T0 + 5 * MIN, 'b', T0 + 15 * MIN)).toBeUndefined();
  });

  it('says when there is next something to do: the earliest unclaimed due time or the end of a lease', async () => {
    await fresh();
    expect(await store.timers.nextWakeAt()).toBeUndefined();
    await store.timers.schedule(INC, 'quiet', T0 + 30 * MIN);
    await store.timers.schedule(INC, 'ladder-1', T0);
    expect(await store.timers.nextWakeAt()).toBe(T0);
    await store.timers.claim(await idOf('ladder-1'), T0, 'a', T0 + 5 * MIN);
    expect(await store.timers.nextWakeAt()).toBe(T0 + 5 * MIN);
    await store.timers.markFired(await idOf('ladder-1'), T0 + MIN);
    expect(await store.timers.nextWakeAt()).toBe(T0 + 30 * MIN);
  });

  it('arms a recurring timer only once', async () => {
    await fresh();
    expect(await store.timers.ensure('', 'check-weekly', T0 + 60 * MIN, { cron: 'mon 10:00' })).toBe(true);
    expect(await store.timers.ensure('', 'check-weekly', T0 + 120 * MIN)).toBe(false);
    expect(await store.timers.forIncident('')).toEqual([{ id: expect.any(Number), incidentId: '', kind: 'check-weekly', dueAt: T0 + 60 * MIN, payload: { cron: 'mon 10:00' } }]);
  });
});
