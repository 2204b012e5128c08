import type { AgentPresence } from '../agentlink/agent-port.js';
import type { Core } from '../app/core.js';
import type { Contact } from '../contacts/contact-schema.js';
import type { FaultTypeStats } from '../history/fault-type-stats.js';
import type { FaultType, LadderRung } from '../runbook/pack-schema.js';
import type { Approval, ChecklistTick, Incident, StepRun, TimelineEntry } from './incident.js';
import { drillPagee } from './drill.js';

/** Everything a card or report shows about one incident, read in one go. */
export interface IncidentSnapshot {
  incident: Incident;
  type: FaultType;
  ticks: ChecklistTick[];
  approvals: Approval[];
  runs: StepRun[];
  timeline: TimelineEntry[];
  agent: AgentPresence;
  /** The rung reached and the people who hold it (assigned person first). */
  rung: LadderRung;
  holders: Contact[];
  now: number;
  /** For steps that reach people of a role (`doc.contact`), who they are from config/contacts.yaml, by step id. */
  stepContacts?: Record<string, Contact[]>;
  /** While the incident is open: what the last recoveries of its type suggest (none when there are none, or history could not be read). */
  history?: FaultTypeStats;
}

/** The rows the store keeps around an incident: what a snapshot reads besides the incident itself. */
export type IncidentRecords = Pick<IncidentSnapshot, 'ticks' | 'approvals' | 'runs' | 'timeline'>;

/**
 * Reads an incident and everything around it. `records`, when the caller has them as it just
 * committed them (an open knows its ticks and its one timeline line), are not read again.
 */
export async function loadIncidentSnapshot(core: Core, incident: Incident, records?: IncidentRecords): Promise<IncidentSnapshot> {
  const type = core.pack.types.find((t) => t.id === incident.type);
  if (!type) throw new Error(`incident ${incident.id} has type ${incident.type}, which the runbook pack does not define`);
  const [{ ticks, approvals, runs, timeline }, history] = await Promise.all([
    // One query for the four lists (src/store/incident-repository.ts `records`).
    records ?? core.store.incidents.records(incident.id),
    incident.status === 'open'
      ? core.history.recentOf(incident.type).catch((err: unknown) => {
          core.log.warn({ err, incidentId: incident.id }, 'could not read the history of this fault type; the card shows none');
          return undefined;
        })
      : undefined,
  ]);
  const rung = [...core.pack.ladder].reverse().find((r) => r.level <= incident.level) ?? core.pack.ladder[0]!;
  const assigned = incident.assignments[rung.role];
  // A drill's rung is held by the participant it pages (Slack invites only them).
  const drillHolder = incident.drill ? drillPagee(incident, core.contacts, rung.role).contact : undefined;
  const holders = incident.drill
    ? drillHolder
      ? [drillHolder]
      : []
    : core.contacts.withRole(rung.role).sort((a, b) => (a.name === assigned ? -1 : b.name === assigned ? 1 : 0));
  const stepContacts = Object.fromEntries(
    [...type.diagnostics, ...type.stages.flatMap((st) => st.steps), ...type.rollback, ...type.temporary, ...type.portConflict].flatMap((st) => (st.doc?.contact ? [[st.id, core.contacts.withRole(st.doc.contact.role)] as const] : [])),
  );
  return {
    incident,
    type,
    ticks,
    approvals,
    runs,
    timeline,
    agent: core.agents.presence(incident.host),
    rung,
    holders,
    now: core.clock.now(),
    ...(Object.keys(stepContacts).length ? { stepContacts } : {}),
    ...(history?.recovered ? { history } : {}),
  };
}
