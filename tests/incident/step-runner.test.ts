import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import type { Incident } from '../../src/incident/incident.js';
import { ScriptedAgentPort } from '../support/fake-agent-port.js';
import { buildTestRuntime, type TestRuntime } from '../support/test-runtime.js';

let core: TestRuntime;
let agent: ScriptedAgentPort;
let incident: Incident;
beforeEach(async () => {
  agent = new ScriptedAgentPort();
  core = await buildTestRuntime({ agents: agent });
  ({ incident } = await core.incidents.open({ type: core.pack.types.find((t) => t.id === 2)!, scope: 'full', note: '', actor: core.as('Kim DevOps') }));
});
afterEach(() => core.close());

describe('StepRunner', () => {
  it('refuses a step the type does not have, listing the ones it has', () => {
    const r = core.steps.locate(incident, 'no-such-step');
    expect(r.ok).toBe(false);
    expect(!r.ok && r.reason.en).toMatch(/^Type 2 has no step "no-such-step"\. Steps: .*restart-predictor/);
  });

  it('refuses an approval from someone whose role does not allow it, and records nothing', async () => {
    const r = await core.steps.approve(incident, core.as('Choi Network'), 'restart-predictor');
    expect(r.ok).toBe(false);
    expect(await core.store.incidents.approvals(incident.id)).toEqual([]);
    expect(agent.requests).toEqual([]);
  });

  it('runs an approved step once with its approval id, then the health check, and ticks what it earned', async () => {
    const r = await core.steps.approve(incident, core.as('Lee Backend'), 'restart-predictor');
    expect(r.ok && r.value).toMatchObject({ waitingForSecond: false, duplicate: false, execution: { run: { status: 'ok' }, health: { run: { status: 'ok' } } } });
    const again = await core.steps.approve(incident, core.as('Kim DevOps'), 'restart-predictor');
    expect(!again.ok && again.reason.en).toBe(`"restart-predictor" already ran at 2026-11-24 10:00 (✅ ok, requested by Lee Backend); a plain approve does not run it again. To run it once more on purpose: /incident approve ${incident.id} restart-predictor again`);
    expect(agent.requests.filter((q) => q.action === 'compose_service_restart')).toHaveLength(1);
    expect((await core.store.incidents.checklist(incident.id)).map((t) => t.itemId)).toEqual(expect.arrayContaining(['method-chosen', 'recovery-executed', 'health-check-passed']));
  });

  it('records a host change whose outcome is unknown as unknown (❔, never ❌), with the agent\'s check, and does not go on as if it ran', async () => {
    const check = 'compose_service_restart was cut short (timed out after 180 s); outcome unknown: predictor: check it with docker ps -a --filter name=stack-predictor-1';
    agent.answer('compose_service_restart', { status: 'unknown', summary: check });
    const r = await core.steps.approve(incident, core.as('Lee Backend'), 'restart-predictor');
    expect(r.ok && r.value.execution?.run).toMatchObject({ status: 'unknown' });
    expect(r.ok && r.value.execution?.health).toBeUndefined();
    const line = (await core.store.incidents.timeline(incident.id)).map((e) => e.text).find((t) => t.includes('restart-predictor:'));
    expect(line).toBe(`❔ restart-predictor: ${check} — not re-run: check the host; to run it again on purpose: /incident approve ${incident.id} restart-predictor again`);
    expect((await core.store.incidents.stepRuns(incident.id)).find((x) => x.stepId === 'restart-predictor')).toMatchObject({ status: 'unknown', summary: expect.stringContaining('docker ps -a') });
    expect((await core.store.incidents.checklist(incident.id)).map((t) => t.itemId)).not.toContain('recovery-executed');
    expect(agent.requests.map((q) => q.action)).not.toContain('http_health');
  });

  it('will not run a host-changing step without an approval', async () => {
    const r = await core.steps.run(incident, core.as('Kim DevOps'), 'restart-predictor');
    expect(r.ok).toBe(false);
    expect(!r.ok && r.reason.en).toBe(`"restart-predictor" changes the host and needs an approval: /incident approve ${incident.id} restart-predictor`);
    expect(agent.requests).toEqual([]);
  });

  it('runs nothing and records it when the host agent is offline', async () => {
    agent.online = false;
    const r = await core.steps.diagnose(incident, core.as('Kim DevOps'));
    expect(r.ok && r.value.every((x) => x.offline)).toBe(true);
    expect(await core.store.incidents.stepRuns(incident.id)).toEqual([]);
  });
});
