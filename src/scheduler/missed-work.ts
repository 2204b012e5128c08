import type { Core } from '../app/core.js';
import { formatDuration } from '../i18n/format-duration.js';
import { formatTime } from '../i18n/format-time.js';
import { translator } from '../i18n/lang.js';
import { TIMER } from '../incident/timer-kinds.js';
import type { View } from '../views/view.js';
import { FIRE, type TimerContext, type TimerHandler, type TimerWork } from './timer-work.js';

/** One timer that came due while drbot was down (or while a claim on it was lost), and what drbot did when it got to it. */
export interface MissedItem extends Record<string, unknown> {
  /** Timer id and due time: the same timer retaken after a crash is listed once. */
  key: string;
  timer: string;
  incidentId: string;
  /** The handler's description ("level 2 page"). */
  what: string;
  dueAt: number;
  /** When drbot got to it. */
  at: number;
  outcome: 'ran' | 'skipped';
  detail: string;
}

/** How soon after the first missed item the report may go out (the catch-up of the rest is awaited anyway). */
export const MISSED_REPORT_DELAY_MS = 5_000;

/** Longest the report waits for a catch-up that does not finish (a timer that keeps failing). */
const MAX_WAIT_MS = 10 * 60_000;

/** Most items listed in the message. */
const MAX_LISTED = 40;

/**
 * `missed-work`: the one ops-channel message after downtime. Late timers add themselves to this
 * timer's payload in their own claim transaction (`Scheduler`); it fires once the catch-up is done
 * (no timer due before the restart is left unfired, on any replica), takes the items and clears
 * them in its claim transaction, and posts them after commit. Claiming is exclusive across
 * replicas, and the items are gone once claimed, so the report goes out once; a crash between the
 * claim and the post loses it rather than posting it twice (like a page reserved and never sent).
 */
export function missedWorkTimer(core: Core): TimerHandler {
  return {
    handles: (kind) => kind === TIMER.missedWork,
    describe: (_row, t) => t('놓친 예약 작업 보고', 'missed-work report'),
    async plan(ctx: TimerContext): Promise<TimerWork> {
      const { row, tx, now } = ctx;
      const items = (row.payload.items as MissedItem[] | undefined) ?? [];
      if (!items.length) return FIRE;
      const cutoff = typeof row.payload.cutoff === 'number' ? row.payload.cutoff : now;
      const firstAt = typeof row.payload.firstAt === 'number' ? row.payload.firstAt : now;
      const again = { rearmAt: () => core.clock.now() + MISSED_REPORT_DELAY_MS };
      if ((await tx.timers.pendingBefore(cutoff, TIMER.missedWork)) > 0 && now - firstAt < MAX_WAIT_MS) return { pages: [], end: again };
      await tx.timers.setPayload(row.id, { items: [] });
      // fires again shortly: empty, it ends; items a retaken timer added meanwhile go out then
      return { pages: [], after: () => core.ops.post(missedWorkView(items, core)), end: again };
    },
  };
}

/** The message: what came due while drbot was down, and for each, ran late by how much or skipped and why. */
export function missedWorkView(items: MissedItem[], core: Pick<Core, 'lang' | 'timeZone'>): View {
  const t = translator(core.lang);
  // by due time; items due at the same moment in a fixed order (by what, then timer), not in the order
  // replicas happened to reach them
  const sorted = [...items].sort((a, b) => a.dueAt - b.dueAt || compare(a.what, b.what) || compare(a.key, b.key));
  const ran = sorted.filter((i) => i.outcome === 'ran').length;
  const from = formatTime(sorted[0]!.dueAt, core.timeZone);
  const summary = t(
    `drbot이 실행 중이 아닐 때 예정된 작업 ${sorted.length}건 (${from}부터): ${ran}건 늦게 실행, ${sorted.length - ran}건 건너뜀`,
    `${sorted.length} scheduled item${sorted.length === 1 ? '' : 's'} came due while drbot was not running (from ${from}): ${ran} ran late, ${sorted.length - ran} skipped`,
  );
  const listed = sorted.slice(0, MAX_LISTED).map((i) => {
    const due = formatTime(i.dueAt, core.timeZone);
    const on = i.incidentId ? ` · ${i.incidentId}` : '';
    const late = formatDuration(i.at - i.dueAt, core.lang);
    return i.outcome === 'ran'
      ? {
          text: `${i.what}${on}`,
          mark: 'warn' as const,
          detail: t(`${late} 늦게 실행 (예정 ${due})${i.detail ? ` — ${i.detail}` : ''}`, `ran ${late} late (due ${due})${i.detail ? ` — ${i.detail}` : ''}`),
        }
      : { text: `${i.what}${on}`, mark: 'info' as const, detail: t(`건너뜀 (예정 ${due}): ${i.detail}`, `skipped (due ${due}): ${i.detail}`) };
  });
  if (sorted.length > MAX_LISTED) listed.push({ text: t(`… 외 ${sorted.length - MAX_LISTED}건`, `… and ${sorted.length - MAX_LISTED} more`), mark: 'info' as const, detail: '' });
  const title = t('drbot 중단 중 놓친 예약 작업', 'Scheduled work missed while drbot was down');
  return {
    key: `missed-work:${sorted[0]!.key}:${sorted.length}`,
    header: { title, emoji: '⌛' },
    blocks: [
      { type: 'text', text: summary },
      { type: 'list', items: listed },
    ],
    summary: `${title}: ${summary}`,
  };
}

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
