import { formatDuration } from '../i18n/format-duration.js';
import { formatTime } from '../i18n/format-time.js';
import type { Lang } from '../i18n/lang.js';
import { translator } from '../i18n/lang.js';
import type { IncidentSnapshot } from '../incident/incident-snapshot.js';
import type { Approval, StepRun, StepRunStatus } from '../incident/incident.js';
import { rtoState } from '../incident/rto-clock.js';
import { allChecklistItems } from '../runbook/checklist-items.js';
import { findStep } from '../runbook/find-step.js';
import type { RunbookPack } from '../runbook/pack-schema.js';
import { KEPT_HEADINGS, KEPT_PLACEHOLDERS, keptBlock, type KeptSections } from './kept-sections.js';
import { reportDate } from './report-date.js';
import { markdownCode, markdownText } from '../markup/markdown.js';
import { safeText, truncate } from '../markup/clean-text.js';
import { scrubText } from '../logging/scrub-secrets.js';

/** What the report is written from. */
export interface ReportInput {
  snapshot: IncidentSnapshot;
  pack: RunbookPack;
  lang: Lang;
  timeZone: string;
  /** Human-written sections of the previous version, kept as they are. */
  kept?: KeptSections;
  /** The timeline picture's file beside the report (`2026-11-24.svg`), linked under the summary. */
  picture?: string;
}

const SCOPE = { full: { ko: '전체', en: 'full' }, partial: { ko: '부분', en: 'partial' }, feature: { ko: '특정 기능', en: 'one feature' } } as const;
const STATUS = { open: { ko: '진행 중', en: 'open' }, resolved: { ko: '복구 완료', en: 'resolved' }, closed: { ko: '종료', en: 'closed' }, cancelled: { ko: '취소', en: 'cancelled' } } as const;
const APPROVAL = { pending: { ko: '2차 승인 대기', en: 'waiting for a second person' }, approved: { ko: '승인됨 (미실행)', en: 'approved, not run' }, used: { ko: '실행됨', en: 'used' }, expired: { ko: '만료', en: 'expired' } } as const;
const MARK: Record<StepRunStatus, string> = { ok: '✅', warn: '⚠️', fail: '❌', unknown: '❔', running: '⏳' };
/** Timeline entries worth a line in the report's timeline (the rest is in the other sections). */
const TIMELINE_KINDS = new Set(['opened', 'ack', 'assign', 'escalate', 'page', 'alarm', 'notice', 'note', 'status', 'correction', 'report']);

/**
 * The post-incident report in the procedure's template (`# Incident Report`, 개요, 원인, 복구 과정,
 * 재발 방지 대책, 교훈) filled from what happened: times, downtime, impact, the RTO goal and limit,
 * the cause, diagnostic evidence, every recovery step with its approvers and result, the checklist
 * and the timeline. Prevention and lessons are for people; their text is carried over from `kept`.
 */
