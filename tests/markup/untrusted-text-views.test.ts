import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { BLOCK_KIT_LIMITS, renderBlockKit, type SlackBlock } from '../../adapters/slack/render-block-kit.js';
import { renderAdaptiveCard } from '../../adapters/teams/render-adaptive-card.js';
import { viewActivity } from '../../adapters/teams/reply-activities.js';
import { escapeMarkup } from '../../src/markup/html.js';
import { markdownCode, markdownText } from '../../src/markup/markdown.js';
import { TRUNCATED } from '../../src/markup/clean-text.js';
import { tokenize } from '../../src/router/tokenize.js';
import { renderText } from '../../src/views/render-text.js';
import type { View } from '../../src/views/view.js';
import { hostileText, invisibleCharacters } from './hostile-text.js';
import { anIncidentId } from '../support/an-incident.js';

/** The incident the hostile view's buttons act on. */
const ID = anIncidentId();
/** An incident id as a person types it before untrusted text: tokenizer input, not an incident. */
const TYPED_ID = 'INC-20261124-001';

/** A view with untrusted text in every slot a handler fills from a person or a host. */
const hostileView = fc
  .record({ title: hostileText, text: hostileText, label: hostileText, value: hostileText, item: hostileText, detail: hostileText, code: hostileText, button: hostileText, confirm: hostileText, summary: hostileText })
  .map(
    (h): View => ({
      header: { title: h.title, emoji: '🔴' },
      summary: h.summary,
      blocks: [
        { type: 'text', text: h.text },
        { type: 'fields', fields: [{ label: h.label, value: h.value }] },
        { type: 'list', title: h.title, items: [{ text: h.item, mark: 'ok', detail: h.detail, action: { label: h.button, command: `/incident ack ${ID}` } }] },
        { type: 'code', text: h.code },
        { type: 'actions', actions: [{ label: h.button, command: `/incident approve ${ID} wipe`, confirm: { title: h.title, text: h.confirm, confirm: h.button, deny: h.label } }] },
      ],
    }),
  );

// ---- Slack -------------------------------------------------------------------------------------

/** Every text object in a Block Kit message, with its type. */
function slackTexts(blocks: SlackBlock[]): { type: string; text: string; verbatim?: boolean }[] {
  const out: { type: string; text: string; verbatim?: boolean }[] = [];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) return v.forEach(walk);
    if (!v || typeof v !== 'object') return;
    const o = v as Record<string, unknown>;
    if ((o.type === 'mrkdwn' || o.type === 'plain_text') && typeof o.text === 'string') out.push(o as { type: string; text: string });
    for (const [k, x] of Object.entries(o)) if (k !== 'value') walk(x);
  };
  walk(blocks);
  return out;
}

/**
 * What Slack would act on in mrkdwn: any `<…>` other than a plain `<http(s)://…>` link whose label is
 * its own address, an `&` that does not start one of the three entities, a code block that closes early.
 */
function activeSlackMarkup(mrkdwn: string): string[] {
  const problems: string[] = [];
  for (const m of mrkdwn.matchAll(/<([^>]*)>?/g)) {
    const inner = m[1]!;
    if (!/^https?:\/\/[^|\s<]+$/.test(inner) || !m[0].endsWith('>')) problems.push(`control sequence ${m[0]}`);
  }
  for (const m of mrkdwn.matchAll(/&(?!amp;|lt;|gt;)/g)) problems.push(`bare & at ${m.index}`);
  if (mrkdwn.startsWith('```')) {
    const inner = mrkdwn.slice(3, -3);
    if (!mrkdwn.endsWith('```') || inner.includes('```') || inner.startsWith('`') || inner.endsWith('`')) problems.push('code block broken out of');
  }
  return problems;
}

// ---- Teams -------------------------------------------------------------------------------------

/** Every string a Teams card shows, with whether the card renders it as Markdown (TextBlock, Fact) or plain (titles). */
function teamsTexts(card: unknown): { markdown: boolean; text: string }[] {
  const out: { markdown: boolean; text: string }[] = [];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) return v.forEach(walk);
    if (!v || typeof v !== 'object') return;
    const o = v as Record<string, unknown>;
    if (o.type === 'TextBlock' && typeof o.text === 'string') out.push({ markdown: true, text: o.text });
    if (typeof o.title === 'string') out.push({ markdown: o.value !== undefined, text: o.title });
    if (typeof o.value === 'string' && o.title !== undefined) out.push({ markdown: true, text: o.value });
    for (const [k, x] of Object.entries(o)) if (k !== 'data') walk(x);
  };
  walk(card);
  return out;
}

