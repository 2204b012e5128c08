import { describe, expect, it } from '@jest/globals';
import { AgentOfflineError, type ActionRequest, type ActionResult, type AgentPort } from '../../src/agentlink/agent-port.js';
import type { Metrics } from '../../src/metrics/metrics.js';
import { TimedAgentPort } from '../../src/metrics/timed-agent-port.js';
import { ScriptedAgentPort } from '../support/fake-agent-port.js';

class RecordingMetrics implements Pick<Metrics, 'observeTimerLateness' | 'observeAgentRoundTrip'> {
  readonly trips: [string, number, string | undefined][] = [];
  observeTimerLateness(): void {}
  observeAgentRoundTrip(action: string, ms: number, status?: string): void {
    this.trips.push([action, ms, status]);
  }
}

const request = (action: string): ActionRequest => ({ requestId: `r-${action}`, host: 'routing-ml', action, params: {}, timeoutMs: 1000 });

describe('TimedAgentPort', () => {
  it('times each round trip with its result status and passes presence through', async () => {
    const metrics = new RecordingMetrics();
    let now = 1000;
    const inner = new ScriptedAgentPort().answer('http_health', { status: 'warn', summary: 'slow' });
    const port = new TimedAgentPort(
      {
        presence: (h) => inner.presence(h),
        list: () => inner.list(),
        run: async (r) => {
          now += 250;
          return inner.run(r);
        },
      },
      metrics,
      () => now,
    );
    expect((await port.run(request('http_health'))).status).toBe('warn');
    expect(port.presence('routing-ml').online).toBe(true);
    expect(port.list()).toHaveLength(1);
    expect(metrics.trips).toEqual([['http_health', 250, 'warn']]);
  });

  it('records a failed request as an error, and an offline host as no round trip at all', async () => {
    const metrics = new RecordingMetrics();
    const failing: AgentPort = {
      presence: (host) => ({ host, online: true }),
      list: () => [],
      run: async (r): Promise<ActionResult> => {
        if (r.action === 'offline') throw new AgentOfflineError(r.host);
        throw new Error('link dropped');
      },
    };
    const port = new TimedAgentPort(failing, metrics);
    await expect(port.run(request('containers'))).rejects.toThrow('link dropped');
    await expect(port.run(request('offline'))).rejects.toBeInstanceOf(AgentOfflineError);
    expect(metrics.trips.map(([a, , s]) => [a, s])).toEqual([['containers', 'error']]);
  });
});
