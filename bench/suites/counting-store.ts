import type { Store } from '../../src/store/store.js';

/** What one flow read from the store: incident rows by id, and incident snapshots (each loads the checklist once). */
export interface ReadCounts {
  incidentRows: number;
  snapshots: number;
}

/** A Store that counts `incidents.get` (one incident row) and `incidents.checklist` or `incidents.records` (one per snapshot load), in and out of transactions. */
export function countingStore(store: Store): { store: Store; counts: ReadCounts; reset(): void } {
  const counts: ReadCounts = { incidentRows: 0, snapshots: 0 };
  const wrap = (s: Store): Store =>
    new Proxy(s, {
      get(target, prop) {
        if (prop === 'incidents') {
          const repo = target.incidents;
          return new Proxy(repo, {
            get(r, name) {
              const value = Reflect.get(r, name);
              if (typeof value !== 'function') return value;
              return (...args: unknown[]) => {
                if (name === 'get') counts.incidentRows++;
                // A snapshot reads the checklist by itself or with the other lists in one query (records).
                if (name === 'checklist' || name === 'records') counts.snapshots++;
                return (value as (...a: unknown[]) => unknown).apply(r, args);
              };
            },
          });
        }
        if (prop === 'writeTransaction') return <T>(fn: (tx: Store) => Promise<T>) => target.writeTransaction((tx) => fn(wrap(tx)));
        const value = Reflect.get(target, prop);
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
  return {
    store: wrap(store),
    counts,
    reset: () => {
      counts.incidentRows = 0;
      counts.snapshots = 0;
    },
  };
}
