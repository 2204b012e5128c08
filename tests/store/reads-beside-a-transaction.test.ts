import { afterAll, describe, expect, it } from '@jest/globals';
import type { Incident } from '../../src/incident/incident.js';
import type { Store } from '../../src/store/store.js';
import { anIncident } from '../support/an-incident.js';
import { storeBackends } from './store-backends.js';

/** Lets the event loop run everything already queued (the transaction's first statements, a read's answer). */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

describe.each(storeBackends())('reads while a write transaction is open, on $name', (backend) => {
  afterAll(() => backend.dispose());

  /** Opens a write transaction that inserts `incident`, then waits for the returned `end` before it commits (or throws). */
  async function holdOpen(store: Store, incident: Incident) {
    let end!: (commit: boolean) => void;
    const ended = new Promise<boolean>((resolve) => (end = resolve));
    const tx = store.writeTransaction(async (t) => {
      await t.incidents.insert(incident);
      if (!(await ended)) throw new Error('rolled back on purpose');
    });
    for (let i = 0; i < 5; i++) await settle();
    return { end, tx };
  }

  it('never see the row it has not committed, and see it once it commits', async () => {
    const store = await backend.open();
    const a = anIncident().seq(1).build();
    const { end, tx } = await holdOpen(store, a);
    const seen: string[] = [];
    const reads = [
      store.incidents.get(a.id).then((x) => seen.push(`get:${x ? 'row' : 'none'}`)),
      store.incidents.list(['open'], 10).then((x) => seen.push(`list:${x.length}`)),
      store.incidents.listWithRecords('open', 2).then((x) => seen.push(`withRecords:${x.length}`)),
    ];
    for (let i = 0; i < 5; i++) await settle();
    // SQLite: the reads wait for the transaction (one connection); PostgreSQL: they read what is committed
    expect(seen.filter((s) => s.endsWith(':row') || s.endsWith(':1'))).toEqual([]);
    end(true);
    await tx;
    await Promise.all(reads);
    expect((await store.incidents.get(a.id))?.id).toBe(a.id);
    expect((await store.incidents.listWithRecords('open', 2)).map((x) => x.incident.id)).toEqual([a.id]);
  });

  it('never see the row of a transaction that rolls back', async () => {
    const store = await backend.open();
    const a = anIncident().seq(1).build();
    const { end, tx } = await holdOpen(store, a);
    const read = store.incidents.get(a.id);
    const listed = store.incidents.listWithRecords('open', 2);
    for (let i = 0; i < 5; i++) await settle();
    end(false);
    await expect(tx).rejects.toThrow('rolled back on purpose');
    expect(await read).toBeUndefined();
    expect(await listed).toEqual([]);
    expect(await store.incidents.get(a.id)).toBeUndefined();
  });
});
