/**
 * The one escaper for text drbot sends to Slack (mrkdwn sections and fields, code blocks, the
 * `text` fallback, plain_text objects). Every function first removes invisible and bidi characters
 * and scrubs secrets (`safeText`), then neutralises what Slack would act on: `&`, `<` and `>` are
 * entity-escaped, so `<!channel>`, `<@U123>`, `<#C1>`, `<!subteam^…>` and `<url|label>` show as
 * typed and notify or link nobody. Renderers also mark mrkdwn objects `verbatim`, so Slack does not
 * turn a bare `@channel` or `#name` into a mention either. A bare http(s) URL becomes an explicit
 * `<url>` link whose label is the URL itself: it stays clickable and cannot hide where it goes.
 */
import { rememberingAnswers } from '../logging/scrub-secrets.js';
import { safeText } from './clean-text.js';

const ENTITY = /[&<>]/;

function escapeEntities(text: string): string {
  return ENTITY.test(text) ? text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;') : text;
}

/** http(s) URLs in already escaped text: `&amp;` is their only entity, so they end before white space, `|` or an escaped angle bracket, and never inside an entity. */
const URL = /\bhttps?:\/\/(?:&amp;|[^\s|<>*_~`&])+(?<![.,;:!?)\]'"])/g;

/**
 * User or host text for a mrkdwn text object or the message's `text` fallback. A run of three
 * backticks turns into ˋˋˋ so it cannot open a code block that swallows the rest of drbot's message.
 */
export const slackMrkdwn: (text: string) => string = rememberingAnswers((text) => {
  let out = escapeEntities(safeText(text));
  // Each pass only where it can match: a card is dozens of these on every render.
  if (out.includes('```')) out = out.replace(/`{3,}/g, (run) => 'ˋ'.repeat(run.length));
  if (out.includes('http')) out = out.replace(URL, (url) => `<${url}>`);
  return out;
});

/**
 * Text for the inside of a ``` code block: escaped like mrkdwn (Slack still parses `<…>` inside code),
 * and a run of three or more backticks, or one at either end, turns into ˋ (U+02CB) so the text
 * cannot close drbot's block and put the rest outside it.
 */
export function slackCode(text: string): string {
  return escapeEntities(safeText(text))
    .replace(/`{3,}/g, (run) => 'ˋ'.repeat(run.length))
    .replace(/^`|`$/g, 'ˋ');
}

/** Text for a plain_text object (headers, buttons, confirm dialogs, menu options): Slack shows it literally. */
export function slackPlain(text: string): string {
  return safeText(text);
}
