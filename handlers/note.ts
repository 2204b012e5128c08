import type { Handler } from '../src/router/handler.js';
import { textReply } from '../src/views/view.js';
import { withIncident } from './with-incident.js';

/** Adds a note to the incident's timeline. */
export const note: Handler<'note'> = (ctx) =>
  withIncident(ctx, ctx.command.id, async (incident) => {
    await ctx.runtime.incidents.note(incident, ctx.actor, ctx.command.text);
    return textReply(ctx.t(`${incident.id} 타임라인에 기록했습니다.`, `Noted on ${incident.id}'s timeline.`), { incidentId: incident.id });
  });
