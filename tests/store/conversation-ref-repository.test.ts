import { afterAll, afterEach, describe, expect, it } from '@jest/globals';
import type { Store } from '../../src/store/store.js';
import { TUESDAY_10_KST } from '../support/test-runtime.js';
import { storeBackends } from './store-backends.js';

describe.each(storeBackends())('ConversationRefRepository on $name', (backend) => {
  let store: Store;
  afterEach(async () => {
    await store?.close();
  });
  afterAll(() => backend.dispose());

  it('saves a reference as JSON, replaces it under the same key, and keeps platforms apart', async () => {
    store = await backend.open();
    const refs = store.conversationRefs;
    expect(await refs.get('teams', 'ops')).toBeUndefined();
    await refs.save('teams', 'ops', { conversation: { id: '19:abc' }, serviceUrl: 'https://smba.example/' }, TUESDAY_10_KST);
    await refs.save('slack', 'ops', { channel: 'C1' }, TUESDAY_10_KST);
    await refs.save('teams', 'ops', { conversation: { id: '19:def' } }, TUESDAY_10_KST + 1);
    expect(await refs.get('teams', 'ops')).toEqual({ conversation: { id: '19:def' } });
    expect(await refs.get('slack', 'ops')).toEqual({ channel: 'C1' });
    expect(await store.tableRows('conversation_refs')).toHaveLength(2);
  });
});
