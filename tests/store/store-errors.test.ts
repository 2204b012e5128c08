import { afterAll, afterEach, describe, expect, it } from '@jest/globals';
import { ErrorCode, UniqueViolationError } from '../../src/errors/drbot-error.js';
import type { Store } from '../../src/store/store.js';
import { anIncident } from '../support/an-incident.js';
import { storeBackends } from './store-backends.js';

describe.each(storeBackends())('typed store errors on $name', (backend) => {
  let store: Store;
  afterEach(async () => {
    await store?.close();
  });
  afterAll(() => backend.dispose());

  it('a unique-key clash in a write transaction is a UniqueViolationError, and the transaction rolls back whole', async () => {
    store = await backend.open();
    await store.writeTransaction((tx) => tx.incidents.insert(anIncident().seq(1).build()));
    let caught: unknown;
    try {
      await store.writeTransaction(async (tx) => {
        await tx.incidents.insert(anIncident().seq(2).build());
        await tx.incidents.insert(anIncident().seq(1).with({ note: 'the same id again' }).build());
      });
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(UniqueViolationError);
    expect((caught as UniqueViolationError).code).toBe(ErrorCode.UniqueViolation);
    expect((await store.incidents.list()).map((i) => i.seq)).toEqual([1]);
  });

  it('nested write transactions join the outer one', async () => {
    store = await backend.open();
    await expect(
      store.writeTransaction(async (tx) => {
        await tx.writeTransaction((inner) => inner.incidents.insert(anIncident().seq(1).build()));
        throw new Error('the outer transaction fails after the inner one');
      }),
    ).rejects.toThrow('the outer transaction fails');
    expect(await store.incidents.list()).toEqual([]);
  });
});
