/** What drbot's parts report for `/metrics`; `core.metrics` is unset in tests that do not care. */
export interface Metrics {
  /** How late a durable timer fired, in milliseconds past its due time (the scheduler calls this on each claim). */
  observeTimerLateness(ms: number): void;
  /** One request to a host agent and back: the action, how it ended, and how long it took. */
  observeAgentRoundTrip(action: string, ms: number, status?: string): void;
}
