import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { ScriptedAgentPort } from '../support/fake-agent-port.js';
import type { TestRuntime } from '../support/test-runtime.js';
import { replyText } from '../support/reply-text.js';
import { aRuntimeWithAnIncident } from '../support/an-incident.js';

let core: TestRuntime;
/** The id of the incident beforeEach opened. */
let ID: string;
let agent: ScriptedAgentPort;
beforeEach(async () => {
  agent = new ScriptedAgentPort();
  ({ core, incident: { id: ID } } = await aRuntimeWithAnIncident('type2', { agents: agent }));
});
afterEach(() => core.close());

describe('/incident run', () => {
  it('runs a read-only step at once and records the run', async () => {
    agent.answer('file_stat', { status: 'fail', summary: 'file not found' });
    const text = await replyText(await core.router.dispatch(`/incident run ${ID} check-db-permissions`, core.as('Kim DevOps')));
    expect(text).toContain('check-db-permissions: file not found');
    expect(agent.requests[0]).toMatchObject({ action: 'file_stat', params: { file: 'access_db' }, approvalId: undefined });
    expect((await core.store.incidents.stepRuns(ID))[0]).toMatchObject({ stepId: 'check-db-permissions', status: 'fail', summary: 'file not found' });
  });

  it('refuses a host-changing step without an approval and runs nothing', async () => {
    const reply = await core.router.dispatch(`/incident run ${ID} restore-db-from-yesterday`, core.as('Kim DevOps'));
    expect(reply.refused).toBe(true);
    expect(await replyText(reply)).toContain(`needs an approval: /incident approve ${ID} restore-db-from-yesterday`);
    expect(agent.requests).toHaveLength(0);
  });

  it('marks a manual step done without calling the agent', async () => {
    const text = await replyText(await core.router.dispatch(`/incident run ${ID} export-connection-string`, core.as('Lee Backend')));
    expect(text).toContain('recorded as done');
    expect(agent.requests).toHaveLength(0);
    const entry = (await core.store.incidents.timeline(ID)).at(-1)!;
    expect(entry).toMatchObject({ kind: 'step', actor: 'Lee Backend', data: { step: 'export-connection-string', manual: true } });
  });

  it('does not run an approved step a second time', async () => {
    await core.router.dispatch(`/incident approve ${ID} restart-predictor`, core.as('Kim DevOps'));
    const again = await core.router.dispatch(`/incident run ${ID} restart-predictor`, core.as('Kim DevOps'));
    expect(again.refused).toBe(true);
    expect(agent.requests.filter((r) => r.action === 'compose_service_restart')).toHaveLength(1);
  });
});
