import type { Handler } from '../src/router/handler.js';
import { textReply } from '../src/views/view.js';
import { refusal } from './with-incident.js';
import { checkReportView } from '../src/scheduler/scheduled-checks.js';

/** Runs the weekly or monthly checks now and answers with their results (ok / warn / fail per item). */
export const checks: Handler<'checks'> = async (ctx) => {
  if (ctx.command.done) {
    const r = await ctx.runtime.checks.markDone(ctx.command.done.item, ctx.actor, ctx.command.done.evidence);
    if (!r.ok) return refusal(ctx, r.reason);
    return textReply(r.value);
  }
  const report = await ctx.runtime.checks.run(ctx.command.schedule, { only: ctx.command.item });
  return { views: [checkReportView(report, ctx.runtime)] };
};
