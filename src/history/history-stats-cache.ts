import type { Clock } from '../clock/clock.js';
import type { IncidentEvents } from '../incident/incident-events.js';
import type { RunbookPack } from '../runbook/pack-schema.js';
import type { FaultTypeStats } from './fault-type-stats.js';
import { historyStats, recentStats, type HistorySource } from './history-stats.js';

interface Entry<T> {
  at: number;
  value: Promise<T>;
}

/**
 * History statistics, kept between reads. Recoveries change only when an incident is resolved,
 * closed or cancelled, so those events drop everything kept; an opening changes only the counts of
 * all types, so it drops just those (a new card never waits for the recent recoveries of its type
 * to be read again). `maxAgeMs` bounds how stale it can be when another drbot replica made the
 * change or an incident was reopened. Concurrent readers share one query.
 */
export class HistoryStatsCache {
  private all?: Entry<FaultTypeStats[]>;
  private readonly recent = new Map<number, Entry<FaultTypeStats | undefined>>();

  constructor(
    private readonly source: HistorySource,
    private readonly pack: Pick<RunbookPack, 'types'>,
    private readonly clock: Pick<Clock, 'now'>,
    private readonly maxAgeMs = 60_000,
  ) {}

  /** Drops the kept statistics when an incident's lifecycle changes (not on every timeline line). */
  subscribe(events: Pick<IncidentEvents, 'onIncident'>): void {
    events.onIncident(({ change }) => {
      if (change === 'opened') this.all = undefined;
      else if (change !== 'updated') this.invalidate();
    });
  }

  /** Forgets everything kept; the next read queries the store. */
  invalidate(): void {
    this.all = undefined;
    this.recent.clear();
  }

  /** Statistics of every fault type, over all production history. */
  allTypes(): Promise<FaultTypeStats[]> {
    this.all = this.fresh(this.all) ?? { at: this.clock.now(), value: this.settle(historyStats(this.source, this.pack), () => (this.all = undefined)) };
    return this.all.value;
  }

  /** Statistics of the last recoveries of one type (what a new incident's card suggests). */
  recentOf(typeId: number): Promise<FaultTypeStats | undefined> {
    let entry = this.fresh(this.recent.get(typeId));
    if (!entry) {
      entry = { at: this.clock.now(), value: this.settle(recentStats(this.source, this.pack, typeId), () => this.recent.delete(typeId)) };
      this.recent.set(typeId, entry);
    }
    return entry.value;
  }

  private fresh<T>(entry: Entry<T> | undefined): Entry<T> | undefined {
    return entry && this.clock.now() - entry.at < this.maxAgeMs ? entry : undefined;
  }

  /** A failed query is not kept: the next reader tries again. */
  private settle<T>(value: Promise<T>, forget: () => void): Promise<T> {
    value.catch(forget);
    return value;
  }
}
