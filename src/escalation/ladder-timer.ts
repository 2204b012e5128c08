import { reservePage, settleUnsent } from './reserve-page.js';
import { TIMER } from '../incident/timer-kinds.js';
import type { Incident } from '../incident/incident.js';
import type { Store } from '../store/store.js';
import { Role } from '../runbook/pack-schema.js';
import { FIRE, type TimerContext, type TimerHandler, type TimerWork } from '../scheduler/timer-work.js';

/** Raises the incident's level to at least `level` inside the transaction. */
export async function raiseLevel(tx: Store, incident: Incident, level: number): Promise<Incident> {
  if (incident.level >= level) return incident;
  const raised = { ...incident, level };
  await tx.incidents.save(raised);
  return raised;
}

/** `page-at-open-<role>`: pages the role the fault type asks for at open (next available person), besides the ladder. */
export const pageAtOpenTimer: TimerHandler = {
  handles: (kind) => TIMER.isPageAtOpen(kind),
  describe: (row, t) => t(`개시 시 ${TIMER.pageAtOpenRole(row.kind)} 호출`, `${TIMER.pageAtOpenRole(row.kind)} page at open`),
  async plan(ctx: TimerContext): Promise<TimerWork> {
    const { tx, row, t } = ctx;
    const role = TIMER.pageAtOpenRole(row.kind);
    const incident = await tx.incidents.get(row.incidentId);
    const parsed = Role.safeParse(role);
    if (!incident || incident.status !== 'open' || !parsed.success) return FIRE;
    const headline = t(`개시 즉시 ${role} 호출 (Type ${incident.type} 절차)`, `${role} paged at open (Type ${incident.type} procedure)`);
    if (row.payload.reservedAt !== undefined) return settleUnsent(ctx, incident, incident.level, headline);
    return reservePage(ctx, incident, incident.level, parsed.data, headline);
  },
};

/** `ladder-<level>`: pages the rung's role (next available person) and raises the incident's level. */
export const ladderTimer: TimerHandler = {
  handles: (kind) => TIMER.isLadder(kind),
  describe: (row, t) => t(`${TIMER.ladderLevel(row.kind)}단계 호출`, `level ${TIMER.ladderLevel(row.kind)} page`),
  async plan(ctx: TimerContext): Promise<TimerWork> {
    const { core, tx, row, t } = ctx;
    const level = TIMER.ladderLevel(row.kind);
    const rung = core.pack.ladder.find((r) => r.level === level);
    const found = await tx.incidents.get(row.incidentId);
    if (!rung || !found || found.status !== 'open') return FIRE;
    const incident = await raiseLevel(tx, found, level);
    const manual = typeof row.payload.by === 'string' ? row.payload.by : undefined;
    const headline = t(
      `${level}단계 ${rung.title.ko}${manual ? ` (수동 에스컬레이션: ${manual})` : ''}`,
      `Level ${level}, ${rung.title.en}${manual ? ` (escalated by ${manual})` : ''}`,
    );
    if (row.payload.reservedAt !== undefined) return settleUnsent(ctx, incident, level, headline);
    if (!rung.page) {
      await ctx.entry(incident.id, 'escalate', t(`${headline}: 단계 도달 (자동 호출 없음)`, `${headline}: level reached (this rung is not paged)`), { level });
      return FIRE;
    }
    return reservePage(ctx, incident, level, rung.role, headline);
  },
};
