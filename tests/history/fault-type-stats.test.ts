import { describe, expect, it } from '@jest/globals';
import { join } from 'node:path';
import { packageRoot } from '../../src/config/package-root.js';
import { faultTypeStats, lastRecoveryStep, median, percentile, type RecoveredIncident } from '../../src/history/fault-type-stats.js';
import { historyHint } from '../../src/history/history-hint.js';
import { loadRunbookPack } from '../../src/runbook/load-runbook-pack.js';

const pack = loadRunbookPack(join(packageRoot(), 'runbooks/routing-ml.yaml'));
const type2 = pack.types.find((t) => t.id === 2)!;
const MIN = 60_000;
const T0 = Date.UTC(2026, 0, 1);

function recovered(n: number, minutes: number, steps: [string, number][]): RecoveredIncident {
  const openedAt = T0 + n * 86_400_000;
  return { incidentId: `INC-${n}`, type: 2, openedAt, resolvedAt: openedAt + minutes * MIN, actions: steps.map(([stepId, at]) => ({ stepId, at: openedAt + at * MIN })) };
}

describe('median and percentile', () => {
  it('median: the middle value, or the mean of the middle two', () => {
    expect(median([])).toBeUndefined();
    expect(median([5])).toBe(5);
    expect(median([1, 3, 10])).toBe(3);
    expect(median([1, 3, 10, 20])).toBe(6.5);
  });

  it('p90 by nearest rank: the value below which 90 % of recoveries fall', () => {
    expect(percentile([], 0.9)).toBeUndefined();
    expect(percentile([7], 0.9)).toBe(7);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.9)).toBe(9);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], 0.9)).toBe(10);
    expect(percentile([10, 20], 0.9)).toBe(20);
  });
});

describe('the step that preceded recovery', () => {
  it('is the last successful host-changing or manual step before resolve; read-only checks after it do not count', () => {
    const r = recovered(1, 60, [
      ['check-db-file', 2],
      ['list-db-backups', 10],
      ['restore-db-from-yesterday', 30],
      ['check-health', 31],
      ['verify-health-never-heard-of', 40],
    ]);
    expect(lastRecoveryStep(type2, r)).toBe('restore-db-from-yesterday');
  });

  it('a manual step people did counts; steps after the resolve do not', () => {
    expect(lastRecoveryStep(type2, recovered(1, 60, [['restore-db-from-yesterday', 20], ['export-connection-string', 50], ['restart-predictor', 70]]))).toBe('export-connection-string');
  });

  it('is undefined when nothing was changed (it recovered by itself)', () => {
    expect(lastRecoveryStep(type2, recovered(1, 60, [['check-health', 50]]))).toBeUndefined();
  });
});

describe('faultTypeStats', () => {
  const history = [
    recovered(1, 42, [['restore-db-from-yesterday', 30]]),
    recovered(2, 30, [['restore-db-from-yesterday', 20], ['check-health', 21]]),
    recovered(3, 95, [['restart-predictor', 80]]),
    recovered(4, 50, [['restore-db-from-yesterday', 45]]),
    recovered(5, 20, []),
  ];

  it('counts, MTTR median and p90, and the step that most often came last', () => {
    const stats = faultTypeStats(type2, history, 7);
    expect(stats).toEqual({ type: 2, incidents: 7, recovered: 5, mttrMedianMs: 42 * MIN, mttrP90Ms: 95 * MIN, topStep: { stepId: 'restore-db-from-yesterday', count: 3 } });
  });

  it('ignores other types and says nothing when there is no history', () => {
    expect(faultTypeStats(pack.types[0]!, history)).toEqual({ type: 1, incidents: 0, recovered: 0, mttrMedianMs: undefined, mttrP90Ms: undefined, topStep: undefined });
  });

  it('a tie goes to the step that worked most recently', () => {
    const tie = [recovered(1, 40, [['restore-db-from-yesterday', 30]]), recovered(2, 40, [['restart-predictor', 30]])];
    expect(faultTypeStats(type2, tie).topStep).toEqual({ stepId: 'restart-predictor', count: 1 });
  });

  it('phrases the hint a new card shows, in both languages', () => {
    const stats = faultTypeStats(type2, history);
    expect(historyHint(stats, 'en')).toBe('last 5 Type 2: median 42 min; 3 of 5 recovered after restore-db-from-yesterday');
    expect(historyHint(stats, 'ko')).toBe('최근 5건의 Type 2: 복구 시간 중앙값 42분; 5건 중 3건이 restore-db-from-yesterday 후 복구됨');
    expect(historyHint(faultTypeStats(type2, [recovered(1, 61, [])]), 'en')).toBe('last 1 Type 2: median 1 h 1 min');
    expect(historyHint(faultTypeStats(type2, []), 'en')).toBeUndefined();
  });
});
