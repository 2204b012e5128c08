import type { Handler } from '../src/router/handler.js';
import { cardView } from './with-incident.js';

/** Opens an incident of a fault type and shows its runbook; a retried platform event returns the same incident. */
export const open: Handler<'open'> = async (ctx) => {
  const { command, runtime: core, actor, origin } = ctx;
  const type = core.pack.types.find((t) => t.id === command.type)!;
  const { incident, created } = await ctx.runtime.incidents.open({
    type,
    scope: command.scope,
    note: command.note,
    actor,
    dedupeKey: origin.eventId ? `${actor.platform}:${origin.eventId}` : undefined,
  });
  ctx.log.info({ incidentId: incident.id, created }, created ? 'incident opened' : 'incident open retried; returning the existing one');
  const line = created
    ? ctx.t(`인시던트 ${incident.id} 열림: ${type.emoji} Type ${type.id} ${type.title.ko}`, `Opened ${incident.id}: ${type.emoji} Type ${type.id} ${type.title.en}`)
    : ctx.t(`이미 열린 인시던트입니다: ${incident.id}`, `Already opened as ${incident.id}`);
  return { incidentId: incident.id, views: [{ blocks: [{ type: 'text', text: line }], summary: line }, await cardView(ctx, incident.id, 'full')] };
};
