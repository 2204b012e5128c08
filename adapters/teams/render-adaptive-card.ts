import type { Block, ChoicesBlock, ListItem, View, ViewAction } from '../../src/views/view.js';
import { MARK_SIGNS } from '../../src/views/render-text.js';
import { teamsMarkdown, teamsPlain } from '../../src/markup/teams.js';

/** An Adaptive Card as JSON (schema 1.5, what Teams renders). */
export interface AdaptiveCardJson {
  type: 'AdaptiveCard';
  $schema: string;
  version: '1.5';
  body: Record<string, unknown>[];
  msteams?: { width: 'Full' };
}

/** The attachment content type Teams expects for an Adaptive Card. */
export const ADAPTIVE_CARD_CONTENT_TYPE = 'application/vnd.microsoft.card.adaptive';


type Element = Record<string, unknown>;

/**
 * Renders a neutral view as an Adaptive Card: a coloured header, a FactSet for fields, lists with
 * their marks and buttons, monospace code, and buttons whose data is the typed command. Teams has
 * no confirm dialog on Action.Submit, so an action with `confirm` becomes an Action.ShowCard that
 * shows the confirm text with the real Submit inside (not clicking it is the "deny"). Every piece
 * of text goes through src/markup/teams.ts: Markdown escaped, bidi characters removed, secrets scrubbed.
 */
export function renderAdaptiveCard(view: View): AdaptiveCardJson {
  const body: Element[] = [];
  if (view.header) {
    const tone = toneOf(view.header.colour);
    body.push({
      type: 'Container',
      style: tone.container,
      bleed: true,
      items: [{ type: 'TextBlock', text: `${view.header.emoji ? view.header.emoji + ' ' : ''}${teamsMarkdown(view.header.title)}`, size: 'Large', weight: 'Bolder', color: tone.text, wrap: true }],
    });
  }
  let separate = false;
  for (const block of view.blocks) {
    if (block.type === 'divider') {
      separate = true;
      continue;
    }
    const elements = renderBlock(block);
    if (separate && elements[0]) elements[0] = { ...elements[0], separator: true };
    separate = false;
    body.push(...elements);
  }
  if (!body.length) body.push({ type: 'TextBlock', text: teamsMarkdown(view.summary) || ' ', wrap: true });
  return { type: 'AdaptiveCard', $schema: 'http://adaptivecards.io/schemas/adaptive-card.json', version: '1.5', body, msteams: { width: 'Full' } };
}

function renderBlock(block: Exclude<Block, { type: 'divider' }>): Element[] {
  switch (block.type) {
    case 'text':
      return [{ type: 'TextBlock', text: teamsMarkdown(block.text), wrap: true }];
    case 'fields':
      return [{ type: 'FactSet', facts: block.fields.map((f) => ({ title: teamsMarkdown(f.label), value: teamsMarkdown(f.value) })) }];
    case 'code':
      return [{ type: 'TextBlock', text: lines(teamsMarkdown(block.text)), fontType: 'Monospace', wrap: true }];
    case 'list': {
      const out: Element[] = [];
      if (block.title) out.push({ type: 'TextBlock', text: teamsMarkdown(block.title), weight: 'Bolder', separator: true, spacing: 'Medium', wrap: true });
      for (const item of block.items) out.push(renderItem(item));
      return out;
    }
    case 'actions':
      return [{ type: 'ActionSet', actions: block.actions.map(renderAction) }];
    case 'choices':
      return renderChoices(block);
  }
}

/** Id of the Input.ChoiceSet a choices block renders as; its Submit names it in `commandFrom` (see command-line.ts). */
export const CHOICE_INPUT_ID = 'drbotChoice';

/**
 * An Input.ChoiceSet whose values are the typed commands, and a Submit that sends the picked one.
 * The input's id is not `command`, so submitting another button of the card never sends the picked
 * option instead of that button's own command.
 */
