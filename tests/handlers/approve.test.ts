import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { ScriptedAgentPort } from '../support/fake-agent-port.js';
import { buildTestRuntime, type TestRuntime } from '../support/test-runtime.js';
import { replyText } from '../support/reply-text.js';
import { anIncidentId } from '../support/an-incident.js';

const ID = anIncidentId(1);
let core: TestRuntime;
let agent: ScriptedAgentPort;
beforeEach(async () => {
  agent = new ScriptedAgentPort();
  core = await buildTestRuntime({ agents: agent });
});
afterEach(() => core.close());

describe('/incident approve', () => {
  it('runs an approved recovery step through the agent with its approval id, then the health check', async () => {
    await core.router.dispatch('/incident open type2', core.as('Kim DevOps'));
    const reply = await core.router.dispatch(`/incident approve ${ID} restart-predictor`, core.as('Lee Backend'));
    expect(reply.refused).toBeFalsy();
    expect(await replyText(reply)).toContain('restart-predictor approved (Lee Backend)');
    const restart = agent.requests.find((r) => r.action === 'compose_service_restart')!;
    expect(restart).toMatchObject({ params: { service: 'predictor' }, incidentId: ID });
    expect(restart.approvalId).toMatch(/^apr-/);
    expect(restart.requestId).toBe(`run-${restart.approvalId}`);
    expect(agent.requests.at(-1)).toMatchObject({ action: 'http_health', approvalId: undefined });
    const ticks = (await core.store.incidents.checklist(ID)).map((t) => t.itemId);
    expect(ticks).toEqual(expect.arrayContaining(['method-chosen', 'recovery-executed', 'health-check-passed']));
  });

  it('does not tick "health check passed" when the health check fails', async () => {
    agent.answer('http_health', { status: 'fail', summary: 'connection refused' });
    await core.router.dispatch('/incident open type1', core.as('Kim DevOps'));
    const text = await replyText(await core.router.dispatch(`/incident approve ${ID} restart-predictor`, core.as('Kim DevOps')));
    expect(text).toContain('health check check-health: connection refused');
    const ticks = (await core.store.incidents.checklist(ID)).map((t) => t.itemId);
    expect(ticks).toContain('recovery-executed');
    expect(ticks).not.toContain('health-check-passed');
  });

  it('never runs a step twice on a double click', async () => {
    await core.router.dispatch('/incident open type2', core.as('Kim DevOps'));
    const [a, b] = await Promise.all([
      core.router.dispatch(`/incident approve ${ID} restart-predictor`, core.as('Kim DevOps')),
      core.router.dispatch(`/incident approve ${ID} restart-predictor`, core.as('Kim DevOps')),
    ]);
    expect(agent.requests.filter((r) => r.action === 'compose_service_restart')).toHaveLength(1);
    expect([await replyText(a), await replyText(b)].some((t) => t.includes('already approved'))).toBe(true);
  });

  it('does not run a step that already ran on a plain approve, however late; says when it ran and how to run it again on purpose', async () => {
    await core.router.dispatch('/incident open type2', core.as('Kim DevOps'));
    await core.router.dispatch(`/incident approve ${ID} restart-predictor`, core.as('Kim DevOps'));
    await core.clock.advance(3 * 60 * 60_000);
    const late = await core.router.dispatch(`/incident approve ${ID} restart-predictor`, core.as('Lee Backend'));
    expect(late.refused).toBe(true);
    expect(await replyText(late)).toContain(
      `"restart-predictor" already ran at 2026-11-24 10:00 (✅ ok, requested by Kim DevOps); a plain approve does not run it again. To run it once more on purpose: /incident approve ${ID} restart-predictor again`,
    );
    expect(agent.requests.filter((r) => r.action === 'compose_service_restart')).toHaveLength(1);
    const again = await core.router.dispatch(`/incident approve ${ID} restart-predictor again`, core.as('Lee Backend'));
    expect(await replyText(again)).toContain('restart-predictor approved (Lee Backend)');
    expect(agent.requests.filter((r) => r.action === 'compose_service_restart')).toHaveLength(2);
    expect((await core.store.incidents.timeline(ID)).map((e) => e.text)).toContain('approved (to run again): restart-predictor');
  });

  it('needs two people again for a destructive step run once more on purpose, and refuses `again` while it is running', async () => {
    await core.router.dispatch('/incident open docker', core.as('Kim DevOps'));
    await core.router.dispatch(`/incident approve ${ID} remove-all-containers`, core.as('Kim DevOps'));
    await core.router.dispatch(`/incident approve ${ID} remove-all-containers`, core.as('Jung CTO'));
    expect((await core.router.dispatch(`/incident approve ${ID} remove-all-containers`, core.as('Kim DevOps'))).refused).toBe(true);
    const first = await replyText(await core.router.dispatch(`/incident approve ${ID} remove-all-containers 다시`, core.as('Kim DevOps')));
    expect(first).toContain('first approval by Kim DevOps');
    // The second person may approve the pending re-run plainly.
    expect(await replyText(await core.router.dispatch(`/incident approve ${ID} remove-all-containers`, core.as('Jung CTO')))).toContain('approved (Kim DevOps, Jung CTO)');
    expect(agent.requests.filter((r) => r.action === 'remove_all_containers')).toHaveLength(2);
  });

  it('refuses a second approval while the step is still running', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const run = agent.run.bind(agent);
    agent.run = async (request) => {
      if (request.action === 'compose_service_restart') await gate;
      return run(request);
    };
    await core.router.dispatch('/incident open type2', core.as('Kim DevOps'));
    const running = core.router.dispatch(`/incident approve ${ID} restart-predictor`, core.as('Kim DevOps'));
    while (!(await core.store.incidents.stepRuns(ID)).some((r) => r.stepId === 'restart-predictor')) await new Promise((r) => setImmediate(r));
    const meanwhile = await core.router.dispatch(`/incident approve ${ID} restart-predictor again`, core.as('Lee Backend'));
    expect(meanwhile.refused).toBe(true);
    expect(await replyText(meanwhile)).toContain('"restart-predictor" is running now (since 2026-11-24 10:00, requested by Kim DevOps); it does not run twice');
    release();
    await running;
    expect(agent.requests.filter((r) => r.action === 'compose_service_restart')).toHaveLength(1);
  });

  it('needs two different people for a destructive step', async () => {
    await core.router.dispatch('/incident open docker', core.as('Kim DevOps'));
    const first = await replyText(await core.router.dispatch(`/incident approve ${ID} remove-all-containers`, core.as('Kim DevOps')));
    expect(first).toContain('first approval by Kim DevOps');
    expect(agent.requests.some((r) => r.action === 'remove_all_containers')).toBe(false);
    const again = await core.router.dispatch(`/incident approve ${ID} remove-all-containers`, core.as('Kim DevOps'));
    expect(again.refused).toBe(true);
    expect(await replyText(again)).toContain('a second, different person must approve');
    const second = await replyText(await core.router.dispatch(`/incident approve ${ID} remove-all-containers`, core.as('Jung CTO')));
    expect(second).toContain('approved (Kim DevOps, Jung CTO)');
    expect(agent.requests.filter((r) => r.action === 'remove_all_containers')).toHaveLength(1);
  });

  it('lets a first approval of a destructive step expire', async () => {
    await core.router.dispatch('/incident open docker', core.as('Kim DevOps'));
    await core.router.dispatch(`/incident approve ${ID} remove-all-containers`, core.as('Kim DevOps'));
    await core.clock.advance((core.pack.approvalTtlMinutes + 1) * 60_000);
    const text = await replyText(await core.router.dispatch(`/incident approve ${ID} remove-all-containers`, core.as('Jung CTO')));
    expect(text).toContain('first approval by Jung CTO');
    expect(agent.requests.some((r) => r.action === 'remove_all_containers')).toBe(false);
    expect((await core.store.incidents.approvals(ID)).map((a) => a.status)).toEqual(['expired', 'pending']);
  });

  it('tells someone without the role why, and runs nothing', async () => {
    await core.router.dispatch('/incident open type3', core.as('Kim DevOps'));
    const reply = await core.router.dispatch(`/incident approve ${ID} allow-port-5173`, core.as('Kim DevOps'));
    expect(reply.refused).toBe(true);
    expect(await replyText(reply)).toContain('Kim DevOps may not approve "allow-port-5173": it needs it_support; you hold devops');
    expect(agent.requests).toHaveLength(0);
    expect(await core.store.incidents.approvals(ID)).toHaveLength(0);
  });

  it('records an approval given while the agent is offline as one without a plan: it never runs as it is; once the agent is back `run` shows the plan and only approving that plan runs it', async () => {
    agent.online = false;
    await core.router.dispatch('/incident open type2', core.as('Kim DevOps'));
    // The card's button asks for the plan first: there is none, and the answer says what an approval now would mean.
    const noPlan = await core.router.dispatch(`/incident plan ${ID} restart-predictor`, core.as('Kim DevOps'));
    expect(noPlan.refused).toBe(true);
    expect(await replyText(noPlan)).toContain(`The agent for routing-ml is offline; no plan can be made (/incident agents). An approval can still be recorded without a plan, but it does not run on its own: once the agent is back its plan is shown, and approving that plan runs it — /incident approve ${ID} restart-predictor`);
    const text = await replyText(await core.router.dispatch(`/incident approve ${ID} restart-predictor`, core.as('Kim DevOps')));
    expect(text).toContain('no agent is connected, so nothing ran');
    expect(text).toContain('Approved without a plan: the agent for routing-ml is offline, so nobody has seen what this step will change');
    expect((await core.store.incidents.timeline(ID)).map((e) => e.text)).toContainEqual(expect.stringContaining('approved: restart-predictor — approved without a plan (agent offline)'));
    expect(await core.store.incidents.stepRuns(ID)).toHaveLength(0);
    expect((await core.store.incidents.checklist(ID)).map((t) => t.itemId)).not.toContain('recovery-executed');
    agent.online = true;
    const run = await core.router.dispatch(`/incident run ${ID} restart-predictor`, core.as('Kim DevOps'));
    const runText = await replyText(run);
    expect(runText).toContain('restart-predictor: not run — it was approved without a plan while the agent was offline, so nobody saw what it would change');
    expect(runText).toContain('compose_service_restart service=predictor');
    expect(agent.requests.filter((r) => r.action === 'compose_service_restart')).toHaveLength(0);
    expect((await core.store.incidents.approvals(ID)).map((a) => a.status)).toEqual(['expired']);
    expect((await core.store.incidents.timeline(ID)).map((e) => e.text)).toContainEqual(expect.stringContaining('restart-predictor: not run — it was approved without a plan while the agent was offline'));
    // The answer carries the plan's Approve button; approving that plan runs the step once.
    const digest = /plan:([0-9a-f]{12})/.exec(runText)![1]!;
    const approved = await replyText(await core.router.dispatch(`/incident approve ${ID} restart-predictor plan:${digest}`, core.as('Kim DevOps')));
    expect(approved).toContain('restart-predictor: compose_service_restart ok');
    expect(agent.requests.filter((r) => r.action === 'compose_service_restart')).toHaveLength(1);
  });

  it('replaces an approval given without a plan when the step is approved again with the agent back: the new one carries the plan and runs', async () => {
    agent.online = false;
    await core.router.dispatch('/incident open type2', core.as('Kim DevOps'));
    await core.router.dispatch(`/incident approve ${ID} restart-predictor`, core.as('Kim DevOps'));
    agent.online = true;
    const text = await replyText(await core.router.dispatch(`/incident approve ${ID} restart-predictor`, core.as('Lee Backend')));
    expect(text).toContain('restart-predictor: compose_service_restart ok');
    const approvals = await core.store.incidents.approvals(ID);
    expect(approvals.map((a) => [a.firstBy, a.status, Boolean(a.plan)]).sort()).toEqual([
      ['Kim DevOps', 'expired', false],
      ['Lee Backend', 'used', true],
    ]);
    expect((await core.store.incidents.timeline(ID)).map((e) => e.text)).toContainEqual(expect.stringContaining('the approval given without a plan (Kim DevOps, agent offline) expired'));
  });

  it('a destructive step approved first while the agent was offline needs both approvals again once there is a plan', async () => {
    agent.online = false;
    await core.router.dispatch('/incident open type4', core.as('Kim DevOps'));
    const first = await replyText(await core.router.dispatch(`/incident approve ${ID} remove-all-containers`, core.as('Kim DevOps')));
    expect(first).toContain('first approval by Kim DevOps');
    expect(await replyText(await core.router.dispatch(`/incident status ${ID}`, core.as('Kim DevOps')))).toContain('approved without a plan (agent offline): it must be approved again on its plan');
    agent.online = true;
    const second = await core.router.dispatch(`/incident approve ${ID} remove-all-containers`, core.as('Park DevOps'));
    expect(await replyText(second)).toContain('first approval by Park DevOps');
    expect(await replyText(await core.router.dispatch(`/incident status ${ID}`, core.as('Kim DevOps')))).toMatch(/approved plan [0-9a-f]{12}: remove_all_containers/);
    expect(agent.requests.filter((r) => r.action === 'remove_all_containers')).toHaveLength(0);
    await core.router.dispatch(`/incident approve ${ID} remove-all-containers`, core.as('Kim DevOps'));
    expect(agent.requests.filter((r) => r.action === 'remove_all_containers')).toHaveLength(1);
  });

  it('refuses read-only steps, unknown steps and closed incidents', async () => {
    await core.router.dispatch('/incident open type2', core.as('Kim DevOps'));
    expect(await replyText(await core.router.dispatch(`/incident approve ${ID} check-db-file`, core.as('Kim DevOps')))).toContain('needs no approval');
    expect(await replyText(await core.router.dispatch(`/incident approve ${ID} restart-frontend`, core.as('Kim DevOps')))).toContain('Type 2 has no step "restart-frontend"');
    await core.router.dispatch(`/incident resolve ${ID}`, core.as('Kim DevOps'));
    expect(await replyText(await core.router.dispatch(`/incident approve ${ID} restart-predictor`, core.as('Kim DevOps')))).toContain('is not open (resolved)');
    expect(agent.requests).toHaveLength(0);
  });
});
