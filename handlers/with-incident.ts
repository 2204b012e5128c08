import { pick } from '../src/i18n/lang.js';
import type { Incident } from '../src/incident/incident.js';
import { loadIncidentSnapshot, type IncidentRecords } from '../src/incident/incident-snapshot.js';
import type { ServiceContext } from '../src/router/handler.js';
import { incidentCard, newIncidentCard, type CardDetail } from '../src/views/incident-card.js';
import { lazyView, textReply, type LazyView, type Reply } from '../src/views/view.js';

/** Resolves the incident a command names (or the only open one) and runs `fn` with it; otherwise explains. */
export async function withIncident(ctx: ServiceContext, id: string | undefined, fn: (incident: Incident) => Promise<Reply>): Promise<Reply> {
  const found = await ctx.runtime.incidents.target(id);
  if (!found.ok) return textReply(pick(ctx.lang, found.reason), { private: true, refused: true });
  return fn(found.value);
}

/** The incident as the command just committed or read it, and its records when it has those too (an open, a status). */
export interface KnownIncident {
  incident: Incident;
  records?: IncidentRecords;
  /** Opened by this very command: its card is new to everyone, so it is built without looking for a shared one or keeping it. */
  created?: boolean;
}

/**
 * The incident's card, built only if an adapter shows it: from `known` when the command has the
 * incident as it just committed or read it, else read from the store then, so it shows what was
 * committed.
 */
export function lazyCard(ctx: ServiceContext, incidentId: string, detail: CardDetail = 'full', known?: KnownIncident): LazyView {
  return lazyView(`incident:${incidentId}`, async () => {
    const incident = known?.incident ?? (await ctx.runtime.store.incidents.get(incidentId));
    if (!incident) throw new Error(`incident ${incidentId} vanished`);
    const snap = await loadIncidentSnapshot(ctx.runtime, incident, known?.records);
    return (known?.created ? newIncidentCard : incidentCard)(snap, ctx.runtime.pack, ctx.lang, detail);
  });
}

/** A short confirmation line followed by the refreshed card. */
export function confirmWithCard(ctx: ServiceContext, incidentId: string, line: string, detail: CardDetail = 'compact', committed?: Incident): Reply {
  return { incidentId, views: [{ blocks: [{ type: 'text', text: line }], summary: line }], card: lazyCard(ctx, incidentId, detail, committed && { incident: committed }) };
}

/** A refusal reply in the context's language. */
export function refusal(ctx: ServiceContext, reason: { ko: string; en: string }): Reply {
  return textReply(pick(ctx.lang, reason), { private: true, refused: true });
}
