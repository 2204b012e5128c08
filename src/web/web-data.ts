import type { Core } from '../app/core.js';
import type { FaultTypeStats } from '../history/fault-type-stats.js';
import { loadIncidentSnapshot, type IncidentSnapshot } from '../incident/incident-snapshot.js';
import type { IncidentListData } from './incident-list-page.js';

/** How far back the front page lists finished incidents. */
export const RECENT_DAYS = 7;

/** What the web pages read: a port, so pages and routes are tested without the rest of drbot. */
export interface WebData {
  list(now: number): Promise<IncidentListData>;
  snapshot(id: string): Promise<IncidentSnapshot | undefined>;
  stats(): Promise<FaultTypeStats[]>;
  /** Changes whenever an incident changes (other replicas' changes included). */
  changeMark(): Promise<string>;
}

/** The web view's data from drbot's store, agents and history. */
export function coreWebData(core: Core): WebData {
  return {
    async list(now) {
      const [open, recent] = await Promise.all([core.store.incidents.list(['open'], 200), core.store.incidents.finishedSince(now - RECENT_DAYS * 86_400_000, 20)]);
      return { open, recent, agents: core.agents.list(), agentsNow: Date.now() };
    },
    async snapshot(id) {
      const incident = await core.store.incidents.get(id);
      return incident ? loadIncidentSnapshot(core, incident) : undefined;
    },
    stats: () => core.history.allTypes(),
    changeMark: () => core.store.incidents.changeMark(),
  };
}
