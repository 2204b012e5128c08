import { AgentOfflineError, type ActionRequest, type ActionResult, type AgentPort } from '../agentlink/agent-port.js';
import { ForwardingAgentPort } from '../agentlink/forwarding-agent-port.js';
import type { Metrics } from './metrics.js';

/** An AgentPort that times each request's round trip for `/metrics` and otherwise passes everything through. */
export class TimedAgentPort extends ForwardingAgentPort {
  constructor(
    inner: AgentPort,
    private readonly metrics: Pick<Metrics, 'observeAgentRoundTrip'>,
    private readonly now: () => number = () => performance.now(),
  ) {
    super(inner);
  }

  override async run(request: ActionRequest, onProgress?: (line: string) => void): Promise<ActionResult> {
    const started = this.now();
    try {
      const result = await this.inner.run(request, onProgress);
      this.metrics.observeAgentRoundTrip(request.action, this.now() - started, result.status);
      return result;
    } catch (err) {
      // Offline means nothing was sent: not a round trip.
      if (!(err instanceof AgentOfflineError)) this.metrics.observeAgentRoundTrip(request.action, this.now() - started, 'error');
      throw err;
    }
  }
}
