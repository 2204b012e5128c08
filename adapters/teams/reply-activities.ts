import type { Activity } from 'botbuilder';
import type { View } from '../../src/views/view.js';
import { teamsMarkdown, teamsPlain } from '../../src/markup/teams.js';
import { ADAPTIVE_CARD_CONTENT_TYPE, renderAdaptiveCard } from './render-adaptive-card.js';

/** One view as a Teams message: plain Markdown text when it is only text, an Adaptive Card otherwise. */
export function viewActivity(view: View): Partial<Activity> {
  const textOnly = !view.header && view.blocks.every((b) => b.type === 'text');
  if (textOnly) {
    const text = view.blocks.map((b) => (b.type === 'text' ? teamsMarkdown(b.text) : '')).join('\n\n');
    return { type: 'message', text: text.replace(/\n/g, '  \n'), textFormat: 'markdown' };
  }
  return { type: 'message', summary: teamsPlain(view.summary), attachments: [{ contentType: ADAPTIVE_CARD_CONTENT_TYPE, content: renderAdaptiveCard(view) }] };
}

