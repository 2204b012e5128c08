import { reservePage, settleUnsent } from './reserve-page.js';
import { formatDuration } from '../i18n/format-duration.js';
import { TIMER } from '../incident/timer-kinds.js';
import { rtoState } from '../incident/rto-clock.js';
import { FIRE, type TimerContext, type TimerHandler, type TimerWork } from '../scheduler/timer-work.js';

/**
 * Delivery levels of the RTO pages to the CTO. They sit far above any ladder level so the deliveries
 * key (incident, level, person) keeps each alarm page once, apart from the CTO's ladder page.
 */
export const ALARM_LEVEL = { rtoGoal: 100, rtoLimit: 101 } as const;

const KINDS: readonly string[] = [TIMER.rtoWarning, TIMER.rtoGoal, TIMER.rtoLimit];

/** `rto-warning` (1 h left), `rto-goal` (goal missed, CTO paged) and `rto-limit` (limit exceeded, CTO paged). */
export const rtoAlarmTimer: TimerHandler = {
  handles: (kind) => KINDS.includes(kind),
  describe: (row, t) => t(`RTO 알람 (${row.kind})`, `RTO alarm (${row.kind})`),
  async plan(ctx: TimerContext): Promise<TimerWork> {
    const { core, tx, row, t, now } = ctx;
    const incident = await tx.incidents.get(row.incidentId);
    if (!incident || incident.status !== 'open') return FIRE;
    const rto = rtoState(incident, core.pack, now);
    const d = (ms: number) => formatDuration(ms, core.lang);
    if (row.kind === TIMER.rtoWarning) {
      await ctx.entry(
        incident.id,
        'alarm',
        t(`⏰ RTO 경고: 목표(${d(rto.goalMs)})까지 ${d(rto.leftToGoalMs)} 남음 (경과 ${d(rto.elapsedMs)})`, `⏰ RTO warning: ${d(rto.leftToGoalMs)} left to the ${d(rto.goalMs)} goal (elapsed ${d(rto.elapsedMs)})`),
        { alarm: row.kind },
      );
      return FIRE;
    }
    const goal = row.kind === TIMER.rtoGoal;
    const level = goal ? ALARM_LEVEL.rtoGoal : ALARM_LEVEL.rtoLimit;
    const headline = goal
      ? t(`🚨 RTO 목표 ${d(rto.goalMs)} 초과 (경과 ${d(rto.elapsedMs)})`, `🚨 RTO goal of ${d(rto.goalMs)} missed (elapsed ${d(rto.elapsedMs)})`)
      : t(`🚨 RTO 허용 한계 ${d(rto.limitMs)} 초과 (경과 ${d(rto.elapsedMs)})`, `🚨 RTO limit of ${d(rto.limitMs)} exceeded (elapsed ${d(rto.elapsedMs)})`);
    if (row.payload.reservedAt !== undefined) return settleUnsent(ctx, incident, level, headline);
    await ctx.entry(incident.id, 'alarm', headline, { alarm: row.kind });
    return reservePage(ctx, incident, level, 'cto', headline);
  },
};
