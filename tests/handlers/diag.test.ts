import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { ScriptedAgentPort } from '../support/fake-agent-port.js';
import { storeDigest } from '../support/store-digest.js';
import type { TestRuntime } from '../support/test-runtime.js';
import { replyText } from '../support/reply-text.js';
import { aRuntimeWithAnIncident } from '../support/an-incident.js';

let core: TestRuntime;
/** The id of the incident beforeEach opened. */
let ID: string;
let agent: ScriptedAgentPort;
beforeEach(async () => {
  agent = new ScriptedAgentPort();
  ({ core, incident: { id: ID } } = await aRuntimeWithAnIncident('type1', { agents: agent }));
});
afterEach(() => core.close());

describe('/incident diag', () => {
  it('runs every diagnostic of the type and reports ok / warn / fail per step', async () => {
    agent.answer('process_running', { status: 'fail', summary: 'no uvicorn process' });
    agent.answer('port_listening', { status: 'fail', summary: 'nothing listens on 8000' });
    agent.answer('log_tail', { status: 'warn', summary: 'ERROR lines in the last 100' });
    const text = await replyText(await core.router.dispatch('/incident diag', core.as('Kim DevOps')));
    expect(text).toContain(`${ID} diagnostics (1/4 ok)`);
    expect(text).toMatch(/❌ check-process .*no uvicorn process/);
    expect(text).toMatch(/⚠️ tail-backend-log .*ERROR lines/);
    expect(agent.requests.map((r) => r.action).sort()).toEqual(['http_health', 'log_tail', 'port_listening', 'process_running']);
    const summary = (await core.store.incidents.timeline(ID)).find((e) => e.kind === 'diagnostics')!;
    expect(summary.text).toContain('❌ check-process');
  });

  it('runs one named diagnostic', async () => {
    await core.router.dispatch(`/incident diag ${ID} check-port-8000`, core.as('Kim DevOps'));
    expect(agent.requests.map((r) => r.action)).toEqual(['port_listening']);
  });

  it('says plainly that no agent is connected and records nothing as done', async () => {
    agent.online = false;
    const before = await storeDigest(core.store);
    const reply = await core.router.dispatch('/incident diag', core.as('Kim DevOps'));
    expect(await replyText(reply)).toContain('No agent is connected for host routing-ml, so no diagnostics ran and nothing was recorded as done');
    expect(await storeDigest(core.store)).toBe(before);
  });

  it('refuses a recovery step given as a diagnostic', async () => {
    const reply = await core.router.dispatch(`/incident diag ${ID} restart-predictor`, core.as('Kim DevOps'));
    expect(reply.refused).toBe(true);
    expect(agent.requests).toHaveLength(0);
  });
});
