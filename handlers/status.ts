import type { Handler } from '../src/router/handler.js';
import { lazyCard, withIncident } from './with-incident.js';

/** Shows the full card of an incident: RTO clock, ladder, checklists and the runbook with its commands. */
export const status: Handler<'status'> = (ctx) =>
  withIncident(ctx, ctx.command.id, async (incident) => ({ incidentId: incident.id, views: [], card: lazyCard(ctx, incident.id, 'full', incident) }));
