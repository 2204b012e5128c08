import type { RunbookPack } from '../runbook/pack-schema.js';
import { incidentSpeed } from './drill.js';
import type { Incident } from './incident.js';

/** Where an incident stands against the RTO: goal 4 h, limit 8 h in the Routing ML pack. */
export interface RtoState {
  elapsedMs: number;
  goalMs: number;
  limitMs: number;
  /** Time left to the goal (negative once missed). */
  leftToGoalMs: number;
  /** Time left to the limit (negative once exceeded). */
  leftToLimitMs: number;
  /** `ok` before the last hour, `warning` in the last hour before the goal, `missed` past the goal, `exceeded` past the limit. */
  phase: 'ok' | 'warning' | 'missed' | 'exceeded';
  /** Stopped: the incident was resolved or cancelled, elapsed is final. */
  stopped: boolean;
}

const HOUR = 3_600_000;

/** Computes the RTO clock at `now`; it stops at resolution or cancellation. A drill's clock runs at its `--speed`. */
export function rtoState(incident: Incident, pack: Pick<RunbookPack, 'rto'>, now: number): RtoState {
  const end = incident.resolvedAt ?? incident.cancelledAt;
  const stopped = end !== undefined;
  const elapsedMs = Math.max(0, (end ?? now) - incident.openedAt) * incidentSpeed(incident);
  const goalMs = pack.rto.goalMinutes * 60_000;
  const limitMs = pack.rto.limitMinutes * 60_000;
  const phase = elapsedMs >= limitMs ? 'exceeded' : elapsedMs >= goalMs ? 'missed' : elapsedMs >= goalMs - HOUR ? 'warning' : 'ok';
  return { elapsedMs, goalMs, limitMs, leftToGoalMs: goalMs - elapsedMs, leftToLimitMs: limitMs - elapsedMs, phase, stopped };
}
