import type { Core } from '../app/core.js';
import { formatDuration } from '../i18n/format-duration.js';
import type { Incident, StepRun } from '../incident/incident.js';
import { rtoState } from '../incident/rto-clock.js';
import { drillTag } from '../incident/drill.js';
import type { Store } from '../store/store.js';
import { translator } from '../i18n/lang.js';

const MAX_STEPS = 6;

/**
 * What a paged person needs to know, in a few lines: the fault type, time elapsed against the RTO,
 * the steps tried and how each went, and what currently blocks recovery.
 */
export async function pageSummary(core: Pick<Core, 'pack' | 'lang' | 'agents'>, store: Store, incident: Incident, now: number, headline?: string): Promise<string> {
  const { pack, lang } = core;
  const t = translator(lang);
  const type = pack.types.find((x) => x.id === incident.type);
  const rto = rtoState(incident, pack, now);
  const runs = await store.incidents.stepRuns(incident.id);
  const approvals = await store.incidents.approvals(incident.id);
  const lines: string[] = [];
  if (headline) lines.push(drillTag(incident) + headline);
  lines.push(
    t(
      `${headline ? '' : drillTag(incident)}${incident.id} Type ${incident.type} ${type ? type.title.ko : ''} (${incident.scope}) · 경과 ${formatDuration(rto.elapsedMs, lang)} / RTO 목표 ${formatDuration(rto.goalMs, lang)}`,
      `${headline ? '' : drillTag(incident)}${incident.id} Type ${incident.type} ${type ? type.title.en : ''} (${incident.scope}) · elapsed ${formatDuration(rto.elapsedMs, lang)} of the ${formatDuration(rto.goalMs, lang)} RTO goal`,
    ),
  );
  const tried = runs.slice(-MAX_STEPS);
  lines.push(
    tried.length
      ? t('시도한 단계: ', 'Steps tried: ') + tried.map((r) => `${r.stepId} ${r.status}${r.summary ? ` (${r.summary.slice(0, 60)})` : ''}`).join('; ')
      : t('시도한 단계: 아직 없음', 'Steps tried: none yet'),
  );
  lines.push(t('현재 막힌 점: ', 'Current blocker: ') + blocker(core, incident, runs, approvals.filter((a) => a.status === 'pending').map((a) => a.stepId), t));
  return lines.join('\n');
}

function blocker(core: Pick<Core, 'agents'>, incident: Incident, runs: StepRun[], waitingForSecond: string[], t: (ko: string, en: string) => string): string {
  // The latest step whose most recent run did not succeed.
  const latest = new Map<string, StepRun>();
  for (const r of runs) latest.set(r.stepId, r);
  const failing = [...latest.values()].filter((r) => r.status === 'fail' || r.status === 'unknown').sort((a, b) => a.startedAt - b.startedAt).pop();
  if (failing) return t(`${failing.stepId} 실패: ${failing.summary.slice(0, 80)}`, `${failing.stepId} failed: ${failing.summary.slice(0, 80)}`);
  const last = runs[runs.length - 1];
  if (waitingForSecond.length) return t(`2차 승인 대기: ${waitingForSecond.join(', ')}`, `waiting for a second approval: ${waitingForSecond.join(', ')}`);
  if (!core.agents.presence(incident.host).online) return t(`${incident.host} 에이전트 오프라인 (진단 불가)`, `the agent on ${incident.host} is offline (no diagnostics)`);
  if (last?.status === 'running') return t(`${last.stepId} 실행 중`, `${last.stepId} still running`);
  return t('기록된 것 없음', 'none recorded');
}
