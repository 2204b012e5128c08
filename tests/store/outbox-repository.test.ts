import { afterAll, afterEach, describe, expect, it } from '@jest/globals';
import type { Store } from '../../src/store/store.js';
import { TUESDAY_10_KST } from '../support/test-runtime.js';
import { OUTBOX_KEEP_DELIVERED, OUTBOX_KEEP_MS } from '../../src/store/outbox-repository.js';
import { storeBackends } from './store-backends.js';
import { anIncidentId } from '../support/an-incident.js';

const T0 = TUESDAY_10_KST;
const ID = anIncidentId();

describe.each(storeBackends())('OutboxRepository on $name', (backend) => {
  let store: Store;
  afterEach(async () => {
    await store?.close();
  });
  afterAll(() => backend.dispose());

  it('queues messages per platform oldest first, deduplicates while undelivered, and releases the key once delivered', async () => {
    store = await backend.open();
    const outbox = store.outbox;
    const a = await outbox.enqueue({ platform: 'slack', kind: 'card', payload: { incident: ID }, dedupeKey: `card:${ID}` }, T0);
    const b = await outbox.enqueue({ platform: 'slack', kind: 'post', payload: { text: 'hi' } }, T0 + 1);
    const dup = await outbox.enqueue({ platform: 'slack', kind: 'card', payload: { incident: ID, v: 2 }, dedupeKey: `card:${ID}` }, T0 + 2);
    await outbox.enqueue({ platform: 'teams', kind: 'post', payload: {} }, T0);
    expect(a).toEqual(expect.any(Number));
    expect(b).toBeGreaterThan(a!);
    expect(dup).toBeUndefined();
    expect((await outbox.pending('slack')).map((m) => m.id)).toEqual([a, b]);
    expect(await outbox.pending('slack', 1)).toEqual([{ id: a, platform: 'slack', kind: 'card', payload: { incident: ID }, createdAt: T0, nextAttemptAt: T0, attempts: 0 }]);
    expect(await outbox.countPending('slack')).toBe(2);
    await outbox.delivered(a!, T0 + 10);
    expect(await outbox.countPending('slack')).toBe(1);
    expect(await outbox.enqueue({ platform: 'slack', kind: 'card', payload: { incident: ID, v: 3 }, dedupeKey: `card:${ID}` }, T0 + 11)).toEqual(expect.any(Number));
  });

  it('records failures with the next attempt, drops what can never go, and the gauge counts the backlog', async () => {
    store = await backend.open();
    const outbox = store.outbox;
    const a = (await outbox.enqueue({ platform: 'slack', kind: 'post', payload: {} }, T0))!;
    const b = (await outbox.enqueue({ platform: 'slack', kind: 'post', payload: {} }, T0))!;
    await outbox.enqueue({ platform: 'teams', kind: 'post', payload: {} }, T0);
    await outbox.failed(a, 'ratelimited', T0 + 60_000);
    await outbox.failed(a, 'e'.repeat(3000), T0 + 120_000);
    const [first] = await outbox.pending('slack');
    expect(first).toMatchObject({ id: a, attempts: 2, nextAttemptAt: T0 + 120_000 });
    expect(first?.lastError).toHaveLength(1000);
    await outbox.dropped(b, 'channel_not_found', T0 + 5);
    expect((await outbox.pending('slack')).map((m) => m.id)).toEqual([a]);
    const gauges = store.gauges;
    expect(Object.fromEntries(await gauges.outboxDepth())).toEqual({ slack: 1, teams: 1 });
    expect(Object.fromEntries(await gauges.outboxBacklog())).toEqual({ slack: { count: 1, oldestAt: T0 }, teams: { count: 1, oldestAt: T0 } });
  });

  it('lets one claimer at a time hold the head of a platform, nobody the rows behind it, and anyone a claim whose lease ran out', async () => {
    store = await backend.open();
    const a = (await store.outbox.enqueue({ platform: 'slack', kind: 'post', payload: { n: 1 } }, T0))!;
    const b = (await store.outbox.enqueue({ platform: 'slack', kind: 'post', payload: { n: 2 } }, T0))!;
    const claim = (owner: string, now: number) => store.writeTransaction((tx) => tx.outbox.claimHead('slack', now, owner, now + 60_000));
    expect((await claim('one', T0))?.id).toBe(a);
    // the head is held: another claimer gets nothing (not the row behind it), the holder may renew
    expect(await claim('two', T0 + 1_000)).toBeUndefined();
    expect((await claim('one', T0 + 1_000))?.id).toBe(a);
    expect(await store.outbox.headFreeAt('slack')).toBe(T0 + 61_000);
    // the holder died: once its lease ran out another takes the same row
    expect((await claim('two', T0 + 61_000))?.id).toBe(a);
    await store.outbox.delivered(a, T0 + 62_000);
    expect((await claim('one', T0 + 62_000))?.id).toBe(b);
    // a failed attempt ends the claim; the row waits for its retry time
    await store.outbox.failed(b, 'ratelimited', T0 + 90_000);
    expect(await claim('two', T0 + 63_000)).toBeUndefined();
    expect((await claim('two', T0 + 90_000))?.id).toBe(b);
  });

  it(`keeps at most ${OUTBOX_KEEP_DELIVERED} delivered rows and none older than a day, and never prunes an undelivered one`, async () => {
    store = await backend.open();
    const extra = 57;
    const ids: number[] = [];
    await store.writeTransaction(async (tx) => {
      for (let i = 0; i < OUTBOX_KEEP_DELIVERED + extra; i++) ids.push((await tx.outbox.enqueue({ platform: 'slack', kind: 'thread', payload: { i } }, T0 + i))!);
    });
    const waiting = (await store.outbox.enqueue({ platform: 'slack', kind: 'thread', payload: { waiting: true } }, T0))!;
    await store.writeTransaction(async (tx) => {
      for (const [i, id] of ids.entries()) await tx.outbox.delivered(id, T0 + 10_000 + i);
    });
    expect(await store.outbox.prune(T0 + 20_000)).toBe(extra);
    let rows = await store.tableRows('outbox');
    expect(rows).toHaveLength(OUTBOX_KEEP_DELIVERED + 1);
    // the oldest deliveries went; the undelivered row stayed
    expect(rows.map((r) => Number(r.id)).sort((x, y) => x - y)[0]).toBe(ids[extra]);
    expect(rows.some((r) => Number(r.id) === waiting)).toBe(true);
    expect(await store.outbox.prune(T0 + 10_000 + OUTBOX_KEEP_MS + OUTBOX_KEEP_DELIVERED + extra)).toBe(OUTBOX_KEEP_DELIVERED);
    rows = await store.tableRows('outbox');
    expect(rows.map((r) => Number(r.id))).toEqual([waiting]);
  }, 60_000);
});
