import type { RunbookPack } from '../runbook/pack-schema.js';
import type { HistoryRepository } from '../store/history-repository.js';
import { faultTypeStats, recoveryStepIds, type FaultTypeStats } from './fault-type-stats.js';

/** How many recent recoveries of a type a new incident's card learns from. */
export const RECENT_RECOVERIES = 5;

/** The history queries the statistics read (HistoryRepository in the store). */
export type HistorySource = Pick<HistoryRepository, 'recovered' | 'countsByTypeAndStatus'>;

/** Statistics of every fault type of the pack (or of one), from all production history. */
export async function historyStats(history: HistorySource, pack: Pick<RunbookPack, 'types'>, options: { type?: number } = {}): Promise<FaultTypeStats[]> {
  const types = pack.types.filter((t) => options.type === undefined || t.id === options.type);
  const [recovered, counts] = await Promise.all([history.recovered({ type: options.type, steps: stepsThatCount(types) }), history.countsByTypeAndStatus()]);
  return types.map((type) => {
      const incidents = counts.filter((c) => c.type === type.id && c.status !== 'cancelled').reduce((n, c) => n + c.count, 0);
      return faultTypeStats(type, recovered, incidents);
    });
}

/** Statistics of the last `n` recoveries of one fault type: what a new incident's card suggests. */
export async function recentStats(history: Pick<HistorySource, 'recovered'>, pack: Pick<RunbookPack, 'types'>, typeId: number, n = RECENT_RECOVERIES): Promise<FaultTypeStats | undefined> {
  const type = pack.types.find((t) => t.id === typeId);
  if (!type) return undefined;
  return faultTypeStats(type, await history.recovered({ type: typeId, limit: n, steps: stepsThatCount([type]) }));
}

/** Every step id that can count as the one that preceded recovery, so the query reads no other runs. */
function stepsThatCount(types: Pick<RunbookPack, 'types'>['types']): string[] {
  return [...new Set(types.flatMap((t) => [...recoveryStepIds(t)]))];
}
