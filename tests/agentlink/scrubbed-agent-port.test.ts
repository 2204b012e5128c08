import { describe, expect, it } from '@jest/globals';
import type { ActionResult, AgentPort, AgentPresence, AgentRefusal } from '../../src/agentlink/agent-port.js';
import { ScrubbedAgentPort } from '../../src/agentlink/scrubbed-agent-port.js';

describe('ScrubbedAgentPort', () => {
  it('passes refusals and presence refreshes through to the port it wraps (/incident agents on the hub and on replicas)', async () => {
    const refusal: AgentRefusal = { agentId: 'web-1', host: 'routing-ml', reason: 'agent web-1 may not serve host routing-ml', at: 1, count: 2 };
    let refreshed = 0;
    const inner: AgentPort = {
      presence: (host): AgentPresence => ({ host, online: false }),
      list: () => [],
      refusals: () => [refusal],
      refresh: async () => {
        refreshed++;
      },
      run: async (): Promise<ActionResult> => ({ status: 'ok', summary: '', output: '' }),
    };
    const port = new ScrubbedAgentPort(inner);
    expect(port.refusals()).toEqual([refusal]);
    await port.refresh();
    expect(refreshed).toBe(1);
  });
});
