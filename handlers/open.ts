import type { Handler } from '../src/router/handler.js';
import { lazyCard } from './with-incident.js';

/** Opens an incident of a fault type and shows its runbook; a retried platform event returns the same incident. */
export const open: Handler<'open'> = async (ctx) => {
  const { command, runtime: core, actor, origin } = ctx;
  const type = core.pack.types.find((t) => t.id === command.type)!;
  const dedupeKey = origin.eventId ? `${actor.platform}:${origin.eventId}` : undefined;
  const { incident, created, records } = await ctx.runtime.incidents.open({ type, scope: command.scope, note: command.note, actor, dedupeKey });
  ctx.log.info({ incidentId: incident.id, created }, created ? 'incident opened' : 'incident open retried; returning the existing one');
  const line = created
    ? ctx.t(`인시던트 ${incident.id} 열림: ${type.emoji} Type ${type.id} ${type.title.ko}`, `Opened ${incident.id}: ${type.emoji} Type ${type.id} ${type.title.en}`)
    : ctx.t(`이미 열린 인시던트입니다: ${incident.id}`, `Already opened as ${incident.id}`);
  return {
    incidentId: incident.id,
    // A platform's retry of this very command opened it too: its answer is the same.
    opened: created || (dedupeKey !== undefined && incident.dedupeKey === dedupeKey),
    views: [{ blocks: [{ type: 'text', text: line }], summary: line }],
    card: lazyCard(ctx, incident.id, 'full', created ? { incident, records, created } : undefined),
  };
};
