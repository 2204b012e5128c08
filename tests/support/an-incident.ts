import type { ImpactScope, Incident, IncidentStatus } from '../../src/incident/incident.js';
import { formatIncidentId } from '../../src/incident/incident-id.js';
import { buildTestRuntime, TUESDAY_10_KST, type TestRuntime } from './test-runtime.js';

/** The id the test runtime gives the `seq`-th incident opened on its day (2026-11-24 unless said). */
export function anIncidentId(seq = 1, day = '20261124'): string {
  return formatIncidentId(day, seq);
}

/** An id in drbot's format that no incident in a test has: a day long after the test clock's. */
export const NO_SUCH_INCIDENT_ID = formatIncidentId('20991231', 999);

/** Test-data builder for an incident row: `anIncident().ofType(2).seq(3).build()`. */
export function anIncident() {
  const value: Incident = {
    id: formatIncidentId('20261124', 1),
    day: '20261124',
    seq: 1,
    type: 1,
    scope: 'full',
    status: 'open',
    note: 'predictor down',
    host: 'routing-ml',
    openedBy: 'Kim DevOps',
    openedAt: TUESDAY_10_KST,
    level: 0,
    lastActivityAt: TUESDAY_10_KST,
    assignments: {},
  };
  const builder = {
    seq(n: number, day = value.day) {
      value.day = day;
      value.seq = n;
      value.id = formatIncidentId(day, n);
      return builder;
    },
    ofType(type: number) {
      value.type = type;
      return builder;
    },
    scope(scope: ImpactScope) {
      value.scope = scope;
      return builder;
    },
    status(status: IncidentStatus) {
      value.status = status;
      return builder;
    },
    openedAt(at: number) {
      value.openedAt = at;
      value.lastActivityAt = at;
      return builder;
    },
    dedupeKey(key: string) {
      value.dedupeKey = key;
      return builder;
    },
    with(fields: Partial<Incident>) {
      Object.assign(value, fields);
      return builder;
    },
    build(): Incident {
      return { ...value, assignments: { ...value.assignments } };
    },
  };
  return builder;
}

/**
 * A test runtime (options as buildTestRuntime takes them) in which Kim DevOps opened one incident
 * through the router, `/incident open <type>`: the runtime and the incident it opened.
 */
export async function aRuntimeWithAnIncident(type = 'type2', options: Parameters<typeof buildTestRuntime>[0] = {}): Promise<{ core: TestRuntime; incident: Incident }> {
  const core = await buildTestRuntime(options);
  const reply = await core.router.dispatch(`/incident open ${type}`, core.as('Kim DevOps'));
  const incident = reply.incidentId === undefined ? undefined : await core.store.incidents.get(reply.incidentId);
  if (!incident) {
    await core.close();
    throw new Error(`/incident open ${type} opened no incident${reply.refused ? ' (refused)' : ''}`);
  }
  return { core, incident };
}
