import type { Lang } from '../i18n/lang.js';
import { html, type Markup } from '../markup/html.js';
import { pageLayout } from './page-layout.js';

/** A page that only says something (signed out, link expired, not found), with what to do next. */
export function messagePage(lang: Lang, page: { title: string; text: string; next?: string; continueTo?: string }): Markup {
  const body = html`<h1>${page.title}</h1><p class="message">${page.text}</p>${page.next ? html`<p class="next">${page.next}</p>` : ''}${
    page.continueTo ? html`<p><a class="continue" href="${page.continueTo}">${lang === 'ko' ? '계속' : 'Continue'}</a></p>` : ''
  }`;
  // The sign-in link arrives from another site (Slack, Teams). A navigation drbot's own page starts
  // is same-site, so the SameSite=Strict session cookie goes with it; after a 302 it would not.
  const head = page.continueTo ? html`<meta http-equiv="refresh" content="0;url=${page.continueTo}">` : undefined;
  return pageLayout({ lang }, { title: page.title, nav: 'none', body, head });
}
