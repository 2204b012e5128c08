import type { TimelineEntry } from '../incident/incident.js';

/** What drbot's parts report for `/metrics`; `metrics` is unset in runtimes built without them. */
export interface Metrics {
  /** One command through the router: its verb (or `invalid`), how it ended and how long it took. */
  observeCommand(verb: string, outcome: string, ms: number): void;
  /** Counts a page when its timeline entry is written. */
  countPage(entry: TimelineEntry): void;
  /** How late a durable timer fired, in milliseconds past its due time (the scheduler calls this on each claim). */
  observeTimerLateness(ms: number): void;
  /** One request to a host agent and back: the action, how it ended, and how long it took. */
  observeAgentRoundTrip(action: string, ms: number, status?: string): void;
}
