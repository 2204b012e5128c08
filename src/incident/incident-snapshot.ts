import type { AgentPresence } from '../agentlink/agent-port.js';
import type { Core } from '../app/core.js';
import type { Contact } from '../contacts/contact-schema.js';
import type { FaultTypeStats } from '../history/fault-type-stats.js';
import type { ContactDirectory } from '../contacts/contact-directory.js';
import type { FaultType, LadderRung, Role } from '../runbook/pack-schema.js';
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
  const rung = rungReached(core.pack.ladder, incident.level);
  // A drill's rung is held by the participant it pages (Slack invites only them).
  const drillHolder = incident.drill ? drillPagee(incident, core.contacts, rung.role).contact : undefined;
  const holders = incident.drill ? (drillHolder ? [drillHolder] : []) : holdersOf(core.contacts, rung.role, incident.assignments[rung.role]);
  const stepContacts = stepContactsOf(core.contacts, type);
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
    ...(stepContacts ? { stepContacts } : {}),
    ...(history?.recovered ? { history } : {}),
  };
}

/** The highest rung at or below `level` (the first rung when none is). */
function rungReached(ladder: readonly LadderRung[], level: number): LadderRung {
  for (let i = ladder.length - 1; i >= 0; i--) if (ladder[i]!.level <= level) return ladder[i]!;
  return ladder[0]!;
}

/*
 * What a snapshot shows from the contact list and the runbook pack alone, made once per directory
 * and pack object: both are fixed once the runtime is built (the contact file is read at start, the
 * pack's objects never change). Nothing from the store is kept here.
 */
const roleHolders = new WeakMap<ContactDirectory, Map<Role, readonly Contact[]>>();
const stepContactsByType = new WeakMap<ContactDirectory, WeakMap<FaultType, Record<string, Contact[]> | undefined>>();

/** People holding `role`, in file order, as the directory lists them (the list is shared: never change it). */
function withRole(contacts: ContactDirectory, role: Role): readonly Contact[] {
  let byRole = roleHolders.get(contacts);
  if (!byRole) roleHolders.set(contacts, (byRole = new Map()));
  let list = byRole.get(role);
  if (!list) byRole.set(role, (list = Object.freeze(contacts.withRole(role))));
  return list;
}

/** The rung's holders in file order, the person assigned to the role (if one of them) first. */
function holdersOf(contacts: ContactDirectory, role: Role, assigned: string | undefined): Contact[] {
  const list = withRole(contacts, role);
  const at = assigned === undefined ? -1 : list.findIndex((c) => c.name === assigned);
  if (at <= 0) return list.slice();
  if (list.findIndex((c, i) => i > at && c.name === assigned) >= 0) {
    // two people of that name (a list not checked by the contacts schema): as the sort always did
    return list.slice().sort((a, b) => (a.name === assigned ? -1 : b.name === assigned ? 1 : 0));
  }
  return [list[at]!, ...list.slice(0, at), ...list.slice(at + 1)];
}

/** For steps that reach people of a role (`doc.contact`), who they are, by step id; undefined when no step does. Shared: never change it. */
function stepContactsOf(contacts: ContactDirectory, type: FaultType): Record<string, Contact[]> | undefined {
  let byType = stepContactsByType.get(contacts);
  if (!byType) stepContactsByType.set(contacts, (byType = new WeakMap()));
  if (byType.has(type)) return byType.get(type);
  const entries = [...type.diagnostics, ...type.stages.flatMap((st) => st.steps), ...type.rollback, ...type.temporary, ...type.portConflict].flatMap((st) =>
    st.doc?.contact ? [[st.id, Object.freeze(contacts.withRole(st.doc.contact.role)) as Contact[]] as const] : [],
  );
  const made = entries.length ? Object.freeze(Object.fromEntries(entries)) : undefined;
  byType.set(type, made);
  return made;
}
