import type { Block as SlackApiBlock } from '@slack/web-api';
import type { Block, ChoicesBlock, ListItem, View, ViewAction } from '../../src/views/view.js';
import { MARK_SIGNS } from '../../src/views/render-text.js';
import { TRUNCATED, truncate } from '../../src/markup/clean-text.js';
import { slackCode, slackMrkdwn, slackPlain } from '../../src/markup/slack.js';
import { rememberingAnswers, scrubberGeneration } from '../../src/logging/scrub-secrets.js';
import { deepFreeze } from '../../src/views/frozen-memo.js';

/** Block Kit limits this renderer keeps to (Slack rejects the whole message otherwise). */
export const BLOCK_KIT_LIMITS = {
  blocks: 50,
  text: 3000,
  header: 150,
  fieldsPerSection: 10,
  field: 2000,
  elementsPerActions: 25,
  buttonText: 75,
  buttonValue: 2000,
  confirmTitle: 100,
  confirmText: 300,
  confirmButton: 30,
  optionText: 75,
  optionValue: 150,
  options: 100,
} as const;

/** A Block Kit block as sent to the Web API. */
export type SlackBlock = SlackApiBlock & Record<string, unknown>;

/** A rendered message: blocks and the plain fallback text for notifications. */
export interface SlackMessage {
  blocks: SlackBlock[];
  text: string;
}

/** Prefix of every action id drbot renders; clicks with it are commands. */
export const ACTION_PREFIX = 'drbot:';


/**
 * Cuts escaped mrkdwn to `max` characters with the visible truncation marker, never inside an
 * entity (`&amp;`) or a `<url>` link, so a cut cannot leave half of either.
 */
export function clipMrkdwn(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = truncate(text, max).slice(0, -(TRUNCATED.length + 1));
  return `${cut.replace(/&[a-z]*$|<[^>]*$/, '')} ${TRUNCATED}`;
}

/**
 * Renders neutral views as one Block Kit message: header, fields, lists, code, buttons whose
 * value is the typed command. Every piece of text goes through src/markup/slack.ts (escaped,
 * bidi-stripped, secrets scrubbed). Stays within Block Kit's limits; what does not fit is cut
 * with a visible "…truncated" marker (and a note pointing to `/incident status`), never silently.
 */
export function renderBlockKit(views: View[], extra: SlackBlock[] = []): SlackMessage {
  const alone = views.length === 1 && Object.isFrozen(views[0]) ? renderedAlone(views[0]!) : undefined;
  const blocks: SlackBlock[] = alone ? [...alone.blocks] : [];
  if (!alone) {
    const counter = { n: 0 };
    views.forEach((view, i) => {
      if (i > 0) blocks.push({ type: 'divider' });
      blocks.push(...viewBlocks(view, counter));
    });
  }
  blocks.push(...extra);
  const limit = BLOCK_KIT_LIMITS.blocks;
  const fitted = blocks.length <= limit ? blocks : [...blocks.slice(0, limit - 1), section(`${TRUNCATED} (\`/incident status\`)`)];
  const text = alone?.text ?? summaryText(views);
  if (alone && fitted.length === alone.blocks.length) listedFrom.set(fitted, alone);
  return { blocks: fitted, text };
}

/** A frozen view's blocks and fallback text as the only view of a message, the scrubber generation they were escaped under, and their JSON once made. */
interface Rendered {
  generation: number;
  blocks: readonly SlackBlock[];
  text: string;
  json?: Buffer;
}
const renderedViews = new WeakMap<View, Rendered>();

/**
 * A frozen view (one shared by everyone who asks for it, as incident cards are: src/views/incident-card.ts)
 * rendered once while no secret value was added since, its blocks frozen in turn. A caller gets
 * its own array of them (answers add lines to theirs).
 */
function renderedAlone(view: View): Rendered {
  const generation = scrubberGeneration();
  const kept = renderedViews.get(view);
  if (kept?.generation === generation) return kept;
  const rendered: Rendered = { generation, blocks: deepFreeze(viewBlocks(view, { n: 0 })), text: summaryText([view]) };
  renderedViews.set(view, rendered);
  return rendered;
}

