import { afterAll, afterEach, describe, expect, it } from '@jest/globals';
import type { Store } from '../../src/store/store.js';
import { TUESDAY_10_KST } from '../support/test-runtime.js';
import { storeBackends } from './store-backends.js';

const T0 = TUESDAY_10_KST;

describe.each(storeBackends())('SeenRequestRepository on $name', (backend) => {
  let store: Store;
  afterEach(async () => {
    await store?.close();
  });
  afterAll(() => backend.dispose());

  it('says "first" once per key while it is remembered, even to callers at the same moment, and again once it expired', async () => {
    store = await backend.open();
    const seen = store.seenRequests;
    const firsts = await Promise.all(Array.from({ length: 8 }, () => seen.firstSight('slack-event:Ev1', T0 + 60_000, T0)));
    expect(firsts.filter(Boolean)).toHaveLength(1);
    expect(await seen.firstSight('slack-event:Ev2', T0 + 60_000, T0)).toBe(true);
    expect(await seen.firstSight('slack-event:Ev1', T0 + 120_000, T0 + 59_999)).toBe(false);
    expect(await seen.firstSight('slack-event:Ev1', T0 + 120_000, T0 + 60_000)).toBe(true);
    expect(await seen.prune(T0 + 60_000)).toBe(1);
    expect((await store.tableRows('seen_requests')).map((r) => r.key)).toEqual(['slack-event:Ev1']);
  });
});