export function formatIncidentReport(input: ReportInput): string {
  const { snapshot: snap, pack, lang, timeZone } = input;
  const { incident, type } = snap;
  const t = translator(lang);
  const at = (ms: number) => formatTime(ms, timeZone);
  const hm = (ms: number) => at(ms).slice(11);
  const rto = rtoState(incident, pack, snap.now);
  const out: string[] = [];

  out.push(`# Incident Report: ${reportDate(incident, timeZone)}`, '');
  out.push(
    t(
      `<!-- drbot이 ${incident.id}에서 만든 보고서입니다. \`/incident report ${incident.id}\`로 다시 만들 때 drbot:keep 표시 사이의 내용은 그대로 유지됩니다. 시각은 ${timeZone} 기준. -->`,
      `<!-- Written by drbot from ${incident.id}. \`/incident report ${incident.id}\` re-renders it and keeps whatever is between the drbot:keep markers. Times are ${timeZone}. -->`,
    ),
    '',
  );

  // 개요
  const goalText = roundDuration(rto.goalMs, lang);
  const limitText = roundDuration(rto.limitMs, lang);
  const metText = (met: boolean) => (met ? t('달성', 'met') : t('미달', 'missed'));
  const rtoLine = rto.stopped
    ? t(
        `목표 ${goalText} 이내 — ${metText(rto.elapsedMs <= rto.goalMs)} · 허용 ${limitText} — ${metText(rto.elapsedMs <= rto.limitMs)}`,
        `goal ${goalText} — ${metText(rto.elapsedMs <= rto.goalMs)} · limit ${limitText} — ${metText(rto.elapsedMs <= rto.limitMs)}`,
      )
    : t(`진행 중 (경과 ${formatDuration(rto.elapsedMs, lang)}, 목표 ${goalText} / 허용 ${limitText})`, `running (${formatDuration(rto.elapsedMs, lang)} elapsed; goal ${goalText}, limit ${limitText})`);
  out.push(t('## 개요', '## Summary'));
  out.push(`- **${t('발생 시각', 'Occurred')}**: ${at(incident.openedAt)}`);
  out.push(`- **${t('복구 시각', 'Recovered')}**: ${incident.resolvedAt !== undefined ? at(incident.resolvedAt) : t('— (복구 전)', '— (not yet)')}`);
  out.push(`- **${t('다운타임', 'Downtime')}**: ${formatDuration(rto.elapsedMs, lang)}${incident.resolvedAt === undefined ? t(' (진행 중)', ' (so far)') : ''}`);
  out.push(`- **${t('영향 범위', 'Impact')}**: ${SCOPE[incident.scope][lang]}`);
  out.push(`- **${t('인시던트', 'Incident')}**: ${incident.id} — Type ${type.id} ${type.title[lang]}`);
  out.push(`- **RTO**: ${rtoLine}`);
  out.push(`- **${t('상태', 'Status')}**: ${STATUS[incident.status][lang]}${incident.resolvedBy ? ` (${markdownText(incident.resolvedBy)})` : ''}`);
  out.push(`- **${t('대응', 'Response')}**: ${t('개시', 'opened by')} ${markdownText(incident.openedBy)}${incident.commander ? t(`, 지휘 ${markdownText(incident.commander)}`, `, commander ${markdownText(incident.commander)}`) : ''}${incident.ackedBy ? t(`, 확인 ${markdownText(incident.ackedBy)} ${hm(incident.ackedAt ?? incident.openedAt)}`, `, acknowledged by ${markdownText(incident.ackedBy)} at ${hm(incident.ackedAt ?? incident.openedAt)}`) : ''}; ${t('에스컬레이션', 'escalation')} ${incident.level}${t('단계', '')} (${snap.rung.title[lang]})`);
  if (incident.note) out.push(`- **${t('메모', 'Note')}**: ${oneLine(incident.note)}`);
  out.push('');
  if (input.picture) out.push(`![${t('타임라인', 'Timeline')}](${encodeURI(input.picture)})`, '');

  // 원인 + 진단 근거
  const firstRecoveryAt = Math.min(...snap.runs.filter((r) => sectionOf(r) !== 'diagnostics').map((r) => r.startedAt), Infinity);
  const isRecovery = (r: StepRun) => sectionOf(r) !== 'diagnostics' || (r.stepId === type.healthCheck && r.startedAt >= firstRecoveryAt);
  function sectionOf(run: StepRun): string {
    return findStep(type, run.stepId)?.section ?? 'diagnostics';
  }
  out.push(t('## 원인', '## Cause'));
  out.push(incident.cause ? markdownText(incident.cause) : t('[원인이 기록되지 않았습니다 — `/incident resolve <id> <원인>`으로 남겨 주세요]', '[no cause was recorded — give it with `/incident resolve <id> <cause>`]'));
  out.push('', t('### 진단 근거', '### Diagnostic evidence'));
  const packOrder = (r: StepRun) => type.diagnostics.findIndex((s) => s.id === r.stepId);
  const evidence = snap.runs.filter((r) => !isRecovery(r)).sort((a, b) => a.startedAt - b.startedAt || packOrder(a) - packOrder(b));
  if (!evidence.length) out.push(t('- (실행된 진단 없음)', '- (no diagnostics were run)'));
  for (const run of evidence) out.push(...runLines(run, type.diagnostics.find((s) => s.id === run.stepId)?.title[lang]));
  out.push('');

  // 복구 과정
  out.push(t('## 복구 과정', '## Recovery'));
  const manual = snap.timeline.filter((e) => e.kind === 'step' && e.data?.manual === true);
  // Runs in the same millisecond (a restart and the health check after it) keep the order the timeline recorded them in.
  const recordedAt = new Map(snap.timeline.filter((e) => e.kind === 'step' && typeof e.data?.request === 'string').map((e) => [e.data!.request as string, e.id ?? 0]));
  const recovery: { at: number; seq: number; lines: string[] }[] = [
    ...snap.runs.filter(isRecovery).map((run) => ({ at: run.startedAt, seq: recordedAt.get(run.requestId) ?? Number.MAX_SAFE_INTEGER, lines: recoveryLines(run) })),
    ...manual.map((e) => ({ at: e.at, seq: e.id ?? 0, lines: [`${t('수동', 'manual')} — ${oneLine(e.text)} (${markdownText(e.actor)}, ${hm(e.at)})`] })),
  ].sort((a, b) => a.at - b.at || a.seq - b.seq);
  if (!recovery.length) out.push(t('1. (실행된 복구 단계 없음)', '1. (no recovery step was run)'));
  recovery.forEach((r, i) => {
    out.push(`${i + 1}. ${r.lines[0]}`, ...r.lines.slice(1).map((l) => `   ${l}`));
  });
  out.push('', t('### 승인 내역', '### Approvals'));
  if (!snap.approvals.length) out.push(t('(승인 기록 없음)', '(no approvals)'));
  else {
    out.push(t('| 단계 | 1차 승인 | 2차 승인 | 상태 |', '| step | approved by | second approval | status |'), '|---|---|---|---|');
    for (const a of snap.approvals) out.push(`| \`${a.stepId}\` | ${cell(a.firstBy)} (${hm(a.firstAt)}) | ${a.secondBy ? `${cell(a.secondBy)} (${hm(a.secondAt ?? a.firstAt)})` : a.needsTwo ? t('필요', 'needed') : '—'} | ${APPROVAL[a.status][lang]} |`);
  }
  out.push('', t('### 체크리스트', '### Checklist'));
  const ticks = new Map(snap.ticks.map((x) => [x.itemId, x]));
  for (const { item } of allChecklistItems(pack)) {
    const tick = ticks.get(item.id);
    out.push(`- [${tick ? 'x' : ' '}] ${item.text[lang]}${tick ? ` — ${markdownText(tick.doneBy)}, ${at(tick.doneAt)}` : ''}`);
  }
  out.push('', t('### 타임라인', '### Timeline'));
  const events = snap.timeline.filter((e) => TIMELINE_KINDS.has(e.kind));
  for (const e of events) out.push(`- ${at(e.at)} ${markdownText(e.actor)}: ${oneLine(e.text)}`);
  out.push('');

  // Human sections.
  for (const name of ['prevention', 'lessons'] as const) {
    out.push(KEPT_HEADINGS[name][lang], keptBlock(name, input.kept?.[name] ?? KEPT_PLACEHOLDERS[name][lang]), '');
  }
  // The kept sections are people's own Markdown: left as written, but scrubbed like everything else drbot writes.
  return scrubText(out.join('\n'));

  function recoveryLines(run: StepRun): string[] {
    const located = findStep(type, run.stepId);
    const title = located?.step.title[lang] ?? run.stepId;
    const approval = run.approvalId ? snap.approvals.find((a) => a.id === run.approvalId) : undefined;
    const head = `**${title}** (\`${run.stepId}\`) — ${approvalText(approval)} · ${t('실행', 'run by')} ${markdownText(run.requestedBy)} ${hm(run.startedAt)}${run.finishedAt !== undefined && hm(run.finishedAt) !== hm(run.startedAt) ? `–${hm(run.finishedAt)}` : ''} · ${t('결과', 'result')} ${MARK[run.status]} ${run.status}${run.summary ? `: ${oneLine(run.summary)}` : ''}`;
    return [head, ...outputBlock(run.output)];
  }

  function approvalText(approval: Approval | undefined): string {
    if (!approval) return t('승인 불필요', 'no approval needed');
    const who = approval.secondBy ? `${markdownText(approval.firstBy)} ${hm(approval.firstAt)}, ${markdownText(approval.secondBy)} ${hm(approval.secondAt ?? approval.firstAt)}` : `${markdownText(approval.firstBy)} ${hm(approval.firstAt)}`;
    return `${t('승인', 'approved by')} ${who}`;
  }

  function runLines(run: StepRun, title: string | undefined): string[] {
    return [`- ${MARK[run.status]} **${title ?? run.stepId}** (\`${run.stepId}\`, ${hm(run.startedAt)}, ${markdownText(run.requestedBy)}): ${oneLine(run.summary || run.status)}`, ...outputBlock(run.output).map((l) => `  ${l}`)];
  }
}

/** The first lines of an agent's output as a fenced block (evidence), or nothing; a longer line or output says it was cut. */
function outputBlock(output: string, maxLines = 8): string[] {
  const clean = safeText(output);
  if (!clean.trim()) return [];
  const lines = clean.trimEnd().split('\n').filter((l, i, all) => l.length || i < all.length - 1);
  const shown = lines.slice(0, maxLines).map((l) => truncate(l, 300));
  if (lines.length > maxLines) shown.push(`… (+${lines.length - maxLines})`);
  return markdownCode(shown.join('\n'));
}

/** `4시간` / `4 h` for whole hours (the procedure's wording), else the usual `X시간 Y분`. */
function roundDuration(ms: number, lang: Lang): string {
  const hours = ms / 3_600_000;
  if (Number.isInteger(hours)) return lang === 'ko' ? `${hours}시간` : `${hours} h`;
  return formatDuration(ms, lang);
}

/** User or host text on one line of the report, Markdown escaped. */
function oneLine(text: string): string {
  return markdownText(text);
}

function cell(text: string): string {
  return markdownText(text);
}
