import type { Handler } from '../src/router/handler.js';
import { confirmWithCard, refusal, withIncident } from './with-incident.js';

/** Closes a resolved incident. */
export const close: Handler<'close'> = async (ctx) => {
  let id = ctx.command.id;
  if (!id) {
    // "[id] may be left out" — for close, the one resolved incident is the natural default.
    const resolved = await ctx.runtime.store.incidents.list(['resolved'], 10);
    if (resolved.length === 1) id = resolved[0]!.id;
  }
  return withIncident(ctx, id, async (incident) => {
    const r = await ctx.runtime.incidents.close(incident, ctx.actor);
    if (!r.ok) return refusal(ctx, r.reason);
    return confirmWithCard(ctx, incident.id, ctx.t(`${incident.id} 종료.`, `${incident.id} closed.`));
  });
};
