import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { ScriptedAgentPort } from '../support/fake-agent-port.js';
import { replyText } from '../support/reply-text.js';
import { anIncident } from '../support/an-incident.js';
import { buildTestRuntime, type TestRuntime } from '../support/test-runtime.js';

const MIN = 60_000;
let core: TestRuntime;
beforeEach(async () => {
  core = await buildTestRuntime({ agents: new ScriptedAgentPort() });
});
afterEach(() => core.close());

/** Opens a Type 2 incident, restores yesterday's database (or restarts the predictor), and resolves it after `minutes`. */
async function recoverType2(minutes: number, step = 'restore-db-from-yesterday'): Promise<string> {
  const kim = core.as('Kim DevOps');
  const id = (await core.router.dispatch('/incident open type2', kim)).incidentId!;
  await core.clock.advance((minutes - 1) * MIN);
  const approved = await core.router.dispatch(`/incident approve ${id} ${step}`, kim);
  if (approved.refused) throw new Error(await replyText(approved));
  await core.clock.advance(MIN);
  await core.router.dispatch(`/incident resolve ${id} fixed`, kim);
  await core.events.settled();
  await core.clock.advance(60 * MIN);
  return id;
}

describe('what history suggests on a new card', () => {
  it('a new Type 2 card says how long the last ones took and which step came before recovery; drills do not count', async () => {
    await recoverType2(42);
    await recoverType2(30);
    await recoverType2(90, 'restart-predictor');
    // A quick drill that would pull the median down if it counted.
    await core.store.incidents.insert(anIncident().seq(90).ofType(2).status('resolved').with({ drill: true, resolvedAt: core.clock.now() + MIN }).build());

    const reply = await core.router.dispatch('/incident open type2', core.as('Kim DevOps'));
    const text = await replyText(reply);
    expect(text).toContain('History suggests : last 3 Type 2: median 42 min; 2 of 3 recovered after restore-db-from-yesterday');
  });

  it('says nothing when the type was never recovered, and nothing once the incident is resolved', async () => {
    const first = await core.router.dispatch('/incident open type3', core.as('Kim DevOps'));
    expect(await replyText(first)).not.toContain('History suggests');
    const resolved = await recoverType2(42);
    await recoverType2(30);
    const status = await core.router.dispatch(`/incident status ${resolved}`, core.as('Kim DevOps'));
    expect(await replyText(status)).not.toContain('History suggests');
  });
});