function renderChoices(block: ChoicesBlock): Element[] {
  const selected = block.options.find((o) => o.selected) ?? block.options[0];
  return [
    { type: 'TextBlock', text: teamsMarkdown(block.title), weight: 'Bolder', separator: true, spacing: 'Medium', wrap: true },
    {
      type: 'Input.ChoiceSet',
      id: CHOICE_INPUT_ID,
      style: 'compact',
      placeholder: teamsPlain(block.placeholder),
      ...(selected ? { value: selected.command } : {}),
      choices: block.options.map((o) => ({ title: teamsPlain(o.label), value: o.command })),
    },
    { type: 'ActionSet', actions: [{ type: 'Action.Submit', title: teamsPlain(block.submit), data: { commandFrom: CHOICE_INPUT_ID } }] },
  ];
}

function renderItem(item: ListItem): Element {
  const items: Element[] = [{ type: 'TextBlock', text: `${item.mark ? MARK_SIGNS[item.mark] + ' ' : '• '}${teamsMarkdown(item.text, true)}`, wrap: true, spacing: 'Small' }];
  if (item.detail) items.push({ type: 'TextBlock', text: lines(teamsMarkdown(item.detail)), isSubtle: true, size: 'Small', fontType: 'Monospace', wrap: true, spacing: 'None' });
  if (item.action) items.push({ type: 'ActionSet', spacing: 'Small', actions: [renderAction(item.action)] });
  return { type: 'Container', spacing: 'Small', items };
}

function renderAction(action: ViewAction): Element {
  const style = action.style === 'primary' ? 'positive' : action.style === 'danger' ? 'destructive' : undefined;
  const submit: Element = { type: 'Action.Submit', title: teamsPlain(action.label), data: { command: action.command }, ...(style ? { style } : {}) };
  if (!action.confirm) return submit;
  return {
    type: 'Action.ShowCard',
    title: teamsPlain(action.label),
    ...(style ? { style } : {}),
    card: {
      type: 'AdaptiveCard',
      body: [
        { type: 'TextBlock', text: teamsMarkdown(action.confirm.title), weight: 'Bolder', wrap: true },
        { type: 'TextBlock', text: lines(teamsMarkdown(action.confirm.text)), fontType: 'Monospace', wrap: true },
        { type: 'TextBlock', text: teamsMarkdown(`(${action.confirm.deny}: ${action.label} ↑)`), isSubtle: true, size: 'Small', wrap: true },
      ],
      actions: [{ ...submit, title: teamsPlain(action.confirm.confirm) }],
    },
  };
}

/** Keeps each line of multi-line text (logs, output) its own line: TextBlock Markdown joins lines unless a blank line separates them. */
function lines(text: string): string {
  return text.replace(/\n+/g, '\n\n');
}

/** Maps a fault type's hex colour to the nearest Adaptive Card container style and text colour. */
function toneOf(colour?: string): { container: string; text: string } {
  const m = colour ? /^#?([0-9a-f]{6})$/i.exec(colour) : null;
  if (!m) return { container: 'emphasis', text: 'Default' };
  const n = parseInt(m[1]!, 16);
  const r = (n >> 16) / 255;
  const g = ((n >> 8) & 0xff) / 255;
  const b = (n & 0xff) / 255;
  const max = Math.max(r, g, b);
  const min = Math.min(r, g, b);
  if (max - min < 0.15) return { container: 'emphasis', text: 'Default' };
  let hue: number;
  if (max === r) hue = (60 * ((g - b) / (max - min)) + 360) % 360;
  else if (max === g) hue = 60 * ((b - r) / (max - min)) + 120;
  else hue = 60 * ((r - g) / (max - min)) + 240;
  if (hue < 20 || hue >= 330) return { container: 'attention', text: 'Attention' };
  if (hue < 70) return { container: 'warning', text: 'Warning' };
  if (hue < 170) return { container: 'good', text: 'Good' };
  return { container: 'accent', text: 'Accent' };
}
