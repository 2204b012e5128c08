import { formatDuration } from '../i18n/format-duration.js';
import { translator, type Lang } from '../i18n/lang.js';
import type { FaultTypeStats } from './fault-type-stats.js';

/**
 * What history suggests for a new incident, in one line: "last 5 Type 2: median 42 min; 4 of 5
 * recovered after restore-db-from-yesterday". Undefined when the type has never been recovered.
 */
export function historyHint(stats: FaultTypeStats, lang: Lang): string | undefined {
  if (!stats.recovered || stats.mttrMedianMs === undefined) return undefined;
  const t = translator(lang);
  const head = t(
    `최근 ${stats.recovered}건의 Type ${stats.type}: 복구 시간 중앙값 ${formatDuration(stats.mttrMedianMs, lang)}`,
    `last ${stats.recovered} Type ${stats.type}: median ${formatDuration(stats.mttrMedianMs, lang)}`,
  );
  if (!stats.topStep) return head;
  return `${head}; ${t(
    `${stats.recovered}건 중 ${stats.topStep.count}건이 ${stats.topStep.stepId} 후 복구됨`,
    `${stats.topStep.count} of ${stats.recovered} recovered after ${stats.topStep.stepId}`,
  )}`;
}
