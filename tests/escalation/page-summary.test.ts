import { afterEach, describe, expect, it } from '@jest/globals';
import { pageSummary } from '../../src/escalation/page-summary.js';
import { ScriptedAgentPort } from '../support/fake-agent-port.js';
import { buildTestRuntime, type TestRuntime } from '../support/test-runtime.js';

let core: TestRuntime;
afterEach(async () => core?.close());

describe('pageSummary', () => {
  it('lists the steps tried with their results and names the failed one as the blocker', async () => {
    const agent = new ScriptedAgentPort().answer('process_running', { status: 'fail', summary: 'no uvicorn process' });
    core = await buildTestRuntime({ agents: agent });
    const { incident } = await core.incidents.open({ type: core.pack.types[0]!, scope: 'partial', note: '', actor: core.as('Kim DevOps') });
    await core.router.dispatch(`/incident diag ${incident.id}`, core.as('Kim DevOps'));
    await core.clock.advance(45 * 60_000);
    const summary = await pageSummary(core, core.store, incident, core.clock.now(), 'Level 1');
    const lines = summary.split('\n');
    expect(lines[0]).toBe('Level 1');
    expect(lines[1]).toBe(`${incident.id} Type 1 Backend API server down (partial) · elapsed 45 min of the 4 h 0 min RTO goal`);
    expect(lines[2]).toMatch(/^Steps tried: .*check-process fail \(no uvicorn process\)/);
    expect(lines[3]).toBe('Current blocker: check-process failed: no uvicorn process');
  });

  it('speaks Korean', async () => {
    core = await buildTestRuntime({ lang: 'ko' });
    const { incident } = await core.incidents.open({ type: core.pack.types[1]!, scope: 'full', note: '', actor: core.as('Kim DevOps') });
    const summary = await pageSummary(core, core.store, incident, core.clock.now());
    expect(summary).toContain('경과 0분 / RTO 목표 4시간 0분');
    expect(summary).toContain('시도한 단계: 아직 없음');
    expect(summary).toContain('현재 막힌 점: routing-ml 에이전트 오프라인');
  });
});
