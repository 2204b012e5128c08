import type { Handler } from '../src/router/handler.js';
import { confirmWithCard, refusal, withIncident } from './with-incident.js';

/** Cancels an open incident (false alarm, duplicate) and stops its timers. */
export const cancel: Handler<'cancel'> = (ctx) =>
  withIncident(ctx, ctx.command.id, async (incident) => {
    const r = await ctx.runtime.incidents.cancel(incident, ctx.actor, ctx.command.reason);
    if (!r.ok) return refusal(ctx, r.reason);
    return confirmWithCard(ctx, incident.id, ctx.t(`${incident.id} 취소됨: ${ctx.command.reason}`, `${incident.id} cancelled: ${ctx.command.reason}`));
  });
