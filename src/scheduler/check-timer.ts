import type { Core } from '../app/core.js';
import { TIMER } from '../incident/timer-kinds.js';
import type { Store } from '../store/store.js';
import { checkReportView, nextCheckAt, type CheckSchedule, type ScheduledChecks } from './scheduled-checks.js';
import type { TimerContext, TimerHandler, TimerWork } from './timer-work.js';

const SCHEDULES: readonly CheckSchedule[] = ['weekly', 'monthly'];

/** Timer kind of a recurring check (incident id ''). */
export function checkTimerKind(schedule: CheckSchedule): string {
  return TIMER.check(schedule);
}

/** Arms the weekly and monthly check timers at their next cron time unless they are already armed. */
export async function armCheckTimers(core: Pick<Core, 'pack' | 'timeZone' | 'clock'>, store: Store): Promise<void> {
  for (const schedule of SCHEDULES) {
    await store.timers.ensure('', checkTimerKind(schedule), nextCheckAt(core.pack.scheduled[schedule].cron, core.timeZone, core.clock.now()), { schedule });
  }
}

/**
 * `check-weekly` / `check-monthly`: runs the checks after the claim commits (agent calls must not
 * hold the write lock), posts the results to the ops channel, and moves itself to the next cron
 * time. Missed runs (drbot down) run once, late, and say so. A crash mid-run repeats the run
 * after the lease: a check report may be posted twice, never lost.
 */
export function checkTimer(core: Core, checks: ScheduledChecks): TimerHandler {
  return {
    handles: (kind) => SCHEDULES.some((s) => checkTimerKind(s) === kind),
    describe: (row, t) => t(`정기 점검 (${row.kind})`, `scheduled check (${row.kind})`),
    async plan(ctx: TimerContext): Promise<TimerWork> {
      const schedule = TIMER.checkSchedule(ctx.row.kind) as CheckSchedule;
      const lateMs = ctx.now - ctx.row.dueAt >= 60_000 ? ctx.now - ctx.row.dueAt : undefined;
      // drbot down across several check times: one late run stands for all of them
      const cron = core.pack.scheduled[schedule].cron;
      let skipped = 0;
      for (let at = nextCheckAt(cron, core.timeZone, ctx.row.dueAt); at <= ctx.now && skipped < 100; at = nextCheckAt(cron, core.timeZone, at)) skipped++;
      return {
        catchUpNote: skipped ? ctx.t(`한 번 실행으로 놓친 ${skipped + 1}회를 대신함 (이전 회차는 반복하지 않음)`, `one run stands for ${skipped + 1} missed runs (the earlier ones are not repeated)`) : undefined,
        pages: [],
        after: async () => {
          const report = await checks.run(schedule, { lateMs });
          await core.ops.post(checkReportView(report, core));
        },
        end: { rearmAt: () => nextCheckAt(core.pack.scheduled[schedule].cron, core.timeZone, core.clock.now()) },
      };
    },
  };
}
