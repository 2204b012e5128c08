import type { Handler } from '../src/router/handler.js';
import { lazyCard, refusal } from './with-incident.js';

/**
 * Shows the full card of an incident: RTO clock, ladder, checklists and the runbook with its commands.
 * The incident and its records come from one statement (targetWithRecords), so the card reads nothing more.
 */
export const status: Handler<'status'> = async (ctx) => {
  const found = await ctx.runtime.incidents.targetWithRecords(ctx.command.id);
  if (!found.ok) return refusal(ctx, found.reason);
  const { incident, records } = found.value;
  return { incidentId: incident.id, views: [], card: lazyCard(ctx, incident.id, 'full', { incident, records }) };
};
