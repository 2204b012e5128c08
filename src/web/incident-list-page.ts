import type { AgentPresence } from '../agentlink/agent-port.js';
import { formatDuration } from '../i18n/format-duration.js';
import { formatTime } from '../i18n/format-time.js';
import { translator } from '../i18n/lang.js';
import type { Incident } from '../incident/incident.js';
import { rtoState } from '../incident/rto-clock.js';
import { html, type Markup } from '../markup/html.js';
import { pageLayout } from './page-layout.js';
import { typeDot } from './type-dot.js';
import { webHref, type WebContext } from './web-context.js';
import { STATUS_LABEL } from './web-labels.js';

/** What the front page shows. */
export interface IncidentListData {
  open: Incident[];
  /** Resolved, closed and cancelled incidents of the last days, newest first. */
  recent: Incident[];
  agents: AgentPresence[];
  /** The wall-clock time agents' last-seen times are measured against (agents report real time, not drbot's drill clock). */
  agentsNow: number;
}

/** The front page: open and recently finished incidents (status, type, age, rung, RTO left) and the host agents. */
export function incidentListPage(data: IncidentListData, ctx: WebContext): Markup {
  const t = translator(ctx.lang);
  const body = html`<h1>${t('인시던트', 'Incidents')}</h1>
<section aria-labelledby="open-h"><h2 id="open-h">${t(`진행 중 (${data.open.length})`, `Open (${data.open.length})`)}</h2>
${data.open.length ? incidentTable(data.open, ctx, 'open') : html`<p class="empty">${t('열린 인시던트가 없습니다.', 'No open incidents.')}</p>`}
</section>
<section aria-labelledby="recent-h"><h2 id="recent-h">${t('최근 종료', 'Recently resolved')}</h2>
${data.recent.length ? incidentTable(data.recent, ctx, 'recent') : html`<p class="empty">${t('최근 종료된 인시던트가 없습니다.', 'Nothing resolved recently.')}</p>`}
</section>
<section aria-labelledby="agents-h"><h2 id="agents-h">${t('에이전트', 'Agents')}</h2>
${agentList(data.agents, data.agentsNow, ctx)}
</section>`;
  return pageLayout(ctx, { title: t('인시던트', 'Incidents'), nav: 'incidents', body, path: '/web/', live: true });
}

function incidentTable(incidents: Incident[], ctx: WebContext, kind: 'open' | 'recent'): Markup {
  const t = translator(ctx.lang);
  const rows = incidents.map((i) => {
    const type = ctx.pack.types.find((x) => x.id === i.type);
    const rto = rtoState(i, ctx.pack, ctx.now);
    const rung = [...ctx.pack.ladder].reverse().find((r) => r.level <= i.level) ?? ctx.pack.ladder[0]!;
    const left =
      rto.stopped
        ? t(`다운타임 ${formatDuration(rto.elapsedMs, ctx.lang)}`, `down ${formatDuration(rto.elapsedMs, ctx.lang)}`)
        : rto.leftToGoalMs > 0
          ? t(`목표까지 ${formatDuration(rto.leftToGoalMs, ctx.lang)}`, `${formatDuration(rto.leftToGoalMs, ctx.lang)} to goal`)
          : rto.leftToLimitMs > 0
            ? t(`한도까지 ${formatDuration(rto.leftToLimitMs, ctx.lang)}`, `${formatDuration(rto.leftToLimitMs, ctx.lang)} to limit`)
            : t('한도 초과', 'limit exceeded');
    return html`<tr class="phase-${rto.stopped ? 'stopped' : rto.phase}" data-incident="${i.id}">
<th scope="row"><a href="${webHref(ctx, `/web/incidents/${encodeURIComponent(i.id)}`)}">${i.id}</a></th>
<td data-label="${t('유형', 'Type')}">${type ? typeDot(type.colour) : ''}Type ${i.type} ${type?.title[ctx.lang] ?? ''}</td>
<td data-label="${t('상태', 'Status')}"><span class="status status-${i.status}">${STATUS_LABEL[i.status][ctx.lang]}</span></td>
<td class="nowrap" data-label="${kind === 'open' ? t('경과', 'Age') : t('발생', 'Opened')}">${kind === 'open' ? formatDuration(rto.elapsedMs, ctx.lang) : formatTime(i.openedAt, ctx.timeZone)}</td>
<td data-label="${t('단계', 'Rung')}">${rung.level} · ${rung.title[ctx.lang]}</td>
<td data-label="RTO"><progress max="${rto.limitMs}" value="${Math.min(rto.elapsedMs, rto.limitMs)}" aria-label="${t('RTO 경과', 'RTO used')}"></progress> <span class="rto-left">${left}</span></td>
</tr>`;
  });
  return html`<div class="table-wrap"><table class="incidents" data-list="${kind}">
<thead><tr><th scope="col">${t('인시던트', 'Incident')}</th><th scope="col">${t('유형', 'Type')}</th><th scope="col">${t('상태', 'Status')}</th><th scope="col">${kind === 'open' ? t('경과', 'Age') : t('발생', 'Opened')}</th><th scope="col">${t('에스컬레이션', 'Rung')}</th><th scope="col">${t('RTO 남은 시간', 'RTO left')}</th></tr></thead>
<tbody>${rows}</tbody></table></div>`;
}

function agentList(agents: AgentPresence[], now: number, ctx: WebContext): Markup {
  const t = translator(ctx.lang);
  if (!agents.length) return html`<p class="empty">${t('등록된 에이전트가 없습니다.', 'No agents yet.')}</p>`;
  return html`<ul class="agents">${agents.map((a) => {
    const seen =
      a.lastSeenAt === undefined
        ? t('접속 기록 없음', 'never connected')
        : t(`마지막 신호 ${formatTime(a.lastSeenAt, ctx.timeZone)} (${formatDuration(Math.max(0, now - a.lastSeenAt), ctx.lang)} 전)`, `last seen ${formatTime(a.lastSeenAt, ctx.timeZone)} (${formatDuration(Math.max(0, now - a.lastSeenAt), ctx.lang)} ago)`);
    return html`<li data-agent="${a.host}"><span class="presence presence-${a.online ? 'online' : 'offline'}">${a.online ? t('연결됨', 'online') : t('오프라인', 'offline')}</span> <strong>${a.host}</strong> <span class="seen">${seen}</span></li>`;
  })}</ul>`;
}
