import { translator, type Lang } from '../i18n/lang.js';
import { html, type Markup } from '../markup/html.js';
import type { Block, ListItem, Mark, View } from '../views/view.js';

/** Words for the marks beside list items: shown as a coloured label, so colour is never the only sign. */
export const MARK_WORDS: Record<Mark, { ko: string; en: string }> = {
  ok: { ko: '성공', en: 'ok' },
  warn: { ko: '경고', en: 'warn' },
  fail: { ko: '실패', en: 'failed' },
  pending: { ko: '대기', en: 'pending' },
  running: { ko: '실행 중', en: 'running' },
  done: { ko: '완료', en: 'done' },
  todo: { ko: '할 일', en: 'to do' },
  info: { ko: '정보', en: 'info' },
};

/** A mark as a small labelled badge. */
export function markBadge(mark: Mark, lang: Lang): Markup {
  return html`<span class="mark mark-${mark}">${MARK_WORDS[mark][lang]}</span>`;
}

/**
 * Renders a platform-neutral view (the incident card) as HTML for the read-only web view. Buttons
 * become the command they stand for, shown as code: the page changes nothing itself.
 */
export function renderViewHtml(view: View, lang: Lang, options: { headingLevel?: 2 | 3 } = {}): Markup {
  const h = options.headingLevel ?? 2;
  return html`${view.blocks.map((b) => block(b, lang, h))}`;
}

function block(b: Block, lang: Lang, h: 2 | 3): Markup {
  const t = translator(lang);
  switch (b.type) {
    case 'text':
      return html`<p class="text">${b.text}</p>`;
    case 'fields':
      return html`<dl class="fields">${b.fields.map((f) => html`<div><dt>${f.label}</dt><dd>${f.value}</dd></div>`)}</dl>`;
    case 'list':
      return html`<section class="list">${b.title ? (h === 2 ? html`<h2>${b.title}</h2>` : html`<h3>${b.title}</h3>`) : ''}<ul>${b.items.map((i) => item(i, lang))}</ul></section>`;
    case 'code':
      return html`<pre><code>${b.text}</code></pre>`;
    case 'divider':
      return html`<hr>`;
    case 'actions':
      return html`<section class="commands"><h${h === 2 ? '2' : '3'}>${t('명령', 'Commands')}</h${h === 2 ? '2' : '3'}><ul>${b.actions.map((a) => html`<li><span>${a.label}</span> <code>${a.command}</code></li>`)}</ul></section>`;
    case 'choices':
      return html`<section class="commands"><h${h === 2 ? '2' : '3'}>${b.title}</h${h === 2 ? '2' : '3'}><ul>${b.options.map((o) => html`<li><span>${o.selected ? '▶ ' : ''}${o.label}</span> <code>${o.command}</code></li>`)}</ul></section>`;
  }
}

function item(i: ListItem, lang: Lang): Markup {
  return html`<li>${i.mark ? markBadge(i.mark, lang) : ''}<span class="item-text">${i.text}</span>${i.detail ? html`<pre class="detail">${i.detail}</pre>` : ''}</li>`;
}
