import type { Handler } from '../src/router/handler.js';
import { confirmWithCard, refusal, withIncident } from './with-incident.js';

/** Ticks a checklist item by id or number. */
export const check: Handler<'check'> = (ctx) =>
  withIncident(ctx, ctx.command.id, async (incident) => {
    const r = await ctx.runtime.incidents.check(incident, ctx.actor, ctx.command.item);
    if (!r.ok) return refusal(ctx, r.reason);
    const line = r.value.already
      ? ctx.t(`${r.value.itemId}은(는) 이미 완료된 항목입니다.`, `${r.value.itemId} was already ticked.`)
      : ctx.t(`☑ ${r.value.itemId} 완료`, `☑ ${r.value.itemId} ticked`);
    return confirmWithCard(ctx, incident.id, line);
  });
