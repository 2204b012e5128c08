import { translator } from '../i18n/lang.js';
import { html, type Markup } from '../markup/html.js';
import { webHref, type WebContext } from './web-context.js';

/** Which item of the navigation is current. */
export type NavItem = 'incidents' | 'stats' | 'none';

/**
 * The HTML document around every page: stylesheet and the small live-update script as files (the
 * CSP allows no inline script or style), navigation, language switch, and who is signed in.
 */
export function pageLayout(ctx: WebContext | Pick<WebContext, 'lang'>, page: { title: string; nav: NavItem; body: Markup; path?: string; live?: boolean; head?: Markup }): Markup {
  const t = translator(ctx.lang);
  const full = 'user' in ctx ? ctx : undefined;
  const other = ctx.lang === 'ko' ? 'en' : 'ko';
  const nav = full
    ? html`<nav aria-label="${t('주 메뉴', 'Main')}"><ul>
<li><a href="${webHref(full, '/web/')}"${page.nav === 'incidents' ? html` aria-current="page"` : ''}>${t('인시던트', 'Incidents')}</a></li>
<li><a href="${webHref(full, '/web/stats')}"${page.nav === 'stats' ? html` aria-current="page"` : ''}>${t('통계', 'Statistics')}</a></li>
</ul>
<p class="who">${page.path ? html`<a href="${page.path}${page.path.includes('?') ? '&' : '?'}lang=${other}" lang="${other}" hreflang="${other}">${other === 'ko' ? '한국어' : 'English'}</a> · ` : ''}<span>${full.user}</span></p></nav>`
    : '';
  return html`<!doctype html>
<html lang="${ctx.lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${page.title} · drbot</title>
<link rel="stylesheet" href="/web/assets/drbot.css">
${page.head}
${page.live ? html`<script src="/web/assets/live.js" defer></script>` : ''}
</head>
<body${page.live ? html` data-live="/web/events"` : ''}>
<header class="top"><a class="brand" href="${full ? webHref(full, '/web/') : '/web/'}">drbot</a>${nav}</header>
<main id="main">
${page.body}
</main>
${page.live ? html`<p class="live" role="status" aria-live="polite" data-live-status>${t('실시간 갱신 연결 중…', 'Connecting live updates…')}</p>` : ''}
</body>
</html>
`;
}
