import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { aRuntimeWithAnIncident } from '../support/an-incident.js';
import type { ActionRequest, ActionResult } from '../../src/agentlink/agent-port.js';
import { BackupsAgentPort } from '../support/backups-agent-port.js';
import { ScriptedAgentPort } from '../support/fake-agent-port.js';
import { replyText } from '../support/reply-text.js';
import { buildTestRuntime, type TestRuntime } from '../support/test-runtime.js';

let core: TestRuntime;
/** The id of the incident beforeEach opened. */
let ID: string;
let agent: BackupsAgentPort;
beforeEach(async () => {
  agent = new BackupsAgentPort();
  ({ core, incident: { id: ID } } = await aRuntimeWithAnIncident('type2', { agents: agent }));
  await core.events.settled();
});
afterEach(() => core.close());

const say = (line: string, who = 'Kim DevOps') => core.router.dispatch(line, core.as(who));
const restores = () => agent.requests.filter((r) => r.action === 'restore_file');
const digestIn = (text: string) => /plan:([0-9a-f]{12})/.exec(text)![1]!;

describe('/incident plan', () => {
  it('shows the resolved target, its facts, the choices newest first and an Approve button bound to the plan; nothing changes on the host', async () => {
    const reply = await say('/incident plan restore-db');
    const text = await replyText(reply);
    expect(reply.private).toBe(true);
    expect(text).toContain('access_db ← /backup/routing_20261123.accdb');
    expect(text).toContain('26 h old — past the RPO goal (24 h), within the limit (72 h)');
    expect(text.indexOf('routing_20261123.accdb (26 h old)')).toBeLessThan(text.indexOf('routing_20261122.accdb (50 h old)'));
    expect(text).toMatch(new RegExp(`/incident approve ${ID} restore-db-from-yesterday plan:[0-9a-f]{12}`));
    expect(restores()).toHaveLength(0);
    expect((await core.store.incidents.timeline(ID)).some((e) => e.kind === 'plan')).toBe(true);
  });
});

describe('approving a plan', () => {
  it('runs the approved target and records the plan with the approval', async () => {
    const digest = digestIn(await replyText(await say('/incident plan 6')));
    const text = await replyText(await say(`/incident approve 6 plan:${digest}`, 'Lee Backend'));
    expect(text).toContain(`Plan (${digest}): access_db ← /backup/routing_20261123.accdb`);
    expect(restores()).toHaveLength(1);
    const [approval] = await core.store.incidents.approvals(ID);
    expect(approval!.plan).toMatchObject({ digest, target: 'access_db ← /backup/routing_20261123.accdb' });
  });

  it('refuses when the newest backup changed since the plan was shown, says what changed, runs nothing; approving the new plan runs', async () => {
    const digest = digestIn(await replyText(await say('/incident plan 6')));
    agent.backups.unshift('routing_20261124.accdb');
    const refused = await say(`/incident approve 6 plan:${digest}`, 'Lee Backend');
    expect(refused.refused).toBe(true);
    const text = await replyText(refused);
    expect(text).toContain('restore-db-from-yesterday: the backup and the newest backup changed since the plan you approved was shown — approve again. Nothing ran.');
    // The plan now comes with its own Approve.
    expect(text).toMatch(new RegExp(`\\[Approve restore-db-from-yesterday\\] /incident approve ${ID} restore-db-from-yesterday plan:[0-9a-f]{12}`));
    expect(text).toContain('newest backup: routing_20261123.accdb → routing_20261124.accdb');
    expect(restores()).toHaveLength(0);
    expect(await core.store.incidents.approvals(ID)).toEqual([]);
    const again = digestIn(text);
    await say(`/incident approve 6 plan:${again}`, 'Lee Backend');
    expect(restores()).toHaveLength(1);
  });

  it('takes a choice from the allow-list (any unique part of it) and runs that target; a bad choice lists the valid ones and runs nothing', async () => {
    const bad = await say('/incident approve restore-db-from-yesterday 20261101', 'Lee Backend');
    expect(bad.refused).toBe(true);
    expect(await replyText(bad)).toContain('Valid choices: routing_20261123.accdb (26 h old), routing_20261122.accdb (50 h old)');
    expect(restores()).toHaveLength(0);
    await say('/incident approve restore-db-from-yesterday 20261122', 'Lee Backend');
    expect(restores()).toEqual([expect.objectContaining({ params: { file: 'access_db', from: 'routing_20261122.accdb' } })]);
  });
});

