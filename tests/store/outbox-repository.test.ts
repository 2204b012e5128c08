import { afterAll, afterEach, describe, expect, it } from '@jest/globals';
import type { Store } from '../../src/store/store.js';
import { TUESDAY_10_KST } from '../support/test-core.js';
import { storeBackends } from './store-backends.js';

const T0 = TUESDAY_10_KST;

describe.each(storeBackends())('OutboxRepository on $name', (backend) => {
  let store: Store;
  afterEach(async () => {
    await store?.close();
  });
  afterAll(() => backend.dispose());

  it('queues messages per platform oldest first, deduplicates while undelivered, and releases the key once delivered', async () => {
    store = await backend.open();
    const outbox = store.outbox;
    const a = await outbox.enqueue({ platform: 'slack', kind: 'card', payload: { incident: 'INC-1' }, dedupeKey: 'card:INC-1' }, T0);
    const b = await outbox.enqueue({ platform: 'slack', kind: 'post', payload: { text: 'hi' } }, T0 + 1);
    const dup = await outbox.enqueue({ platform: 'slack', kind: 'card', payload: { incident: 'INC-1', v: 2 }, dedupeKey: 'card:INC-1' }, T0 + 2);
    await outbox.enqueue({ platform: 'teams', kind: 'post', payload: {} }, T0);
    expect(a).toEqual(expect.any(Number));
    expect(b).toBeGreaterThan(a!);
    expect(dup).toBeUndefined();
    expect((await outbox.pending('slack')).map((m) => m.id)).toEqual([a, b]);
    expect(await outbox.pending('slack', 1)).toEqual([{ id: a, platform: 'slack', kind: 'card', payload: { incident: 'INC-1' }, createdAt: T0, nextAttemptAt: T0, attempts: 0 }]);
    expect(await outbox.countPending('slack')).toBe(2);
    await outbox.delivered(a!, T0 + 10);
    expect(await outbox.countPending('slack')).toBe(1);
    expect(await outbox.enqueue({ platform: 'slack', kind: 'card', payload: { incident: 'INC-1', v: 3 }, dedupeKey: 'card:INC-1' }, T0 + 11)).toEqual(expect.any(Number));
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
});
