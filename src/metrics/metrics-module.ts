import type { AppContext, DrbotModule } from '../app/drbot-module.js';

/**
 * Serves `/metrics` (Prometheus text) on the shared HTTP server. The metrics themselves are made
 * with the runtime (the router, the scheduler and the agent port report into them from the start,
 * pages are counted by the incident reactions); a runtime built without metrics serves none.
 */
export class MetricsModule implements DrbotModule {
  readonly name = 'metrics';

  async start(app: AppContext): Promise<void> {
    const { runtime, http } = app;
    const metrics = runtime.metrics;
    if (!metrics) return;
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
