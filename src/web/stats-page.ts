import { formatDuration } from '../i18n/format-duration.js';
import { translator } from '../i18n/lang.js';
import type { FaultTypeStats } from '../history/fault-type-stats.js';
import { html, type Markup } from '../markup/html.js';
import { pageLayout } from './page-layout.js';
import { typeDot } from './type-dot.js';
import type { WebContext } from './web-context.js';

/** History per fault type: incidents, recovered, MTTR median and p90, and the step that most often preceded recovery. Drills are not counted. */
export function statsPage(stats: FaultTypeStats[], ctx: WebContext): Markup {
  const t = translator(ctx.lang);
  const dur = (ms: number | undefined) => (ms === undefined ? '—' : formatDuration(ms, ctx.lang));
  const rows = stats.map((s) => {
    const type = ctx.pack.types.find((x) => x.id === s.type);
    return html`<tr data-type="${s.type}">
<th scope="row">${type ? typeDot(type.colour) : ''}Type ${s.type} ${type?.title[ctx.lang] ?? ''}</th>
<td data-label="${t('인시던트', 'Incidents')}">${s.incidents}</td>
<td data-label="${t('복구', 'Recovered')}">${s.recovered}</td>
<td data-label="${t('MTTR 중앙값', 'MTTR median')}">${dur(s.mttrMedianMs)}</td>
<td data-label="MTTR p90">${dur(s.mttrP90Ms)}</td>
<td data-label="${t('복구 직전 단계', 'Step before recovery')}">${s.topStep ? html`<code>${s.topStep.stepId}</code> ${t(`(${s.recovered}건 중 ${s.topStep.count}건)`, `(${s.topStep.count} of ${s.recovered})`)}` : '—'}</td>
</tr>`;
  });
  const body = html`<h1>${t('장애 유형별 통계', 'Statistics by fault type')}</h1>
<p class="note">${t(
    'MTTR은 발생부터 복구(resolve)까지의 시간입니다. 훈련(drill)과 취소된 인시던트는 포함하지 않습니다. “복구 직전 단계”는 복구 직전에 성공한 호스트 변경 또는 수동 단계입니다.',
    'MTTR is the time from opening to resolve. Drills and cancelled incidents are not counted. “Step before recovery” is the last host-changing or manual step that succeeded before the incident was resolved.',
  )}</p>
<div class="table-wrap"><table class="stats">
<thead><tr><th scope="col">${t('유형', 'Type')}</th><th scope="col">${t('인시던트', 'Incidents')}</th><th scope="col">${t('복구', 'Recovered')}</th><th scope="col">${t('MTTR 중앙값', 'MTTR median')}</th><th scope="col">MTTR p90</th><th scope="col">${t('복구 직전 단계', 'Step before recovery')}</th></tr></thead>
<tbody>${rows}</tbody></table></div>`;
  return pageLayout(ctx, { title: t('통계', 'Statistics'), nav: 'stats', body, path: '/web/stats', live: true });
}
