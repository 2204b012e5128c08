import { describe, expect, it } from '@jest/globals';
import { join } from 'node:path';
import { VirtualClock } from '../../src/clock/virtual-clock.js';
import { packageRoot } from '../../src/config/package-root.js';
import type { RecoveredIncident } from '../../src/history/fault-type-stats.js';
import { HistoryStatsCache } from '../../src/history/history-stats-cache.js';
import type { HistorySource } from '../../src/history/history-stats.js';
import { IncidentEvents } from '../../src/incident/incident-events.js';
import { loadRunbookPack } from '../../src/runbook/load-runbook-pack.js';

const pack = loadRunbookPack(join(packageRoot(), 'runbooks/routing-ml.yaml'));
const MIN = 60_000;
const SYSTEM = { platform: 'system' as const, actor: 'drbot' };

/** A history source over a plain array that counts its queries. */
class CountingHistory implements HistorySource {
  queries = 0;
  fail = false;
  readonly rows: RecoveredIncident[] = [];
  async recovered(options: { type?: number; limit?: number } = {}): Promise<RecoveredIncident[]> {
    this.queries++;
    if (this.fail) throw new Error('database gone');
    const mine = this.rows.filter((r) => options.type === undefined || r.type === options.type).sort((a, b) => b.resolvedAt - a.resolvedAt);
    return mine.slice(0, options.limit ?? mine.length);
  }
  async countsByTypeAndStatus() {
    return [{ type: 2, status: 'resolved', count: this.rows.length }];
  }
  add(minutes: number): void {
    const openedAt = this.rows.length * 86_400_000;
    this.rows.push({ incidentId: `INC-${this.rows.length}`, type: 2, openedAt, resolvedAt: openedAt + minutes * MIN, actions: [{ stepId: 'restore-db-from-yesterday', at: openedAt + minutes * MIN - 1 }] });
  }
}

describe('HistoryStatsCache', () => {
  it('answers concurrent and repeated reads with one query until an incident resolves, closes or is cancelled', async () => {
    const history = new CountingHistory();
    history.add(40);
    const clock = new VirtualClock(0);
    const events = new IncidentEvents();
    const cache = new HistoryStatsCache(history, pack, clock);
    cache.subscribe(events);

    const [a, b] = await Promise.all([cache.recentOf(2), cache.recentOf(2)]);
    expect(a).toBe(b);
    expect(a?.mttrMedianMs).toBe(40 * MIN);
    expect(history.queries).toBe(1);

    history.add(60);
    events.incident({ incidentId: 'INC-x', change: 'updated', origin: SYSTEM, entries: [] });
    events.incident({ incidentId: 'INC-y', change: 'opened', origin: SYSTEM, entries: [] });
    await events.settled();
    expect((await cache.recentOf(2))?.recovered).toBe(1);
    expect(history.queries).toBe(1);

    events.incident({ incidentId: 'INC-x', change: 'resolved', origin: SYSTEM, entries: [] });
    await events.settled();
    expect(await cache.recentOf(2)).toMatchObject({ recovered: 2, mttrMedianMs: 50 * MIN });
    expect(history.queries).toBe(2);
    expect((await cache.allTypes()).find((s) => s.type === 2)).toMatchObject({ recovered: 2 });
    // An opening changes the counts of all types, not the recent recoveries of one.
    const queries = history.queries;
    events.incident({ incidentId: 'INC-z', change: 'opened', origin: SYSTEM, entries: [] });
    await events.settled();
    await cache.recentOf(2);
    expect(history.queries).toBe(queries);
    await cache.allTypes();
    expect(history.queries).toBe(queries + 1);
  });

  it('reads again once the kept value is older than maxAge (another replica may have changed history)', async () => {
    const history = new CountingHistory();
    const clock = new VirtualClock(0);
    const cache = new HistoryStatsCache(history, pack, clock, 60_000);
    expect((await cache.allTypes()).find((s) => s.type === 2)?.recovered).toBe(0);
    history.add(30);
    await clock.advance(59_000);
    expect((await cache.allTypes()).find((s) => s.type === 2)?.recovered).toBe(0);
    await clock.advance(1_000);
    expect((await cache.allTypes()).find((s) => s.type === 2)?.recovered).toBe(1);
  });

  it('keeps no failure: the next read after a failed query asks again', async () => {
    const history = new CountingHistory();
    history.fail = true;
    const cache = new HistoryStatsCache(history, pack, new VirtualClock(0));
    await expect(cache.recentOf(2)).rejects.toThrow('database gone');
    history.fail = false;
    history.add(20);
    expect((await cache.recentOf(2))?.recovered).toBe(1);
  });
});
