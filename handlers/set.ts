import { formatTime } from '../src/i18n/format-time.js';
import type { Handler } from '../src/router/handler.js';
import { confirmWithCard, refusal, withIncident } from './with-incident.js';

/** Corrects an open incident: its fault type, impact or start time; the change goes on the timeline. */
export const set: Handler<'set'> = (ctx) =>
  withIncident(ctx, ctx.command.id, async (incident) => {
    const r = await ctx.runtime.incidents.correct(incident, ctx.actor, ctx.command.change);
    if (!r.ok) return refusal(ctx, r.reason);
    const now = r.value;
    const field = ctx.command.change.field;
    const type = ctx.runtime.pack.types.find((t) => t.id === now.type);
    const line =
      field === 'type'
        ? ctx.t(`${now.id}: 장애 유형을 Type ${now.type} ${type?.title.ko ?? ''}(으)로 정정했습니다. 타임라인과 승인은 그대로입니다.`, `${now.id} is now Type ${now.type} ${type?.title.en ?? ''}; its timeline and approvals stay.`)
        : field === 'impact'
          ? ctx.t(`${now.id}: 영향 범위 ${now.scope}`, `${now.id}: impact ${now.scope}`)
          : ctx.t(
              `${now.id}: 발생 시각 ${formatTime(now.openedAt, ctx.runtime.timeZone)} — RTO, 에스컬레이션, 보고서가 따라 움직입니다.`,
              `${now.id} started at ${formatTime(now.openedAt, ctx.runtime.timeZone)}; the RTO clock, ladder and report follow.`,
            );
    return confirmWithCard(ctx, incident.id, line, 'compact', now);
  });
