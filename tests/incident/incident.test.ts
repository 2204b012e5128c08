import { describe, expect, it } from '@jest/globals';
import { canTransition, type IncidentStatus } from '../../src/incident/incident.js';
import { formatIncidentId, normaliseIncidentId } from '../../src/incident/incident-id.js';

describe('incident state machine', () => {
  const allowed: [IncidentStatus, IncidentStatus][] = [
    ['open', 'resolved'],
    ['open', 'cancelled'],
    ['resolved', 'closed'],
    ['resolved', 'open'],
  ];
  const all: IncidentStatus[] = ['open', 'resolved', 'closed', 'cancelled'];

  it.each(all.flatMap((from) => all.map((to) => [from, to] as const)))('%s → %s follows the lifecycle', (from, to) => {
    const expected = allowed.some(([a, b]) => a === from && b === to);
    expect(canTransition(from, to)).toBe(expected);
  });

  it('closed and cancelled are final', () => {
    for (const to of all) {
      expect(canTransition('closed', to)).toBe(false);
      expect(canTransition('cancelled', to)).toBe(false);
    }
  });
});

// The id format itself is under test here: the literals are what the format must be.
describe('incident ids', () => {
  it('formats the day and a zero-padded per-day sequence', () => {
    expect(formatIncidentId('20261126', 1)).toBe('INC-20261126-001');
    expect(formatIncidentId('20261126', 1234)).toBe('INC-20261126-1234');
  });

  it('normalises typed ids and rejects anything else', () => {
    expect(normaliseIncidentId(' inc-20261126-001 ')).toBe('INC-20261126-001');
    expect(normaliseIncidentId('INC-2026112-001')).toBeUndefined();
    expect(normaliseIncidentId('INC-20261126-01')).toBeUndefined();
    expect(normaliseIncidentId('INC-20261126-001; rm -rf /')).toBeUndefined();
    expect(normaliseIncidentId('')).toBeUndefined();
  });
});
