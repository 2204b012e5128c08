import type { Handler } from '../src/router/handler.js';
import { planView } from '../src/views/plan-view.js';
import { refusal, withIncident } from './with-incident.js';

/** Shows what a recovery step would change on the host now (read-only), its choices, and an Approve button bound to this plan. */
export const plan: Handler<'plan'> = (ctx) =>
  withIncident(ctx, ctx.command.id, async (incident) => {
    const located = ctx.runtime.steps.locate(incident, ctx.command.step, (s) => s.step.mutates);
    if (!located.ok) return refusal(ctx, located.reason);
    const step = located.value.step;
    const r = await ctx.runtime.steps.plan(incident, ctx.actor, step, ctx.command.choice);
    if (!r.ok) return refusal(ctx, r.reason);
    await ctx.runtime.steps.recordPlan(incident, ctx.actor, r.value);
    // Only the asker needs it (a Slack ephemeral message): long plans are never cut to fit a dialog.
    return { incidentId: incident.id, private: true, views: [planView(incident.id, incident.host, step, r.value, ctx.lang)] };
  });
