import { afterEach, describe, expect, it } from '@jest/globals';
import { reconnectDelay } from '../../src/agent/agent-client.js';
import { startAgent, type RunningAgent } from '../../src/agent/start-agent.js';
import type { LinkSocket } from '../../src/agentlink/agent-protocol.js';
import { memoryLinkPair } from '../../src/agentlink/memory-link.js';
import { anAgentConfig, type AgentConfigBuilder } from '../support/an-agent-config.js';

let host: AgentConfigBuilder;
let agent: RunningAgent | undefined;

afterEach(async () => {
  await agent?.stop();
  agent = undefined;
  host.cleanup();
});

/** A drbot stand-in that welcomes the agent and then, unlike drbot, never answers its heartbeats. */
function silentDrbot(hubEnds: LinkSocket[]) {
  return async () => {
    const [hubEnd, agentEnd] = memoryLinkPair();
    hubEnds.push(hubEnd);
    hubEnd.onMessage((text) => {
      if ((JSON.parse(text) as { type: string }).type === 'hello') hubEnd.send(JSON.stringify({ type: 'welcome', heartbeatMs: 30 }));
    });
    return agentEnd;
  };
}

describe('AgentClient', () => {
  it('says hello with its host and the actions it implements', async () => {
    host = anAgentConfig().with({ host: 'routing-ml-prod' });
    const hellos: unknown[] = [];
    agent = startAgent(host.build(), async () => {
      const [hubEnd, agentEnd] = memoryLinkPair();
      hubEnd.onMessage((text) => {
        hellos.push(JSON.parse(text));
        hubEnd.send(JSON.stringify({ type: 'welcome', heartbeatMs: 60_000 }));
      });
      return agentEnd;
    });
    await agent.client.ready;
    expect(hellos[0]).toMatchObject({ type: 'hello', host: 'routing-ml-prod', actions: expect.arrayContaining(['log_tail', 'restore_dir', 'compose_service_restart']) });
    expect(agent.client.connected).toBe(true);
  });

  it('drops a link whose drbot stopped answering heartbeats and connects again', async () => {
    host = anAgentConfig();
    const links: LinkSocket[] = [];
    agent = startAgent(host.build(), silentDrbot(links));
    await agent.client.ready;
    for (let i = 0; i < 300 && links.length < 2; i++) await new Promise((r) => setTimeout(r, 10));
    expect(links.length).toBeGreaterThanOrEqual(2);
    expect(links[0]!.open).toBe(false);
  });

  it('keeps retrying when drbot cannot be reached', async () => {
    host = anAgentConfig();
    let attempts = 0;
    agent = startAgent(host.build(), async () => {
      attempts++;
      throw new Error('ECONNREFUSED');
    });
    for (let i = 0; i < 300 && attempts < 2; i++) await new Promise((r) => setTimeout(r, 10));
    expect(attempts).toBeGreaterThanOrEqual(2);
    expect(agent.client.connected).toBe(false);
  });

  it('stop() abandons a connect attempt in progress instead of waiting for it', async () => {
    host = anAgentConfig();
    let aborted = false;
    let attempts = 0;
    agent = startAgent(host.build(), (signal) => {
      attempts++;
      return new Promise((_, reject) => signal?.addEventListener('abort', () => ((aborted = true), reject(new Error('aborted')))));
    });
    await agent.stop();
    agent = undefined;
    expect(aborted).toBe(true);
    await new Promise((r) => setTimeout(r, 20));
    expect(attempts).toBe(1);
  });
});

describe('reconnectDelay', () => {
  const backoff = { min: 500, max: 30_000 };
  it('doubles per attempt with ±50 % jitter and never goes above the cap', () => {
    expect(reconnectDelay(0, backoff, () => 0)).toBe(250);
    expect(reconnectDelay(0, backoff, () => 0.999)).toBe(750);
    expect(reconnectDelay(3, backoff, () => 0.5)).toBe(4000);
    expect(reconnectDelay(10, backoff, () => 0.999)).toBe(30_000);
    expect(reconnectDelay(10, backoff, () => 0)).toBe(15_000);
    expect(reconnectDelay(5000, backoff, () => 0.5)).toBe(30_000);
  });
});
