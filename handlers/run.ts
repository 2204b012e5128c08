import type { Handler } from '../src/router/handler.js';
import { describeExecution, planToApprove } from './describe-execution.js';
import { lazyCard, refusal, withIncident } from './with-incident.js';

/** Runs a step: a diagnostic, a manual step marked done, or an approved recovery step. */
export const run: Handler<'run'> = (ctx) =>
  withIncident(ctx, ctx.command.id, async (incident) => {
    const r = await ctx.runtime.steps.run(incident, ctx.actor, ctx.command.step);
    if (!r.ok) return refusal(ctx, r.reason);
    const items = describeExecution(ctx, incident.id, r.value);
    return {
      incidentId: incident.id,
      views: [{ summary: items[0]?.text ?? ctx.command.step, blocks: [{ type: 'list', items }] }, ...planToApprove(ctx, incident.id, incident.host, r.value)],
      card: lazyCard(ctx, incident.id, 'compact'),
    };
  });
