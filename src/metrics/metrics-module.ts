import type { AppContext, DrbotModule } from '../app/drbot-module.js';
import { DrbotMetrics } from './drbot-metrics.js';
import { TimedAgentPort } from './timed-agent-port.js';

/**
 * Serves `/metrics` (Prometheus text) on the shared HTTP server and feeds it: command latency from
 * the router, pages from the timeline, agent round trips by wrapping the agent port, and
 * `core.metrics` for the scheduler's timer lateness. Starts after the agent link (which needs the
 * hub itself) and before the scheduler (whose first pass already reports lateness).
 */
export class MetricsModule implements DrbotModule {
  readonly name = 'metrics';
  private metrics?: DrbotMetrics;

  constructor(private readonly options: { processMetrics?: boolean } = { processMetrics: true }) {}

  /** The live metrics (tests read them). */
  get current(): DrbotMetrics | undefined {
    return this.metrics;
  }

  async start(app: AppContext): Promise<void> {
    const { core, router, http } = app;
    const metrics = new DrbotMetrics({ store: core.store, agents: () => core.agents, faultTypes: core.pack.types.map((t) => t.id), log: core.log }, this.options);
    this.metrics = metrics;
    core.metrics = metrics;
    core.agents = new TimedAgentPort(core.agents, metrics);
    router.observe((verb, outcome, ms) => metrics.observeCommand(verb, outcome, ms));
    core.events.onTimeline((entry) => metrics.countPage(entry));
    http.app.get('/metrics', async (_req, res, next) => {
      try {
        const { contentType, text } = await metrics.exposition();
        res.type(contentType).send(text);
      } catch (err) {
        next(err);
      }
    });
  }

  async stop(): Promise<void> {
    // Nothing in flight: scrapes end with the HTTP server.
  }
}
