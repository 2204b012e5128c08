import { afterEach, describe, expect, it } from '@jest/globals';
import { loadIncidentSnapshot } from '../../src/incident/incident-snapshot.js';
import type { AgentPresence } from '../../src/agentlink/agent-port.js';
import { incidentCard } from '../../src/views/incident-card.js';
import { renderText } from '../../src/views/render-text.js';
import { ScriptedAgentPort } from '../support/fake-agent-port.js';
import { buildTestRuntime, type TestRuntime } from '../support/test-runtime.js';


let core: TestRuntime | undefined;
afterEach(() => core?.close());

async function card(deployment: AgentPresence['deployment'], type: string, detail: 'full' | 'compact') {
  const agent = new ScriptedAgentPort();
  agent.deployment = deployment;
  core = await buildTestRuntime({ agents: agent });
  const opened = await core.router.dispatch(`/incident open ${type}`, core.as('Kim DevOps'));
  const incident = (await core.store.incidents.get(opened.incidentId!))!;
  return incidentCard(await loadIncidentSnapshot(core, incident), core.pack, 'en', detail);
}

const listTitled = (view: Awaited<ReturnType<typeof card>>, title: RegExp) => view.blocks.find((b) => b.type === 'list' && title.test(b.title ?? ''));
const commands = (view: Awaited<ReturnType<typeof card>>) => view.blocks.flatMap((b) => (b.type === 'actions' ? b.actions.map((a) => a.command) : []));

describe('the card shows the restart steps that fit how the service runs', () => {
  it('local: stage 1 offers the uvicorn restart; the container steps are under "Other steps"', async () => {
    const view = await card('local', 'type1', 'full');
    const stage1 = JSON.stringify(listTitled(view, /^Recovery stage 1/));
    expect(stage1).toContain('restart-backend-local');
    expect(stage1).not.toContain('restart-predictor');
    const others = JSON.stringify(listTitled(view, /^Other steps \(not for local processes/));
    expect(others).toContain('restart-predictor');
    expect(others).toContain('rebuild-predictor');
    expect(others).not.toContain('restart-backend-local');
    expect(renderText(view)).toContain('routing-ml online · runs as local processes (local)');
  });

  it('docker: the compact chat card has the container restart button, not the local one; the local step is named under "Other steps"', async () => {
    const view = await card('docker', 'type1', 'compact');
    const buttons = commands(view);
    expect(buttons.some((c) => c.includes('restart-predictor'))).toBe(true);
    expect(buttons.some((c) => c.includes('restart-backend-local'))).toBe(false);
    expect(JSON.stringify(listTitled(view, /^Other steps \(not for containers/))).toContain('restart-backend-local');
  });

  it('local on Type 2: the stage whose only step is a container restart says so instead of offering it', async () => {
    const view = await card('local', 'type2', 'full');
    expect(JSON.stringify(listTitled(view, /^Recovery stage 3/))).toContain('no step fits how this host runs the service');
  });

  it('both, or an agent that did not say: every step is where the runbook puts it and there is no "Other steps"', async () => {
    for (const deployment of ['both', undefined] as const) {
      const view = await card(deployment, 'type1', 'full');
      const stage1 = JSON.stringify(listTitled(view, /^Recovery stage 1/));
      expect(stage1).toContain('restart-predictor');
      expect(stage1).toContain('restart-backend-local');
      expect(listTitled(view, /^Other steps/)).toBeUndefined();
      await core!.close();
      core = undefined;
    }
  });
});
