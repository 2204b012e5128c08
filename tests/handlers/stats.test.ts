import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { ScriptedAgentPort } from '../support/fake-agent-port.js';
import { replyText } from '../support/reply-text.js';
import { buildTestRuntime, type TestRuntime } from '../support/test-runtime.js';

const MIN = 60_000;
let core: TestRuntime;
beforeEach(async () => {
  core = await buildTestRuntime({ agents: new ScriptedAgentPort() });
});
afterEach(() => core.close());

async function recover(type: number, minutes: number, step: string): Promise<void> {
  const kim = core.as('Kim DevOps');
  const id = (await core.router.dispatch(`/incident open type${type}`, kim)).incidentId!;
  await core.clock.advance((minutes - 1) * MIN);
  await core.router.dispatch(`/incident approve ${id} ${step}`, kim);
  await core.clock.advance(MIN);
  await core.router.dispatch(`/incident resolve ${id} fixed`, kim);
  await core.events.settled();
}

describe('/incident stats', () => {
  it('lists every fault type with its count, MTTR median and p90 and the step before recovery', async () => {
    await recover(2, 40, 'restore-db-from-yesterday');
    await recover(2, 100, 'restore-db-from-yesterday');
    await recover(1, 25, 'restart-predictor');
    await core.router.dispatch('/incident open type4', core.as('Kim DevOps'));
    const text = await replyText(await core.router.dispatch('/incident stats', core.as('Lee Backend')));
    expect(text).toContain('History by fault type (drills and cancelled incidents left out)');
    expect(text).toContain('Type 1 Backend API server down: 1 incidents, 1 recovered');
    expect(text).toContain('MTTR median 25 min, p90 25 min · most often before recovery: restart-predictor (1 of 1)');
    expect(text).toContain('Type 2 Access database unreachable: 2 incidents, 2 recovered');
    expect(text).toContain('MTTR median 1 h 10 min, p90 1 h 40 min · most often before recovery: restore-db-from-yesterday (2 of 2)');
    expect(text).toContain('Type 4 Docker container failure: 1 incidents, 0 recovered');
    expect(text).toContain('no recoveries yet');
  });

  it('one type by number or alias, in Korean too; an unknown type gets the usage and changes nothing', async () => {
    await recover(2, 40, 'restore-db-from-yesterday');
    const one = await replyText(await core.router.dispatch('/incident stats db', core.as('Kim DevOps')));
    expect(one).toContain('Type 2');
    expect(one).not.toContain('Type 1');
    const bad = await core.router.dispatch('/incident stats type9', core.as('Kim DevOps'));
    expect(bad.refused).toBe(true);
    expect(await replyText(bad)).toContain('Usage: /incident stats [type1–type5]');
    const ko = await buildTestRuntime({ lang: 'ko' });
    try {
      expect(await replyText(await ko.router.dispatch('/incident stats 2', ko.as('Kim DevOps')))).toContain('Type 2 Access Database 접근 불가: 0건, 복구 0건');
    } finally {
      await ko.close();
    }
  });
});