/** Markdown characters left unescaped (a backslash escapes the next character), and block markers at a line's start. */
function activeMarkdown(text: string, active: RegExp, firstLineFollowsPrefix = false): string[] {
  const problems: string[] = [];
  const unescaped = text.replace(/\\[\s\S]/g, '');
  for (const m of unescaped.matchAll(active)) problems.push(`unescaped ${m[0]}`);
  for (const line of text.split('\n').slice(firstLineFollowsPrefix ? 1 : 0)) if (/^[ \t]*([-+>#=]|\d+[.)])/.test(line)) problems.push(`line starts a block: ${line.slice(0, 20)}`);
  return problems;
}

describe('untrusted text through every platform view (fast-check)', () => {
  it('Slack: no mention, broadcast, hidden-label link or code-block escape; mrkdwn is verbatim; within limits; no invisible characters', () => {
    fc.assert(
      fc.property(hostileView, (view) => {
        const { blocks, text } = renderBlockKit([view]);
        expect(activeSlackMarkup(text)).toEqual([]);
        expect(invisibleCharacters(JSON.stringify({ blocks, text }))).toEqual([]);
        for (const t of slackTexts(blocks)) {
          if (t.type === 'mrkdwn') {
            expect(t.verbatim).toBe(true);
            expect(activeSlackMarkup(t.text)).toEqual([]);
            expect(t.text.length).toBeLessThanOrEqual(BLOCK_KIT_LIMITS.text);
          }
        }
      }),
      { numRuns: 600 },
    );
  });

  it('Teams: no link, emphasis, HTML, date function or list/heading in any TextBlock or Fact; no invisible characters', () => {
    fc.assert(
      fc.property(hostileView, (view) => {
        const card = renderAdaptiveCard(view);
        expect(invisibleCharacters(JSON.stringify(card))).toEqual([]);
        for (const t of teamsTexts(card)) {
          // The header's emoji and the list marks are drbot's own; everything after them is checked.
          const text = t.text.replace(/^(🔴|✅|•) /u, '');
          if (t.markdown) expect(activeMarkdown(text, /[`*_~[\]<>{}]/g, text !== t.text)).toEqual([]);
        }
        const textOnly = viewActivity({ summary: view.summary, blocks: [view.blocks[0]!] });
        expect(activeMarkdown(String(textOnly.text).replace(/ {2}\n/g, '\n'), /[`*_~[\]<>{}]/g)).toEqual([]);
      }),
      { numRuns: 600 },
    );
  });

  it('console: no terminal escape, control or bidi character', () => {
    fc.assert(
      fc.property(hostileView, (view) => {
        expect(invisibleCharacters(renderText(view))).toEqual([]);
      }),
      { numRuns: 600 },
    );
  });

  it('Markdown reports: inline text adds no link, HTML, emphasis, table cell or block; code cannot close its fence', () => {
    fc.assert(
      fc.property(hostileText, (text) => {
        const inline = markdownText(text);
        expect(inline).not.toContain('\n');
        expect(invisibleCharacters(inline)).toEqual([]);
        expect(activeMarkdown(inline, /[`*_~[\]<>|]/g)).toEqual([]);
        const block = markdownCode(text);
        const fence = block[0]!.replace(/text$/, '');
        expect(block.at(-1)).toBe(fence);
        expect(block.slice(1, -1).some((l) => l.includes(fence))).toBe(false);
        expect(invisibleCharacters(block.join('\n'))).toEqual([]);
      }),
      { numRuns: 600 },
    );
  });

  it('HTML and SVG: no tag, attribute break-out or invisible character', () => {
    fc.assert(
      fc.property(hostileText, (text) => {
        const out = escapeMarkup(text);
        expect(out).not.toMatch(/[<>"']/);
        expect(out.replace(/&(amp|lt|gt|quot|#39);/g, '')).not.toContain('&');
        expect(invisibleCharacters(out)).toEqual([]);
      }),
      { numRuns: 600 },
    );
  });

  it('the command tokenizer drops bidi, zero-width and control characters from every word', () => {
    fc.assert(
      fc.property(hostileText, (text) => {
        const tokens = tokenize(`/incident note ${TYPED_ID} ${text}`);
        if (tokens.ok) for (const word of [tokens.verb, ...tokens.args]) expect(invisibleCharacters(word)).toEqual([]);
      }),
      { numRuns: 600 },
    );
  });
});

describe('untrusted text, by example', () => {
  const host = 'log: ```\n<!channel> <@U123> <https://evil.example|bank> & done\n```';

  it('Slack: a host log with ``` and mentions stays inside its code block, escaped', () => {
    const { blocks } = renderBlockKit([{ summary: host, blocks: [{ type: 'code', text: host }] }]);
    expect(slackTexts(blocks)[0]!.text).toBe('```log: ˋˋˋ\n&lt;!channel&gt; &lt;@U123&gt; &lt;https://evil.example|bank&gt; &amp; done\nˋˋˋ```');
    // In mrkdwn the address becomes a link that shows itself; the label cannot hide it.
    expect(renderBlockKit([{ summary: host, blocks: [] }]).text).toBe('log: ˋˋˋ\n&lt;!channel&gt; &lt;@U123&gt; &lt;<https://evil.example>|bank&gt; &amp; done\nˋˋˋ');
  });

  it('Slack: a bare URL stays a link showing its own address; text cut to a limit says so', () => {
    const { blocks } = renderBlockKit([{ summary: 's', blocks: [{ type: 'text', text: 'see https://drbot.example/web/login?t=v1.a&b=2 now' }] }]);
    expect(slackTexts(blocks)[0]!.text).toBe('see <https://drbot.example/web/login?t=v1.a&amp;b=2> now');
    const long = renderBlockKit([{ summary: 'x'.repeat(5000), blocks: [{ type: 'fields', fields: [{ label: 'L', value: '&'.repeat(3000) }] }] }]);
    expect(long.text.endsWith(TRUNCATED)).toBe(true);
    const field = slackTexts(long.blocks)[0]!.text;
    expect(field.endsWith(`&amp; ${TRUNCATED}`)).toBe(true);
    expect(field.length).toBeLessThanOrEqual(BLOCK_KIT_LIMITS.field);
  });

  it('Teams: a Markdown link, bold and a date function in a note show as typed', () => {
    const card = renderAdaptiveCard({ summary: 's', blocks: [{ type: 'text', text: '[x](https://evil.example) **now** {{DATE(2017-02-14T06:08:39Z, SHORT)}}\n- item' }] });
    expect(card.body[0]).toMatchObject({ text: '\\[x\\](https://evil.example) \\*\\*now\\*\\* \\{\\{DATE(2017-02-14T06:08:39Z, SHORT)\\}\\}\n\\- item' });
  });

  it('every renderer strips a bidi override that would make a command read backwards', () => {
    const tricky = 'approve \u202Edaolpu\u202C \u2066x\u2069\u200b';
    expect(renderText({ summary: 's', blocks: [{ type: 'text', text: tricky }] })).toBe('approve daolpu x');
    expect(renderBlockKit([{ summary: tricky, blocks: [] }]).text).toBe('approve daolpu x');
    expect(renderAdaptiveCard({ summary: 's', blocks: [{ type: 'text', text: tricky }] }).body[0]).toMatchObject({ text: 'approve daolpu x' });
    expect(markdownText(tricky)).toBe('approve daolpu x');
    expect(tokenize(`/incident note ${TYPED_ID} ${tricky}`)).toEqual({ ok: true, verb: 'note', args: [TYPED_ID, 'approve', 'daolpu', 'x'] });
  });

  it('strips the same hostile text every time it is rendered, though clean texts are remembered between renders', () => {
    const tricky = '장애 \u202Edaolpu\u202C\u200b 로그 <!channel>';
    const clean = '장애 조치 완료';
    for (let i = 0; i < 3; i++) {
      expect(renderBlockKit([{ summary: tricky, blocks: [] }]).text).toBe('장애 daolpu 로그 &lt;!channel&gt;');
      expect(renderBlockKit([{ summary: clean, blocks: [] }]).text).toBe(clean);
      expect(renderBlockKit([{ summary: 'a\r\nb', blocks: [] }]).text).toBe('a\nb');
    }
  });
});
