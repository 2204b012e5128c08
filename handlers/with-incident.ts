import { pick } from '../src/i18n/lang.js';
import type { Incident } from '../src/incident/incident.js';
import { loadIncidentSnapshot } from '../src/incident/incident-snapshot.js';
import type { ServiceContext } from '../src/router/handler.js';
import { incidentCard, type CardDetail } from '../src/views/incident-card.js';
import { textReply, type Reply, type View } from '../src/views/view.js';

/** Resolves the incident a command names (or the only open one) and runs `fn` with it; otherwise explains. */
export async function withIncident(ctx: ServiceContext, id: string | undefined, fn: (incident: Incident) => Promise<Reply>): Promise<Reply> {
  const found = await ctx.runtime.incidents.target(id);
  if (!found.ok) return textReply(pick(ctx.lang, found.reason), { private: true, refused: true });
  return fn(found.value);
}

/** The incident's card, re-read from the store so it shows what was just committed. */
export async function cardView(ctx: ServiceContext, incidentId: string, detail: CardDetail = 'full'): Promise<View> {
  const incident = await ctx.runtime.store.incidents.get(incidentId);
  if (!incident) throw new Error(`incident ${incidentId} vanished`);
  return incidentCard(await loadIncidentSnapshot(ctx.runtime, incident), ctx.runtime.pack, ctx.lang, detail);
}

/** A short confirmation line followed by the refreshed card. */
export async function confirmWithCard(ctx: ServiceContext, incidentId: string, line: string, detail: CardDetail = 'compact'): Promise<Reply> {
  return {
    incidentId,
    views: [{ blocks: [{ type: 'text', text: line }], summary: line }, await cardView(ctx, incidentId, detail)],
  };
}

/** A refusal reply in the context's language. */
export function refusal(ctx: ServiceContext, reason: { ko: string; en: string }): Reply {
  return textReply(pick(ctx.lang, reason), { private: true, refused: true });
}
