import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import type { ActionRequest, ActionResult } from '../../src/agentlink/agent-port.js';
import { settleOrphanRuns } from '../../src/incident/settle-orphan-runs.js';
import { ScriptedAgentPort } from '../support/fake-agent-port.js';
import type { TestRuntime } from '../support/test-runtime.js';
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

/** A step run a previous drbot process recorded as started and never finished. */
async function anOrphan(requestId: string, stepId: string, action: string, startedAt: number) {
  await core.store.incidents.insertStepRun({ requestId, incidentId: ID, stepId, action, requestedBy: 'Lee Backend', startedAt, status: 'running', summary: '', output: '', approvalId: `apr-${requestId}` });
}

describe('settleOrphanRuns', () => {
  it('asks the agent what became of runs a crashed drbot left running, records it, and never re-runs them', async () => {
    const startedAt = core.clock.now();
    await anOrphan('run-1', 'restart-predictor', 'compose_service_restart', startedAt - 1);
    await anOrphan('run-2', 'restore-db-from-yesterday', 'restore_file', startedAt - 1);
    const asked: ActionRequest[] = [];
    const answers: Record<string, ActionResult> = {
      'run-1': { status: 'ok', summary: 'predictor: 1 container(s) restarted and running', output: '' },
      'run-2': { status: 'unknown', summary: 'the agent has no finished record; outcome unknown, not re-run', output: '' },
    };
    const settled = await settleOrphanRuns(core, core.steps, core.incidents, 'routing-ml', startedAt, async (request) => {
      asked.push(request);
      return answers[request.requestId]!;
    });
    expect(settled).toBe(2);
    expect(asked.map((r) => [r.requestId, r.action, r.approvalId])).toEqual([
      ['run-1', 'compose_service_restart', 'apr-run-1'],
      ['run-2', 'restore_file', 'apr-run-2'],
    ]);
    // nothing was sent to be run again; only the health check after the successful restart ran
    expect(agent.requests.map((r) => r.action)).toEqual(['http_health']);
    const runs = await core.store.incidents.stepRuns(ID);
    expect(runs.find((r) => r.requestId === 'run-1')).toMatchObject({ status: 'ok', summary: 'predictor: 1 container(s) restarted and running' });
    expect(runs.find((r) => r.requestId === 'run-2')?.status).toBe('unknown');
    const entries = (await core.store.incidents.timeline(ID)).filter((e) => e.data?.orphan);
    expect(entries.map((e) => e.text)).toEqual([
      '✅ restart-predictor (sent before drbot restarted, not re-run): predictor: 1 container(s) restarted and running',
      '❔ restore-db-from-yesterday (sent before drbot restarted, not re-run): the agent has no finished record; outcome unknown, not re-run',
    ]);
    const ticks = (await core.store.incidents.checklist(ID)).map((t) => t.itemId);
    expect(ticks).toEqual(expect.arrayContaining(['recovery-executed', 'health-check-passed']));
  });

  it("leaves this process's own runs alone, and retries later when the agent cannot answer", async () => {
    const startedAt = core.clock.now();
    await anOrphan('run-mine', 'restart-predictor', 'compose_service_restart', startedAt);
    await anOrphan('run-old', 'restart-predictor', 'compose_service_restart', startedAt - 5);
    const settled = await settleOrphanRuns(core, core.steps, core.incidents, 'routing-ml', startedAt, async () => {
      throw new Error('agent went away');
    });
    expect(settled).toBe(0);
    expect((await core.store.incidents.stepRuns(ID)).map((r) => r.status)).toEqual(['running', 'running']);
  });
});
