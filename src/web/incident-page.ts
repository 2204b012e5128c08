import { formatTime } from '../i18n/format-time.js';
import { translator } from '../i18n/lang.js';
import type { IncidentSnapshot } from '../incident/incident-snapshot.js';
import { html, trustedMarkup, type Markup } from '../markup/html.js';
import { renderTimelineSvg } from '../picture/render-timeline-svg.js';
import { incidentCard } from '../views/incident-card.js';
import { pageLayout } from './page-layout.js';
import { renderViewHtml } from './render-view-html.js';
import { typeDot } from './type-dot.js';
import { webHref, type WebContext } from './web-context.js';
import { STATUS_LABEL } from './web-labels.js';

/** Timeline kinds the page lists (progress lines of long steps are left to the chat thread). */
const SHOWN = (e: IncidentSnapshot['timeline'][number]) => !(e.kind === 'step' && e.data?.progress === true);

/**
 * One incident: its card (status, RTO, rung, diagnostics, recovery steps and checklists, as the
 * chat card shows them, with what history suggests while it is open), the timeline picture, and
 * the whole timeline.
 */
export function incidentPage(snap: IncidentSnapshot, ctx: WebContext): Markup {
  const t = translator(ctx.lang);
  const { incident, type } = snap;
  const card = incidentCard(snap, ctx.pack, ctx.lang, 'full');
  // The card's fields (status, RTO, rung …) first, then the picture, then its runbook and checklists.
  const fields = card.blocks.filter((b) => b.type === 'fields');
  const rest = card.blocks.filter((b) => b.type !== 'fields');
  // Built by the html escaper like every page; inserted as markup.
  const svg = renderTimelineSvg(snap, { pack: ctx.pack, lang: ctx.lang, timeZone: ctx.timeZone });
  const path = `/web/incidents/${encodeURIComponent(incident.id)}`;
  const entries = snap.timeline.filter(SHOWN);
  const body = html`<p class="crumbs"><a href="${webHref(ctx, '/web/')}">${t('← 인시던트 목록', '← All incidents')}</a></p>
<h1>${typeDot(type.colour)}${incident.id} · Type ${type.id} ${type.title[ctx.lang]} <span class="status status-${incident.status}">${STATUS_LABEL[incident.status][ctx.lang]}</span></h1>
<div class="card">${renderViewHtml({ ...card, blocks: fields }, ctx.lang)}</div>
<section class="picture" aria-labelledby="picture-h"><h2 id="picture-h">${t('타임라인 그림', 'Timeline picture')}</h2>
<figure>${trustedMarkup(svg)}<figcaption><a href="${path}/timeline.svg">SVG</a> · <a href="${path}/timeline.png">PNG</a></figcaption></figure>
</section>
<div class="card">${renderViewHtml({ ...card, blocks: rest }, ctx.lang)}</div>
<section aria-labelledby="timeline-h"><h2 id="timeline-h">${t(`타임라인 (${entries.length})`, `Timeline (${entries.length})`)}</h2>
<ol class="timeline">${entries.map(
    (e) => html`<li class="kind-${e.kind}"><time datetime="${new Date(e.at).toISOString()}">${formatTime(e.at, ctx.timeZone).slice(5)}</time> <span class="actor">${e.actor}</span> <span class="entry">${e.text}</span></li>`,
  )}</ol>
</section>`;
  return pageLayout(ctx, { title: incident.id, nav: 'incidents', body, path, live: true });
}