describe('at run time the agent plans again', () => {
  it('an approval whose plan no longer matches the host expires and the run is refused with what changed, until approved again', async () => {
    const incident = (await core.store.incidents.get(ID))!;
    const step = core.pack.types.find((t) => t.id === 2)!.stages[0]!.steps.find((s) => s.id === 'restore-db-from-yesterday')!;
    const planned = await core.steps.plan(incident, core.as('Lee Backend'), step);
    if (!planned.ok) throw new Error('no plan');
    // Approved earlier (its agent was offline then, so it has not run yet).
    const now = core.clock.now();
    await core.store.writeTransaction((tx) =>
      tx.incidents.insertApproval({ id: 'apr-earlier', incidentId: ID, stepId: step.id, firstBy: 'Lee Backend', firstAt: now, needsTwo: false, expiresAt: now + 15 * 60_000, status: 'approved', plan: planned.value }),
    );
    agent.backups.unshift('routing_20261124.accdb');
    const text = await replyText(await say('/incident run 6'));
    expect(text).toContain('not run — the backup and the newest backup changed since you approved (the host changed); approve again');
    expect(text).toContain('newest backup: routing_20261123.accdb → routing_20261124.accdb');
    expect(restores()).toHaveLength(0);
    expect((await core.store.incidents.approvals(ID))[0]!.status).toBe('expired');
    expect((await core.store.incidents.timeline(ID)).at(-1)!.text).toContain('not run, the backup and the newest backup changed since it was approved (the host changed)');
    await say('/incident approve 6', 'Lee Backend');
    expect(restores()).toEqual([expect.objectContaining({ params: { file: 'access_db', from: 'yesterday' } })]);
  });
});

describe('a destructive step whose plan changes between the two approvals', () => {
  it('refuses the second approval with what changed and the plan now (with its Approve); the first approval expires and nothing runs until two people approve the new plan', async () => {
    const containers = ['routing-ml-predictor-1 running'];
    const host = new (class extends ScriptedAgentPort {
      override async run(request: ActionRequest): Promise<ActionResult> {
        if (request.action === 'plan' && request.params.action === 'remove_all_containers') {
          this.requests.push(request);
          return { status: 'ok', summary: 'plan', output: '', data: { target: 'remove every container of the stack', facts: [{ label: 'containers', value: containers.join('; ') }] } };
        }
        return super.run(request);
      }
    })();
    const rt = await buildTestRuntime({ agents: host });
    try {
      const as = (who: string) => rt.as(who);
      await rt.router.dispatch('/incident open type4', as('Kim DevOps'));
      await rt.router.dispatch(`/incident approve ${ID} remove-all-containers`, as('Kim DevOps'));
      containers.push('routing-ml-frontend-1 running');
      const refused = await rt.router.dispatch(`/incident approve ${ID} remove-all-containers`, as('Park DevOps'));
      expect(refused.refused).toBe(true);
      const text = await replyText(refused);
      expect(text).toContain('remove-all-containers: the containers changed since Kim DevOps approved — containers: routing-ml-predictor-1 running → routing-ml-predictor-1 running; routing-ml-frontend-1 running. Nothing ran. Approve again from the start (the new plan is below).');
      expect(text).toMatch(new RegExp(`\\[Approve remove-all-containers\\] /incident approve ${ID} remove-all-containers plan:[0-9a-f]{12}`));
      expect((await rt.store.incidents.approvals(ID)).map((a) => a.status)).toEqual(['expired']);
      expect(host.requests.filter((r) => r.action === 'remove_all_containers')).toHaveLength(0);
      const again = digestIn(text);
      await rt.router.dispatch(`/incident approve ${ID} remove-all-containers plan:${again}`, as('Park DevOps'));
      await rt.router.dispatch(`/incident approve ${ID} remove-all-containers plan:${again}`, as('Kim DevOps'));
      expect(host.requests.filter((r) => r.action === 'remove_all_containers')).toHaveLength(1);
    } finally {
      await rt.close();
    }
  });
});
