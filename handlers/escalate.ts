import type { Handler } from '../src/router/handler.js';
import { confirmWithCard, refusal, withIncident } from './with-incident.js';

/** Pages the next ladder rung now instead of waiting for its time. */
export const escalate: Handler<'escalate'> = (ctx) =>
  withIncident(ctx, ctx.command.id, async (incident) => {
    const r = await ctx.runtime.incidents.escalate(incident, ctx.actor);
    if (!r.ok) return refusal(ctx, r.reason);
    const rung = ctx.runtime.pack.ladder.find((x) => x.level === r.value.level)!;
    return confirmWithCard(ctx, incident.id, ctx.t(`${incident.id}: ${rung.level}단계(${rung.title.ko}) 호출을 요청했습니다.`, `${incident.id}: paging level ${rung.level} (${rung.title.en}) now.`));
  });