function viewBlocks(view: View, counter: { n: number }): SlackBlock[] {
  const blocks: SlackBlock[] = [];
  if (view.header) {
    blocks.push({ type: 'header', text: plain(`${view.header.emoji ? view.header.emoji + ' ' : ''}${slackPlain(view.header.title)}`, BLOCK_KIT_LIMITS.header) });
  }
  for (const block of view.blocks) blocks.push(...renderBlock(block, counter));
  return blocks;
}

function summaryText(views: View[]): string {
  return clipMrkdwn(slackMrkdwn(views.map((v) => v.summary).join('\n')) || ' ', BLOCK_KIT_LIMITS.text);
}

/** The JSON of frozen blocks (rendered once, shared: `renderedAlone`), made once each. */
const blockJson = new WeakMap<object, string>();

/** A message's own list of a shared view's blocks (renderBlockKit), and those blocks' JSON as UTF-8, made once. */
const listedFrom = new WeakMap<SlackBlock[], Rendered>();

/**
 * `JSON.stringify(message)` as UTF-8, for a message with Block Kit `blocks` (an ack's or a
 * response_url's body): the same bytes, with the JSON of a shared card's blocks made once. A card's
 * blocks are the same objects on every `status` until the incident changes, and their JSON is
 * most of the answer; building it as one string per answer was half of what an answer allocated.
 */
export function messageBody(message: object): Buffer {
  const parts: (string | Buffer)[] = [];
  let out = '';
  for (const [key, value] of Object.entries(message)) {
    const kept = key === 'blocks' && Array.isArray(value) ? keptBlocksJson(value as SlackBlock[]) : undefined;
    const json = kept ? undefined : key === 'blocks' && Array.isArray(value) ? `[${value.map(jsonOfBlock).join(',')}]` : JSON.stringify(value);
    // As JSON.stringify does: a key whose value has no JSON (undefined, a function) is left out.
    if (!kept && json === undefined) continue;
    out += `${out || parts.length ? ',' : '{'}${JSON.stringify(key)}:`;
    if (kept) {
      parts.push(out, kept);
      out = '';
    } else out += json;
  }
  if (!parts.length) return Buffer.from(out ? `${out}}` : '{}');
  parts.push(`${out}}`);
  return Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : p)));
}

/** The UTF-8 JSON of `blocks` when they are still exactly a shared view's blocks as renderBlockKit listed them. */
function keptBlocksJson(blocks: SlackBlock[]): Buffer | undefined {
  const rendered = listedFrom.get(blocks);
  if (!rendered || rendered.generation !== scrubberGeneration() || blocks.length !== rendered.blocks.length || blocks.some((b, i) => b !== rendered.blocks[i])) return undefined;
  return (rendered.json ??= Buffer.from(`[${rendered.blocks.map(jsonOfBlock).join(',')}]`));
}

function jsonOfBlock(block: unknown): string {
  if (block === null || typeof block !== 'object' || !Object.isFrozen(block)) return JSON.stringify(block) ?? 'null';
  let json = blockJson.get(block);
  if (json === undefined) blockJson.set(block, (json = JSON.stringify(block)));
  return json;
}

