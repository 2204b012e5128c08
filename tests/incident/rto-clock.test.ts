import { describe, expect, it } from '@jest/globals';
import type { Incident } from '../../src/incident/incident.js';
import { rtoState } from '../../src/incident/rto-clock.js';
import { anIncidentId } from '../support/an-incident.js';

const MIN = 60_000;
const pack = { rto: { goalMinutes: 240, limitMinutes: 480 } };
const opened = Date.UTC(2026, 10, 24, 1, 0);

function anIncident(overrides: Partial<Incident> = {}): Incident {
  return {
    id: anIncidentId(1),
    day: '20261124',
    seq: 1,
    type: 2,
    scope: 'full',
    status: 'open',
    note: '',
    host: 'routing-ml',
    openedBy: 'Kim DevOps',
    openedAt: opened,
    level: 0,
    lastActivityAt: opened,
    assignments: {},
    ...overrides,
  };
}

describe('RTO clock', () => {
  it.each([
    [0, 'ok', 240],
    [179, 'ok', 61],
    [180, 'warning', 60],
    [239, 'warning', 1],
    [240, 'missed', 0],
    [479, 'missed', -239],
    [480, 'exceeded', -240],
  ] as const)('at %i min the phase is %s with %i min left to the goal', (minutes, phase, left) => {
    const state = rtoState(anIncident(), pack, opened + minutes * MIN);
    expect(state.phase).toBe(phase);
    expect(state.elapsedMs).toBe(minutes * MIN);
    expect(state.leftToGoalMs).toBe(left * MIN);
    expect(state.leftToLimitMs).toBe((480 - minutes) * MIN);
    expect(state.stopped).toBe(false);
  });

  it('stops at resolution', () => {
    const state = rtoState(anIncident({ status: 'resolved', resolvedAt: opened + 83 * MIN }), pack, opened + 600 * MIN);
    expect(state.elapsedMs).toBe(83 * MIN);
    expect(state.phase).toBe('ok');
    expect(state.stopped).toBe(true);
  });

  it('stops at cancellation', () => {
    const state = rtoState(anIncident({ status: 'cancelled', cancelledAt: opened + 5 * MIN }), pack, opened + 600 * MIN);
    expect(state.elapsedMs).toBe(5 * MIN);
    expect(state.stopped).toBe(true);
  });

  it('never reports negative elapsed time when the clock is behind the open time', () => {
    expect(rtoState(anIncident(), pack, opened - MIN).elapsedMs).toBe(0);
  });
});
