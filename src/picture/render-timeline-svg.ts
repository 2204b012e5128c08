import { formatDuration } from '../i18n/format-duration.js';
import { formatTime } from '../i18n/format-time.js';
import { translator, type Lang } from '../i18n/lang.js';
import { rtoState } from '../incident/rto-clock.js';
import type { Approval } from '../incident/incident.js';
import { html, type Markup } from '../markup/html.js';
import type { LadderRung, Role, RunbookPack } from '../runbook/pack-schema.js';
import { STATUS_COLOUR, timelineLanes, type PageMark, type StepLane, type TimelineSource } from './timeline-lanes.js';
import { elapsedLabel, round, TimeScale } from './time-scale.js';

/** What the picture is drawn with besides the snapshot. */
export interface TimelinePictureOptions {
  pack: Pick<RunbookPack, 'rto' | 'ladder'>;
  lang: Lang;
  timeZone: string;
}

const WIDTH = 960;
const X0 = 210;
const X1 = 936;
const ROW = 24;
const FONT = "'NanumGothic','Noto Sans KR','Noto Sans CJK KR','Malgun Gothic','Apple SD Gothic Neo',system-ui,'DejaVu Sans',sans-serif";
const PHASE_COLOUR = { ok: '#2e7d32', warning: '#b26a00', missed: '#e65100', exceeded: '#c62828' } as const;
const APPROVAL_COLOUR: Record<Approval['status'], string> = { used: '#2e7d32', approved: '#1565c0', pending: '#b26a00', expired: '#6b6b6b' };
const PAGE_FILL = { sent: '#2e7d32', failed: '#c62828', skipped: '#ffffff' } as const;
const ROLE: Record<Role, { ko: string; en: string }> = {
  devops: { ko: 'DevOps', en: 'DevOps' },
  backend: { ko: 'Backend', en: 'Backend' },
  it_support: { ko: 'IT 지원', en: 'IT support' },
  cto: { ko: 'CTO', en: 'CTO' },
};
const STATUS_WORD = {
  ok: { ko: '성공', en: 'ok' },
  warn: { ko: '경고', en: 'warn' },
  fail: { ko: '실패', en: 'failed' },
  unknown: { ko: '알 수 없음', en: 'unknown' },
  running: { ko: '실행 중', en: 'running' },
} as const;

/**
 * The incident's timeline as an SVG picture: the RTO bar with the goal and limit marked, one row
 * per ladder rung with who was paged when and through which channel, one row per step with a span
 * per run coloured by its outcome, approvals and notes as markers. Every text is escaped; the
 * elements carry `data-*` attributes (mark, step, status, level) so tests and scripts can read it.
 */
