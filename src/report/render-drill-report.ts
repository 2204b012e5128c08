import type { Core } from '../app/core.js';
import { formatDuration } from '../i18n/format-duration.js';
import { formatTime } from '../i18n/format-time.js';
import { translator } from '../i18n/lang.js';
import { DRILL_TAG, incidentSpeed } from '../incident/drill.js';
import type { Incident, StepRun } from '../incident/incident.js';
import { rtoState } from '../incident/rto-clock.js';
import { STATUS_MARKS } from '../incident/status-marks.js';

/** The drill report's file name: `YYYY-MM-DD-typeN` (`-2`, `-3` … are added for a second drill of the day). */
export function drillReportBase(date: string, incident: Pick<Incident, 'type'>): string {
  return `${date}-type${incident.type}`;
}

/** Escapes text for one Markdown table cell or line (pipes, line breaks, HTML). */
function md(text: string): string {
  return text.replace(/[\\|<>*_`[\]]/g, (c) => `\\${c}`).replace(/\s*\n\s*/g, ' ').slice(0, 500);
}

/**
 * The report of a drill, in the configured language: how long it took to the first diagnostics, the
 * first approval and a passed health check, each step with its duration and outcome, who took part,
 * whether the RTO goal was met (in drill time) and what failed.
 */
export async function renderDrillReport(core: Core, incident: Incident): Promise<string> {
  const t = translator(core.lang);
  const lang = core.lang;
  const [runs, approvals, ticks, timeline] = await Promise.all([
    core.store.incidents.stepRuns(incident.id),
    core.store.incidents.approvals(incident.id),
    core.store.incidents.checklist(incident.id),
    core.store.incidents.timeline(incident.id),
  ]);
  const type = core.pack.types.find((x) => x.id === incident.type);
  const speed = incidentSpeed(incident);
  const d = (ms: number | undefined) => (ms === undefined ? t('없음', 'never') : formatDuration(ms, lang));
  const since = (at: number | undefined) => (at === undefined ? undefined : Math.max(0, at - incident.openedAt));
  const diagnosticIds = new Set(type?.diagnostics.map((s) => s.id) ?? []);
  const firstDiag = runs.filter((r) => diagnosticIds.has(r.stepId) && r.finishedAt !== undefined).map((r) => r.finishedAt!).sort((a, b) => a - b)[0];
  const firstApproval = approvals.filter((a) => !a.stepId.startsWith('fault-')).map((a) => a.firstAt).sort((a, b) => a - b)[0];
  const healthy = ticks.find((x) => x.itemId === 'health-check-passed')?.doneAt;
  const rto = rtoState(incident, core.pack, core.clock.now());
  const end = incident.resolvedAt ?? core.clock.now();
  const people = new Set([...(incident.drillPlan?.participants ?? []), ...timeline.filter((e) => e.actor !== 'drbot' && core.contacts.byName(e.actor)).map((e) => e.actor)]);
  const failed = runs.filter((r) => r.status === 'fail' || r.status === 'unknown');
  const pageFailures = timeline.filter((e) => e.kind === 'page' && e.text.startsWith('❗'));
  const undo = timeline.filter((e) => e.data?.drillUndo !== undefined);
  const drillTime = (ms: number | undefined) => (ms === undefined || speed === 1 ? '' : t(` (훈련 시간 ${formatDuration(ms * speed, lang)})`, ` (drill time ${formatDuration(ms * speed, lang)})`));
  const row = (label: string, ms: number | undefined) => `| ${label} | ${d(ms)}${drillTime(ms)} |`;
  const stepRow = (r: StepRun) =>
    `| ${md(r.stepId)}${r.action === 'drill_fault' ? t(' (주입한 장애)', ' (injected fault)') : ''} | ${formatTime(r.startedAt, core.timeZone).slice(11)} | ${r.finishedAt !== undefined ? formatDuration(r.finishedAt - r.startedAt, lang) : '—'} | ${r.status === 'running' ? '⏳' : STATUS_MARKS[r.status]} ${r.status} | ${md(r.requestedBy)} | ${md(r.summary)} |`;
  const lines = [
    `# ${DRILL_TAG} ${t('재해 복구 훈련 보고서', 'Disaster-recovery drill report')}: ${formatTime(incident.openedAt, core.timeZone).slice(0, 10)} Type ${incident.type}`,
    '',
    `## ${t('개요', 'Overview')}`,
    `- **${t('훈련', 'Drill')}**: ${incident.id} — ${type?.emoji ?? ''} Type ${incident.type} ${type?.title[lang] ?? ''}`,
    `- **${t('시작', 'Started')}**: ${formatTime(incident.openedAt, core.timeZone)} (${md(incident.openedBy)})`,
    `- **${t('종료', 'Ended')}**: ${incident.resolvedAt !== undefined ? formatTime(incident.resolvedAt, core.timeZone) : t('진행 중', 'still running')}`,
    `- **${t('소요 시간', 'Duration')}**: ${d(end - incident.openedAt)}${speed > 1 ? t(` (속도 ×${speed}: 훈련 시간 ${formatDuration((end - incident.openedAt) * speed, lang)})`, ` (speed ×${speed}: ${formatDuration((end - incident.openedAt) * speed, lang)} of drill time)`) : ''}`,
    `- **${t('참가자', 'Participants')}**: ${[...people].map(md).join(', ') || t('없음', 'none')}`,
    `- **RTO**: ${rto.elapsedMs <= rto.goalMs ? t(`목표 ${d(rto.goalMs)} 달성`, `goal of ${d(rto.goalMs)} met`) : t(`목표 ${d(rto.goalMs)} 미달`, `goal of ${d(rto.goalMs)} missed`)} (${t('경과', 'elapsed')} ${d(rto.elapsedMs)}${speed > 1 ? t(', 훈련 시간', ', drill time') : ''})`,
    '',
    `## ${t('걸린 시간', 'Times')}`,
    `| ${t('단계', 'milestone')} | ${t('시작부터', 'after the start')} |`,
    '|---|---|',
    row(t('첫 진단 결과', 'first diagnostics'), since(firstDiag)),
    row(t('첫 승인', 'first approval'), since(firstApproval)),
    row(t('헬스 체크 통과', 'health check passed'), since(healthy)),
    '',
    `## ${t('단계별 실행', 'Steps')}`,
    runs.length ? `| ${t('단계', 'step')} | ${t('시작', 'started')} | ${t('소요', 'took')} | ${t('결과', 'outcome')} | ${t('요청', 'by')} | ${t('요약', 'summary')} |\n|---|---|---|---|---|---|\n${runs.map(stepRow).join('\n')}` : t('실행한 단계가 없습니다.', 'No step ran.'),
    '',
    `## ${t('실패한 것', 'What failed')}`,
    ...(failed.length || pageFailures.length || undo.some((e) => e.data?.drillUndo !== 'ok')
      ? [
          ...failed.map((r) => `- ${md(r.stepId)}: ${r.status} — ${md(r.summary)}`),
          ...pageFailures.map((e) => `- ${md(e.text)}`),
          ...undo.filter((e) => e.data?.drillUndo !== 'ok').map((e) => `- ${md(e.text)}`),
        ]
      : [t('- 없음', '- nothing')]),
    '',
    `## ${t('되돌린 장애', 'Faults undone')}`,
    ...(undo.length ? undo.map((e) => `- ${md(e.text)}`) : [t('- 주입한 장애 없음', '- no fault was injected')]),
    '',
  ];
  return lines.join('\n');
}
