import type { Handler } from '../src/router/handler.js';
import { confirmWithCard, refusal, withIncident } from './with-incident.js';

/** Records who is on the incident; the ladder keeps climbing by incident age. */
export const ack: Handler<'ack'> = (ctx) =>
  withIncident(ctx, ctx.command.id, async (incident) => {
    const r = await ctx.runtime.incidents.ack(incident, ctx.actor);
    if (!r.ok) return refusal(ctx, r.reason);
    return confirmWithCard(ctx, incident.id, ctx.t(`${ctx.actor.name}님이 ${incident.id}을(를) 맡았습니다. 에스컬레이션은 경과 시간에 따라 계속됩니다.`, `${ctx.actor.name} acknowledged ${incident.id}. The ladder keeps climbing with the incident's age.`));
  });
