import { pick } from '../src/i18n/lang.js';
import type { Incident } from '../src/incident/incident.js';
import { loadIncidentSnapshot, type IncidentRecords } from '../src/incident/incident-snapshot.js';
import type { ServiceContext } from '../src/router/handler.js';
import { incidentCard, type CardDetail } from '../src/views/incident-card.js';
import { lazyView, textReply, type LazyView, type Reply } from '../src/views/view.js';

/** Resolves the incident a command names (or the only open one) and runs `fn` with it; otherwise explains. */
export async function withIncident(ctx: ServiceContext, id: string | undefined, fn: (incident: Incident) => Promise<Reply>): Promise<Reply> {
  const found = await ctx.runtime.incidents.target(id);
  if (!found.ok) return textReply(pick(ctx.lang, found.reason), { private: true, refused: true });
  return fn(found.value);
}

/**
 * The incident's card, built only if an adapter shows it: from `committed` when the command has the
 * incident as it just committed or read it (and from `records` when it has those too, as an open
 * or a status does), else read from the store then, so it shows what was committed.
 */
export function lazyCard(ctx: ServiceContext, incidentId: string, detail: CardDetail = 'full', committed?: Incident, records?: IncidentRecords): LazyView {
  return lazyView(`incident:${incidentId}`, async () => {
    const incident = committed ?? (await ctx.runtime.store.incidents.get(incidentId));
    if (!incident) throw new Error(`incident ${incidentId} vanished`);
    return incidentCard(await loadIncidentSnapshot(ctx.runtime, incident, committed ? records : undefined), ctx.runtime.pack, ctx.lang, detail);
  });
}

/** A short confirmation line followed by the refreshed card. */
export function confirmWithCard(ctx: ServiceContext, incidentId: string, line: string, detail: CardDetail = 'compact', committed?: Incident): Reply {
  return { incidentId, views: [{ blocks: [{ type: 'text', text: line }], summary: line }], card: lazyCard(ctx, incidentId, detail, committed) };
}

/** A refusal reply in the context's language. */
export function refusal(ctx: ServiceContext, reason: { ko: string; en: string }): Reply {
  return textReply(pick(ctx.lang, reason), { private: true, refused: true });
}
