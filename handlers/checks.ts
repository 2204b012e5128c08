import type { Handler } from '../src/router/handler.js';
import { checkReportView } from '../src/scheduler/scheduled-checks.js';

/** Runs the weekly or monthly checks now and answers with their results (ok / warn / fail per item). */
export const checks: Handler<'checks'> = async (ctx) => {
  const report = await ctx.runtime.checks.run(ctx.command.schedule, { only: ctx.command.item });
  return { views: [checkReportView(report, ctx.runtime)] };
};
