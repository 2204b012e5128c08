import { formatDuration } from '../i18n/format-duration.js';
import { formatTime } from '../i18n/format-time.js';
import { QUIET_MINUTES, TIMER } from '../incident/timer-kinds.js';
import { rtoState } from '../incident/rto-clock.js';
import { incidentSpeed } from '../incident/drill.js';
import { FIRE, type TimerContext, type TimerHandler, type TimerWork } from '../scheduler/timer-work.js';

const QUIET_MS = QUIET_MINUTES * 60_000;

/**
 * The least time between two reminders of one incident, on the scheduler's clock whatever the drill
 * speed: at ×3600 the 30 quiet minutes last half a second, and a reminder each time would flood the
 * channel. The first reminder still comes at drill speed (the drill rehearses it); pages and RTO alarms
 * are other timers and keep the drill's speed.
 */
export const MIN_REMINDER_GAP_MS = 60_000;

/**
 * `quiet`: when an open incident's timeline has been silent for 30 min, posts a reminder with the
 * status and the next ladder step; otherwise moves itself to 30 min after the last entry.
 */
export const quietTimer: TimerHandler = {
  handles: (kind) => kind === TIMER.quiet,
  describe: (_row, t) => t('무응답 알림', 'quiet-incident reminder'),
  async plan(ctx: TimerContext): Promise<TimerWork> {
    const { core, tx, row, t, now } = ctx;
    const incident = await tx.incidents.get(row.incidentId);
    if (!incident || incident.status !== 'open') return FIRE;
    const quietMs = Math.round(QUIET_MS / incidentSpeed(incident));
    const remindedAt = typeof row.payload.remindedAt === 'number' ? row.payload.remindedAt : undefined;
    const quietUntil = Math.max(incident.lastActivityAt + quietMs, remindedAt === undefined ? 0 : remindedAt + MIN_REMINDER_GAP_MS);
    if (quietUntil > now) return { pages: [], end: { rearmAt: () => quietUntil } };
    const next = (await tx.timers.forIncident(incident.id))
      .filter((x) => TIMER.isLadder(x.kind) && x.firedAt === undefined && x.cancelledAt === undefined)
      .sort((a, b) => a.dueAt - b.dueAt)[0];
    const rung = next ? core.pack.ladder.find((r) => TIMER.ladder(r.level) === next.kind) : undefined;
    const rto = rtoState(incident, core.pack, now);
    const d = (ms: number) => formatDuration(ms, core.lang);
    const nextStep = rung
      ? t(`다음 단계: ${rung.level}단계 ${rung.title.ko} (${formatTime(next!.dueAt, core.timeZone)})`, `next step: level ${rung.level}, ${rung.title.en} at ${formatTime(next!.dueAt, core.timeZone)}`)
      : t('다음 단계: 없음 (최상위 단계)', 'next step: none (top of the ladder)');
    const silent = d((now - incident.lastActivityAt) * incidentSpeed(incident));
    await ctx.entry(
      incident.id,
      'reminder',
      t(
        `🔔 ${silent} 동안 기록이 없습니다. 상태: ${incident.status}, ${incident.level}단계, 경과 ${d(rto.elapsedMs)} / 목표 ${d(rto.goalMs)}; ${nextStep}`,
        `🔔 Nothing recorded for ${silent}. Status: ${incident.status}, level ${incident.level}, elapsed ${d(rto.elapsedMs)} of the ${d(rto.goalMs)} goal; ${nextStep}`,
      ),
      { quietMs: now - incident.lastActivityAt },
    );
    return { pages: [], end: { rearmAt: () => now + Math.max(quietMs, MIN_REMINDER_GAP_MS), payload: { ...row.payload, remindedAt: now } } };
  },
};