function renderBlock(block: Block, counter: { n: number }): SlackBlock[] {
  switch (block.type) {
    case 'text':
      return chunk(slackMrkdwn(block.text), BLOCK_KIT_LIMITS.text).map(section);
    case 'fields': {
      const out: SlackBlock[] = [];
      for (let i = 0; i < block.fields.length; i += BLOCK_KIT_LIMITS.fieldsPerSection) {
        out.push({
          type: 'section',
          fields: block.fields
            .slice(i, i + BLOCK_KIT_LIMITS.fieldsPerSection)
            .map((f) => mrkdwn(clipMrkdwn(`*${slackMrkdwn(f.label)}*\n${slackMrkdwn(f.value)}`, BLOCK_KIT_LIMITS.field))),
        });
      }
      return out;
    }
    case 'list': {
      // One pass over the items (a card is a dozen lists on every render).
      let text = block.title ? `*${slackMrkdwn(block.title)}*\n` : '';
      const actions: ViewAction[] = [];
      block.items.forEach((item, i) => {
        text += i ? `\n${listLine(item)}` : listLine(item);
        if (item.action !== undefined) actions.push(item.action);
      });
      const out = chunk(text, BLOCK_KIT_LIMITS.text).map(section);
      if (actions.length) out.push(...actionBlocks(actions, counter));
      return out;
    }
    case 'code':
      return chunk(slackCode(block.text), BLOCK_KIT_LIMITS.text - 6).map((c) => section('```' + c.replace(/^`|`$/g, 'ˋ') + '```'));
    case 'divider':
      return [{ type: 'divider' }];
    case 'actions':
      return actionBlocks(block.actions, counter);
    case 'choices':
      return choiceBlocks(block, counter);
  }
}

/**
 * A static_select of the options (each value the typed command), under the block's title. Options
 * the menu cannot hold (a command longer than an option value, past 100 options) are not dropped:
 * the section lists them as the command to type.
 */
function choiceBlocks(block: ChoicesBlock, counter: { n: number }): SlackBlock[] {
  const fitting = block.options.filter((o) => o.command.length <= BLOCK_KIT_LIMITS.optionValue);
  const shown = fitting.slice(0, BLOCK_KIT_LIMITS.options);
  const typed = block.options.filter((o) => !shown.includes(o));
  const lines = [`*${slackMrkdwn(block.title)}*`, ...typed.map((o) => `• ${slackMrkdwn(o.label)}: \`${slackCode(o.command)}\``)];
  const out = chunk(lines.join('\n'), BLOCK_KIT_LIMITS.text).map(section);
  if (!shown.length) return out;
  const option = (o: ChoicesBlock['options'][number]) => ({ text: plain(slackPlain(o.label), BLOCK_KIT_LIMITS.optionText), value: o.command });
  const menu: SlackBlock = {
    type: 'static_select',
    action_id: `${ACTION_PREFIX}${counter.n++}`,
    placeholder: plain(slackPlain(block.placeholder), BLOCK_KIT_LIMITS.buttonText),
    options: shown.map(option),
  };
  const selected = shown.find((o) => o.selected);
  if (selected) menu.initial_option = option(selected);
  out.push({ type: 'actions', elements: [menu] });
  return out;
}

function listLine(item: ListItem): string {
  const head = `${item.mark ? MARK_SIGNS[item.mark] : '•'} ${slackMrkdwn(item.text)}`;
  return item.detail ? `${head}\n${detailLines(item.detail)}` : head;
}

/** An item's detail as indented italic lines, each escaped alone; remembered, as the card's procedures are the same texts on every render. */
const detailLines = rememberingAnswers((detail) => detail.split('\n').map((l) => `      _${slackMrkdwn(l)}_`).join('\n'));

function actionBlocks(actions: ViewAction[], counter: { n: number }): SlackBlock[] {
  const buttons: SlackBlock[] = [];
  const out: SlackBlock[] = [];
  for (const a of actions) {
    if (a.command.length <= BLOCK_KIT_LIMITS.buttonValue) buttons.push(button(a, counter));
    // A command too long for a button's value is not dropped silently: the message says what to type.
    else out.push(section(clipMrkdwn(`${slackMrkdwn(a.label)}: ${slackMrkdwn(a.command)}`, BLOCK_KIT_LIMITS.text)));
  }
  for (let i = 0; i < buttons.length; i += BLOCK_KIT_LIMITS.elementsPerActions) {
    out.push({ type: 'actions', elements: buttons.slice(i, i + BLOCK_KIT_LIMITS.elementsPerActions) });
  }
  return out;
}

