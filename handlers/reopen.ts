import type { Handler } from '../src/router/handler.js';
import { confirmWithCard, refusal, withIncident } from './with-incident.js';

/** Reopens an incident resolved within the last 24 hours. */
export const reopen: Handler<'reopen'> = (ctx) =>
  withIncident(ctx, ctx.command.id, async (incident) => {
    const r = await ctx.runtime.incidents.reopen(incident, ctx.actor);
    if (!r.ok) return refusal(ctx, r.reason);
    return confirmWithCard(
      ctx,
      incident.id,
      ctx.t(`${incident.id}을(를) 다시 열었습니다. RTO 시계는 처음 발생 시각부터 이어집니다.`, `${incident.id} is open again; the RTO clock runs on from when it started.`),
      'compact',
      r.value,
    );
  });
