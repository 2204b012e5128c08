import type { Handler } from '../src/router/handler.js';
import { confirmWithCard, refusal, withIncident } from './with-incident.js';

/** Assigns a person from the contact list to a role (or as commander) for this incident. */
export const assign: Handler<'assign'> = (ctx) =>
  withIncident(ctx, ctx.command.id, async (incident) => {
    const r = await ctx.runtime.incidents.assign(incident, ctx.actor, ctx.command.role, ctx.command.person);
    if (!r.ok) return refusal(ctx, r.reason);
    return confirmWithCard(ctx, incident.id, ctx.t(`${incident.id}: ${ctx.command.role} → ${ctx.command.person}`, `${incident.id}: ${ctx.command.role} → ${ctx.command.person}`));
  });
