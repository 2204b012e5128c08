import type { Incident } from '../../src/incident/incident.js';

/** The Slack channel name of an incident: `inc-<yyyymmdd>-type<N>-<seq>`, `drill-…` for a drill (lowercase, within Slack's 80 characters). */
export function incidentChannelName(incident: Pick<Incident, 'day' | 'type' | 'seq' | 'drill'>): string {
  return `${incident.drill ? 'drill' : 'inc'}-${incident.day}-type${incident.type}-${String(incident.seq).padStart(3, '0')}`.toLowerCase().slice(0, 80);
}
