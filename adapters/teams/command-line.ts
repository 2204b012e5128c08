import { TurnContext, type Activity } from 'botbuilder';
import { z } from 'zod';
import { CHOICE_INPUT_ID } from './render-adaptive-card.js';

const Submit = z.object({ command: z.string().min(1).max(4000) });
/** A choices block's Submit: the command is the value of the Input.ChoiceSet it names (render-adaptive-card.ts). */
const ChoiceSubmit = z.object({ commandFrom: z.literal(CHOICE_INPUT_ID), [CHOICE_INPUT_ID]: z.string().min(1).max(4000) });

const ENTITIES: Record<string, string> = { '&nbsp;': ' ', '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'" };

/**
 * The command a Teams message carries: a card button's `value.command`, or the typed text with the
 * bot's @mention (and any leftover HTML Teams adds) removed. Undefined when there is nothing to run.
 */
export function commandLine(activity: Partial<Activity>): string | undefined {
  const submit = Submit.safeParse(activity.value);
  if (submit.success) return submit.data.command.trim() || undefined;
  const picked = ChoiceSubmit.safeParse(activity.value);
  if (picked.success) return picked.data[CHOICE_INPUT_ID].trim() || undefined;
  if (!activity.text) return undefined;
  const copy = { ...activity, entities: activity.entities ? [...activity.entities] : undefined };
  const text = (activity.recipient?.id ? TurnContext.removeRecipientMention(copy) : activity.text) ?? '';
  const clean = text
    .replace(/<at>[^<]*<\/at>/gi, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&(nbsp|amp|lt|gt|quot|#39);/g, (m) => ENTITIES[m] ?? m)
    .trim();
  return clean || undefined;
}
