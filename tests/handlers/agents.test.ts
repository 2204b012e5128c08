import { afterEach, describe, expect, it } from '@jest/globals';
import { pino } from 'pino';
import { startAgent, type RunningAgent } from '../../src/agent/start-agent.js';
import { AgentHub, sha256Hex } from '../../src/agentlink/agent-hub.js';
import { memoryLinkPair } from '../../src/agentlink/memory-link.js';
import { anAgentConfig, type AgentConfigBuilder } from '../support/an-agent-config.js';
import { replyText } from '../support/reply-text.js';
import { buildTestRuntime, type TestRuntime } from '../support/test-runtime.js';

let core: TestRuntime;
let agent: RunningAgent | undefined;
let host: AgentConfigBuilder | undefined;

afterEach(async () => {
  await agent?.stop();
  agent = undefined;
  host?.cleanup();
  await core.close();
});

describe('/incident agents', () => {
  it('says how to add an agent when none is configured', async () => {
    core = await buildTestRuntime();
    expect(await replyText(await core.router.dispatch('/incident agents', core.as('Kim DevOps')))).toContain('No agents yet');
  });

  it('lists a configured agent as offline, then online once it connects, then offline with its last-seen time', async () => {
    const hub = new AgentHub({ agents: [{ id: 'routing-ml', tokenSha256: sha256Hex('t') }], log: pino({ level: 'silent' }) });
    core = await buildTestRuntime({ agents: hub });
    expect(await replyText(await core.router.dispatch('/incident agents', core.as('Lee Backend')))).toContain('routing-ml: offline · last seen never connected');

    host = anAgentConfig();
    agent = startAgent(host.build(), async () => {
      const [hubEnd, agentEnd] = memoryLinkPair();
      hub.accept('routing-ml', hubEnd);
      return agentEnd;
    });
    await agent.client.ready;
    const online = await replyText(await core.router.dispatch('/incident agents', core.as('Lee Backend')));
    expect(online).toContain('Agents (1/1 online)');
    expect(online).toContain('routing-ml: online · last heard');

    await agent.stop();
    agent = undefined;
    await new Promise((r) => setTimeout(r, 10));
    const offline = await replyText(await core.router.dispatch('/incident agents', core.as('Lee Backend')));
    expect(offline).toMatch(/routing-ml: offline · last seen \d{4}-\d{2}-\d{2} \d{2}:\d{2}/);
    await hub.close();
  });

  it('says when an agent claimed a host it may not serve and was refused (issue 12, finding 2)', async () => {
    const hub = new AgentHub({ agents: [{ id: 'routing-ml', tokenSha256: sha256Hex('t') }, { id: 'web-1', tokenSha256: sha256Hex('u') }], log: pino({ level: 'silent' }) });
    core = await buildTestRuntime({ agents: hub });
    const [hubEnd, agentEnd] = memoryLinkPair();
    let closed = false;
    agentEnd.onClose(() => (closed = true));
    hub.accept('web-1', hubEnd);
    agentEnd.send(JSON.stringify({ type: 'hello', host: 'routing-ml', version: 'test', actions: [] }));
    for (let i = 0; i < 100 && !closed; i++) await new Promise((r) => setTimeout(r, 10));
    expect(closed).toBe(true);
    const text = await replyText(await core.router.dispatch('/incident agents', core.as('Lee Backend')));
    expect(text).toContain('routing-ml: offline');
    expect(text).toContain('Refused agent connections');
    expect(text).toMatch(/web-1 claimed host routing-ml and was refused \(\d{4}-\d{2}-\d{2} \d{2}:\d{2}\): agent web-1 may not serve host routing-ml/);
    await hub.close();
  });

  it("shows each agent's watchdog: none, armed with its channels and timings, and for an offline agent from when it pages", async () => {
    const hub = new AgentHub({ agents: [{ id: 'routing-ml', tokenSha256: sha256Hex('t') }], log: pino({ level: 'silent' }) });
    core = await buildTestRuntime({ agents: hub });
    host = anAgentConfig().with({ watchdog: { afterMinutes: 0.5, repeatMinutes: 90 } });
    agent = startAgent(
      host.build(),
      async () => {
        const [hubEnd, agentEnd] = memoryLinkPair();
        hub.accept('routing-ml', hubEnd);
        return agentEnd;
      },
      { watchdogChannels: { webhook: { url: 'http://127.0.0.1:9/hook', secret: 'webhook-secret', format: 'drbot' } } },
    );
    await agent.client.ready;
    let online = '';
    for (let i = 0; i < 200 && !online.includes('watchdog armed:'); i++) {
      online = await replyText(await core.router.dispatch('/incident agents', core.as('Lee Backend')));
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(online).toContain('routing-ml: online');
    expect(online).toContain('watchdog armed: pages via webhook after 30 s without drbot, again every 90 min');

    await agent.stop();
    agent = undefined;
    await new Promise((r) => setTimeout(r, 10));
    const offline = await replyText(await core.router.dispatch('/incident agents', core.as('Lee Backend')));
    expect(offline).toMatch(/watchdog armed \(webhook\): if this agent cannot reach drbot either, it pages from about \d{4}-\d{2}-\d{2} \d{2}:\d{2}/);
    await hub.close();
  });

  it('says when an agent has no watchdog', async () => {
    const hub = new AgentHub({ agents: [{ id: 'routing-ml', tokenSha256: sha256Hex('t') }], log: pino({ level: 'silent' }) });
    core = await buildTestRuntime({ agents: hub });
    host = anAgentConfig();
    agent = startAgent(host.build(), async () => {
      const [hubEnd, agentEnd] = memoryLinkPair();
      hub.accept('routing-ml', hubEnd);
      return agentEnd;
    });
    await agent.client.ready;
    expect(await replyText(await core.router.dispatch('/incident agents', core.as('Lee Backend')))).toContain('no watchdog (agent.yaml has none)');
    await agent.stop();
    agent = undefined;
    await hub.close();
  });

  it('takes no arguments', async () => {
    core = await buildTestRuntime();
    expect(await replyText(await core.router.dispatch('/incident agents now', core.as('Kim DevOps')))).toContain('Usage: /incident agents');
  });
});