function button(action: ViewAction, counter: { n: number }): SlackBlock {
  const b: SlackBlock = {
    type: 'button',
    action_id: `${ACTION_PREFIX}${counter.n++}`,
    text: plain(slackPlain(action.label), BLOCK_KIT_LIMITS.buttonText),
    value: action.command,
  };
  if (action.style) b.style = action.style;
  if (action.confirm) {
    b.confirm = {
      title: plain(slackPlain(action.confirm.title), BLOCK_KIT_LIMITS.confirmTitle),
      text: plain(fitDialog(slackPlain(action.confirm.text), action.confirm.more && slackPlain(action.confirm.more)), BLOCK_KIT_LIMITS.confirmText),
      confirm: plain(slackPlain(action.confirm.confirm), BLOCK_KIT_LIMITS.confirmButton),
      deny: plain(slackPlain(action.confirm.deny), BLOCK_KIT_LIMITS.confirmButton),
    };
  }
  return b;
}

/**
 * A confirm dialog's text within its 300 characters: whole lines while they fit, then `more` (where
 * the rest is) on its own line. Without `more` a longer text is cut with the visible truncation marker.
 */
export function fitDialog(text: string, more?: string): string {
  const max = BLOCK_KIT_LIMITS.confirmText;
  if (text.length <= max || !more) return text;
  const tail = `\n… ${more}`.slice(0, max);
  const room = max - tail.length;
  let kept = '';
  for (const line of text.split('\n')) {
    const next = kept ? `${kept}\n${line}` : line;
    if (next.length > room) {
      // A first line longer than the room is cut inside it, between whole characters.
      if (!kept) for (const ch of line) if (kept.length + ch.length <= room) kept += ch; else break;
      break;
    }
    kept = next;
  }
  return `${kept}${tail}`;
}

/** A select menu whose options are typed commands (e.g. the unticked checklist items). */
export function commandMenu(placeholder: string, options: { label: string; command: string }[]): SlackBlock | undefined {
  const usable = options.filter((o) => o.command.length <= BLOCK_KIT_LIMITS.optionValue);
  const fitting = usable.slice(0, BLOCK_KIT_LIMITS.options);
  if (!fitting.length) return undefined;
  // More options than a menu holds: the last one says the list was cut (choosing it shows everything).
  if (usable.length > fitting.length) fitting[fitting.length - 1] = { label: TRUNCATED, command: '/incident status' };
  return {
    type: 'actions',
    elements: [
      {
        type: 'static_select',
        action_id: `${ACTION_PREFIX}menu`,
        placeholder: plain(slackPlain(placeholder), BLOCK_KIT_LIMITS.buttonText),
        options: fitting.map((o) => ({ text: plain(slackPlain(o.label), BLOCK_KIT_LIMITS.optionText), value: o.command })),
      },
    ],
  };
}

function section(text: string): SlackBlock {
  return { type: 'section', text: mrkdwn(text) };
}

/** A mrkdwn object; `verbatim` so Slack does not turn a bare `@channel`, `@here` or `#name` into a mention or link. */
export function mrkdwn(text: string): { type: 'mrkdwn'; text: string; verbatim: true } {
  return { type: 'mrkdwn', text: text || ' ', verbatim: true };
}

/** A plain_text object of already safe text (see `slackPlain`), cut to `max` with the visible marker. */
function plain(text: string, max: number): { type: 'plain_text'; text: string; emoji: true } {
  return { type: 'plain_text', text: truncate(text || ' ', max), emoji: true };
}

/** Splits text into pieces of at most `max` characters, at line breaks where possible. */
function chunk(text: string, max: number): string[] {
  if (text.length <= max) return [text];
  const out: string[] = [];
  let rest = text;
  while (rest.length > max) {
    const cut = rest.lastIndexOf('\n', max);
    let at = cut > max / 2 ? cut : max;
    // Never split an entity (`&amp;`) or a `<url>` link between two blocks.
    const partial = /&[a-z]*$|<[^>\n]*$/.exec(rest.slice(0, at));
    if (partial && partial.index > 0) at = partial.index;
    out.push(rest.slice(0, at));
    rest = rest.slice(at).replace(/^\n/, '');
  }
  if (rest) out.push(rest);
  return out;
}