export function renderTimelineSvg(snap: TimelineSource, options: TimelinePictureOptions): string {
  const { pack, lang, timeZone } = options;
  const t = translator(lang);
  const { incident, type } = snap;
  const lanes = timelineLanes(snap, lang);
  const rto = rtoState(incident, pack, snap.now);
  const hm = (at: number) => formatTime(at, timeZone).slice(11);
  const parts: Markup[] = [];

  // Header.
  const state = lanes.stopped
    ? incident.cancelledAt !== undefined && incident.resolvedAt === undefined
      ? t(`취소됨, ${formatDuration(rto.elapsedMs, lang)} 후`, `cancelled after ${formatDuration(rto.elapsedMs, lang)}`)
      : t(`${formatDuration(rto.elapsedMs, lang)} 만에 복구`, `recovered after ${formatDuration(rto.elapsedMs, lang)}`)
    : t(`진행 중, 경과 ${formatDuration(rto.elapsedMs, lang)}`, `open, ${formatDuration(rto.elapsedMs, lang)} elapsed`);
  parts.push(html`<text x="12" y="26" font-size="16" font-weight="bold" fill="#1a1a1a">${clip(`${incident.id} · Type ${type.id} ${type.title[lang]}`, 90)}</text>`);
  parts.push(html`<text x="12" y="46" fill="#444">${t('발생', 'opened')} ${formatTime(incident.openedAt, timeZone)} (${timeZone}) · ${state}</text>`);

  // RTO bar: the whole allowance, so the goal and the limit are always on it.
  const rtoScale = new TimeScale(incident.openedAt, incident.openedAt + Math.max(rto.limitMs * 1.05, rto.elapsedMs * 1.02), X0, X1);
  const barY = 62;
  parts.push(html`<text x="12" y="${barY + 12}" font-weight="bold" fill="#1a1a1a">RTO</text>`);
  parts.push(html`<rect x="${X0}" y="${barY}" width="${X1 - X0}" height="16" rx="3" fill="#eceff1"/>`);
  parts.push(
    html`<rect class="rto-elapsed" data-elapsed-minutes="${Math.round(rto.elapsedMs / 60_000)}" x="${X0}" y="${barY}" width="${rtoScale.x(lanes.endAt) - X0}" height="16" rx="3" fill="${PHASE_COLOUR[rto.phase]}"><title>${t('경과', 'elapsed')} ${formatDuration(rto.elapsedMs, lang)}</title></rect>`,
  );
  for (const [mark, ms, colour, label] of [
    ['goal', rto.goalMs, '#b26a00', t(`목표 ${elapsedLabel(rto.goalMs, lang)}`, `goal ${elapsedLabel(rto.goalMs, lang)}`)],
    ['limit', rto.limitMs, '#c62828', t(`허용 ${elapsedLabel(rto.limitMs, lang)}`, `limit ${elapsedLabel(rto.limitMs, lang)}`)],
  ] as const) {
    const x = rtoScale.x(incident.openedAt + ms);
    parts.push(
      html`<g class="rto-mark" data-mark="${mark}" data-minutes="${ms / 60_000}"><line x1="${x}" y1="${barY - 4}" x2="${x}" y2="${barY + 20}" stroke="${colour}" stroke-width="2"/><text x="${x}" y="${barY + 32}" text-anchor="middle" font-size="11" fill="${colour}">${label}</text></g>`,
    );
  }

  // Detail scale: from the opening to the end (or now), so short incidents are readable.
  const span = Math.max(lanes.endAt - incident.openedAt, 10 * 60_000);
  const scale = new TimeScale(incident.openedAt, incident.openedAt + span * 1.04, X0, X1);
  const axisY = 122;
  const rows: { label: string; full: string; group: string; draw: (y: number) => Markup }[] = [];
  for (const rung of pack.ladder) {
    const marks = lanes.pages.filter((p) => p.level === rung.level);
    rows.push({ label: `${rung.level} · ${ROLE[rung.role][lang]}`, full: rung.title[lang], group: 'ladder', draw: (y) => pageRow(rung, marks, y) });
  }
  for (const lane of lanes.steps) rows.push({ label: lane.stepId, full: lane.title, group: lane.diagnostic ? 'diagnostics' : 'steps', draw: (y) => stepRow(lane, y) });
  rows.push({ label: t('승인', 'Approvals'), full: t('승인', 'Approvals'), group: 'approvals', draw: (y) => approvalRow(y) });
  rows.push({ label: t('메모', 'Notes'), full: t('메모', 'Notes'), group: 'notes', draw: (y) => noteRow(y) });

  let y = axisY + 12;
  const rowParts: Markup[] = [];
  let group = '';
  for (const row of rows) {
    if (row.group !== group && group !== '') {
      rowParts.push(html`<line x1="12" y1="${y + 3}" x2="${X1}" y2="${y + 3}" stroke="#cfd8dc"/>`);
      y += 6;
    }
    group = row.group;
    rowParts.push(html`<g class="row" data-group="${row.group}"><text x="12" y="${y + ROW / 2 + 4}" fill="#1a1a1a"><title>${row.full}</title>${clip(row.label, 28)}</text>${row.draw(y + ROW / 2)}</g>`);
    y += ROW;
  }
  const lanesBottom = y + 4;

  // Axis, grid and the vertical moments (goal, limit, acknowledged, recovered, now).
  for (const tick of scale.ticks()) {
    const x = scale.x(tick.at);
    parts.push(html`<line x1="${x}" y1="${axisY + 4}" x2="${x}" y2="${lanesBottom}" stroke="#eceff1"/><text class="tick" x="${x}" y="${axisY}" text-anchor="middle" font-size="11" fill="#555">${elapsedLabel(tick.elapsedMs, lang)}</text>`);
  }
  const moments: [string, number | undefined, string, string][] = [
    ['goal', incident.openedAt + rto.goalMs, '#b26a00', t('목표', 'goal')],
    ['limit', incident.openedAt + rto.limitMs, '#c62828', t('허용 한도', 'limit')],
    ['ack', lanes.ackAt, '#6a1b9a', t('확인', 'ack')],
    [incident.resolvedAt !== undefined ? 'resolved' : 'cancelled', incident.resolvedAt ?? incident.cancelledAt, '#2e7d32', incident.resolvedAt !== undefined ? t('복구', 'recovered') : t('취소', 'cancelled')],
    ['now', lanes.stopped ? undefined : snap.now, '#1565c0', t('현재', 'now')],
  ];
  for (const [kind, at, colour, label] of moments) {
    if (at === undefined || !scale.contains(at)) continue;
    const x = scale.x(at);
    const text = `${label} ${hm(at)}`;
    const anchor = x > X1 - textWidth(text, 11) / 2 ? 'end' : 'middle';
    parts.push(
      html`<g class="moment" data-moment="${kind}"><line x1="${x}" y1="${axisY + 4}" x2="${x}" y2="${lanesBottom}" stroke="${colour}" stroke-width="1.5" stroke-dasharray="${kind === 'ack' || kind === 'now' ? '4 3' : 'none'}"/><text x="${anchor === 'end' ? x + 4 : x}" y="${lanesBottom + 13}" text-anchor="${anchor}" font-size="11" fill="${colour}">${text}</text></g>`,
    );
  }
  parts.push(...rowParts);

  // Legend.
  const legendY = lanesBottom + 34;
  const legend: Markup[] = [];
  let lx = 12;
  const item = (swatch: Markup, text: string) => {
    legend.push(html`<g transform="translate(${lx} ${legendY})">${swatch}<text x="14" y="4" font-size="11" fill="#444">${text}</text></g>`);
    lx += 26 + textWidth(text, 11);
  };
  for (const status of ['ok', 'warn', 'fail', 'unknown', 'running'] as const) item(html`<rect x="0" y="-5" width="10" height="10" rx="2" fill="${STATUS_COLOUR[status]}"/>`, STATUS_WORD[status][lang]);
  item(html`<circle cx="5" cy="0" r="5" fill="${PAGE_FILL.sent}"/>`, t('호출됨', 'paged'));
  item(html`<circle cx="5" cy="0" r="4.5" fill="#fff" stroke="#6b6b6b"/>`, t('호출 안 함', 'not paged'));
  item(html`<path d="M5 -6 L11 0 L5 6 L-1 0 Z" fill="#1565c0"/>`, t('승인', 'approval'));
  item(html`<rect x="0" y="-5" width="10" height="10" fill="#455a64"/>`, t('메모', 'note'));
  const height = legendY + 16;

  const desc = t(
    `${incident.id}: ${state}. RTO 목표 ${elapsedLabel(rto.goalMs, lang)}, 허용 ${elapsedLabel(rto.limitMs, lang)}. 단계 실행 ${snap.runs.length}회, 승인 ${lanes.approvals.length}건, 호출 ${lanes.pages.filter((p) => p.outcome === 'sent').length}회.`,
    `${incident.id}: ${state}. RTO goal ${elapsedLabel(rto.goalMs, lang)}, limit ${elapsedLabel(rto.limitMs, lang)}. ${snap.runs.length} step runs, ${lanes.approvals.length} approvals, ${lanes.pages.filter((p) => p.outcome === 'sent').length} pages sent.`,
  );
  return html`<svg xmlns="http://www.w3.org/2000/svg" class="timeline" viewBox="0 0 ${WIDTH} ${height}" width="${WIDTH}" height="${height}" role="img" aria-labelledby="timeline-title timeline-desc" font-family="${FONT}" font-size="12"><title id="timeline-title">${t(`${incident.id} 타임라인`, `${incident.id} timeline`)}</title><desc id="timeline-desc">${desc}</desc><rect width="${WIDTH}" height="${height}" fill="#ffffff"/>${parts}${legend}</svg>`.value;

  function pageRow(rung: LadderRung, marks: PageMark[], cy: number): Markup {
    const out: Markup[] = [];
    const scheduled = incident.openedAt + rung.afterMinutes * 60_000;
    if (scale.contains(scheduled)) {
      const x = scale.x(scheduled);
      out.push(html`<path class="rung-due" d="M${x - 4} ${cy - 9} L${x + 4} ${cy - 9} L${x} ${cy - 4} Z" fill="#90a4ae"><title>${t(`${rung.afterMinutes}분 후 호출 예정`, `due at ${rung.afterMinutes} min`)}</title></path>`);
    }
    let labelEnd = -Infinity;
    for (const p of marks) {
      const x = scale.x(p.at);
      const tip = `${hm(p.at)} ${p.text}`;
      out.push(
        html`<circle class="page" data-level="${p.level}" data-outcome="${p.outcome}" data-person="${p.person ?? ''}" data-via="${p.via ?? ''}" cx="${x}" cy="${cy}" r="${p.outcome === 'skipped' ? 4.5 : 5}" fill="${PAGE_FILL[p.outcome]}" stroke="${p.outcome === 'skipped' ? '#6b6b6b' : 'none'}"><title>${tip}</title></circle>`,
      );
      if (p.outcome !== 'sent' || x < labelEnd) continue;
      const label = clip(`${p.person ?? ''}${p.via ? ` · ${p.via}` : ''} ${hm(p.at)}`, 40);
      out.push(html`<text x="${x + 8}" y="${cy + 4}" font-size="11" fill="#1a1a1a">${label}</text>`);
      labelEnd = x + 8 + textWidth(label, 11) + 6;
    }
    return html`${out}`;
  }

  function stepRow(lane: StepLane, cy: number): Markup {
    const out: Markup[] = [];
    for (const run of lane.runs) {
      const end = run.finishedAt ?? (run.status === 'running' ? snap.now : run.startedAt);
      const x = scale.x(run.startedAt);
      const w = Math.max(4, round(scale.x(end) - x));
      const tip = `${lane.title} (${lane.stepId}) — ${STATUS_WORD[run.status][lang]} · ${hm(run.startedAt)}${run.finishedAt !== undefined ? `–${hm(run.finishedAt)}` : ''} (${formatDuration(end - run.startedAt, lang)}) · ${run.requestedBy}${run.summary ? ` · ${clip(run.summary, 200)}` : ''}`;
      out.push(
        html`<rect class="span" data-step="${run.stepId}" data-status="${run.status}" data-request="${run.requestId}" x="${x}" y="${cy - 7}" width="${w}" height="14" rx="2" fill="${STATUS_COLOUR[run.status]}"><title>${tip}</title></rect>`,
      );
    }
    for (const e of lane.manual) {
      const x = scale.x(e.at);
      out.push(html`<circle class="manual" data-step="${lane.stepId}" cx="${x}" cy="${cy}" r="5" fill="${STATUS_COLOUR.ok}"><title>${hm(e.at)} ${e.actor}: ${clip(e.text, 200)}</title></circle>`);
    }
    return html`${out}`;
  }

  function approvalRow(cy: number): Markup {
    const out: Markup[] = [];
    for (const a of lanes.approvals) {
      for (const [at, who] of [[a.firstAt, a.firstBy], [a.secondAt, a.secondBy]] as const) {
        if (at === undefined || who === undefined) continue;
        const x = scale.x(at);
        out.push(
          html`<path class="marker approval" data-step="${a.stepId}" data-status="${a.status}" d="M${x} ${cy - 6} L${x + 6} ${cy} L${x} ${cy + 6} L${x - 6} ${cy} Z" fill="${APPROVAL_COLOUR[a.status]}"><title>${hm(at)} ${t(`승인 ${a.stepId}: ${who}`, `approve ${a.stepId}: ${who}`)}</title></path>`,
        );
      }
    }
    return html`${out}`;
  }

  function noteRow(cy: number): Markup {
    return html`${lanes.notes.map((n) => {
      const x = scale.x(n.at);
      return html`<rect class="marker note" x="${x - 5}" y="${cy - 5}" width="10" height="10" fill="#455a64"><title>${hm(n.at)} ${n.actor}: ${clip(n.text, 300)}</title></rect>`;
    })}`;
  }
}

/** Roughly how wide a text is at a font size: Hangul and other wide characters count double. */
function textWidth(text: string, size: number): number {
  let w = 0;
  for (const ch of text) w += ch.codePointAt(0)! >= 0x1100 ? size : size * 0.58;
  return w;
}

/** Shortens text to `max` characters (whole code points), ending in an ellipsis. */
function clip(text: string, max: number): string {
  const chars = Array.from(text.replace(/\s+/g, ' ').trim());
  return chars.length > max ? `${chars.slice(0, max - 1).join('')}…` : chars.join('');
}
