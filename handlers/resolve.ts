import { formatDuration } from '../src/i18n/format-duration.js';
import type { Handler } from '../src/router/handler.js';
import { confirmWithCard, refusal, withIncident } from './with-incident.js';

/** Marks the incident recovered with its cause: stops the RTO clock, the ladder and the reminders. */
export const resolve: Handler<'resolve'> = (ctx) =>
  withIncident(ctx, ctx.command.id, async (incident) => {
    let undone = '';
    if (incident.drill && incident.status === 'open') {
      // Like `/incident drill end`: a drill whose faults are not all undone stays open, so its host is not
      // left broken behind a resolved incident; the reply says which faults are still in place and why.
      const undo = await ctx.runtime.drills.undoFaults(incident, ctx.actor);
      if (undo && !undo.ok) {
        return refusal(ctx, {
          ko: `${undo.text}\n${incident.id} 훈련은 열어 두었습니다: 장애를 모두 되돌린 뒤 \`/incident drill end ${incident.id}\`로 끝내세요.`,
          en: `${undo.text}\nDrill ${incident.id} stays open: end it with \`/incident drill end ${incident.id}\` once every fault is undone.`,
        });
      }
      if (undo) undone = `\n${undo.text}`;
    }
    const r = await ctx.runtime.incidents.resolve(incident, ctx.actor, ctx.command.cause);
    if (!r.ok) return refusal(ctx, r.reason);
    const down = formatDuration((r.value.resolvedAt ?? 0) - r.value.openedAt, ctx.lang);
    const goalMet = (r.value.resolvedAt ?? 0) - r.value.openedAt <= ctx.runtime.pack.rto.goalMinutes * 60_000;
    return confirmWithCard(
      ctx,
      incident.id,
      ctx.t(`${incident.id} 복구 완료. 다운타임 ${down}, RTO 목표 ${goalMet ? '달성' : '미달'}.`, `${incident.id} resolved. Downtime ${down}; RTO goal ${goalMet ? 'met' : 'missed'}.`) + undone,
    );
  });
