import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { anIncidentId } from '../support/an-incident.js';
import { ScriptedAgentPort } from '../support/fake-agent-port.js';
import { replyText } from '../support/reply-text.js';
import { storeDigest } from '../support/store-digest.js';
import { buildTestRuntime, type TestRuntime } from '../support/test-runtime.js';

const ID = anIncidentId(1);
let core: TestRuntime;
let agent: ScriptedAgentPort;
beforeEach(async () => {
  agent = new ScriptedAgentPort();
  core = await buildTestRuntime({ agents: agent });
});
afterEach(() => core.close());

const say = async (line: string, who = 'Kim DevOps') => core.router.dispatch(line, core.as(who));

describe('type less: the id is optional while exactly one incident is open', () => {
  it('approve, run, check, note, assign, notify and cancel act on the only open incident', async () => {
    await say('/incident open type2');
    await core.events.settled();
    expect((await say('/incident run list-db-backups')).refused).toBeFalsy();
    expect(agent.requests.at(-1)).toMatchObject({ action: 'list_dir', incidentId: ID });
    expect((await say('/incident approve restart-predictor', 'Lee Backend')).refused).toBeFalsy();
    expect(agent.requests.find((r) => r.action === 'compose_service_restart')).toMatchObject({ incidentId: ID });
    expect(await replyText(await say('/incident check user-notice'))).toContain('user-notice ticked');
    expect((await say('/incident note predictor is back')).refused).toBeFalsy();
    expect((await say('/incident assign backend Lee Backend')).refused).toBeFalsy();
    expect((await core.store.incidents.get(ID))!.assignments).toEqual({ backend: 'Lee Backend' });
    // No user channel is set up here: the notice for the one open incident comes back to post by hand.
    expect(await replyText(await say('/incident notify outage'))).toContain(`/incident check ${ID} user-notice`);
    const timeline = (await core.store.incidents.timeline(ID)).map((e) => e.text);
    expect(timeline).toContain('predictor is back');
    expect((await say('/incident cancel false alarm')).refused).toBeFalsy();
    expect((await core.store.incidents.get(ID))!).toMatchObject({ status: 'cancelled', cancelReason: 'false alarm' });
  });

  it('with two incidents open, a short form lists the candidates and changes nothing', async () => {
    await say('/incident open type2');
    await say('/incident open type1');
    const before = await storeDigest(core.store);
    for (const line of ['/incident approve restart-predictor', '/incident note hello', '/incident check 4', '/incident cancel dup']) {
      const reply = await say(line);
      expect(reply.refused).toBe(true);
      const text = await replyText(reply);
      expect(text).toContain(anIncidentId(1));
      expect(text).toContain(anIncidentId(2));
    }
    expect(await storeDigest(core.store)).toBe(before);
    expect(agent.requests.filter((r) => r.approvalId)).toHaveLength(0);
  });

  it('with no incident open, a short form says so', async () => {
    const reply = await say('/incident note hello');
    expect(reply.refused).toBe(true);
    expect(await replyText(reply)).toContain('No incident is open');
  });
});

describe('type less: steps by number on the card or unique prefix, checklist items by number', () => {
  it('the card numbers every step and checklist item, and `approve 9` approves step 9 of the card', async () => {
    await say('/incident open type2');
    const card = await replyText(await say('/incident status'));
    expect(card).toContain('9. restart-predictor');
    expect(card).toContain('4. user-notice');
    const reply = await say('/incident approve 9', 'Lee Backend');
    expect(await replyText(reply)).toContain('restart-predictor approved (Lee Backend)');
    expect(agent.requests.filter((r) => r.action === 'compose_service_restart')).toHaveLength(1);
  });

  it('a unique prefix names the step; an ambiguous one lists the candidates with their numbers and runs nothing', async () => {
    await say('/incident open type1');
    expect(await replyText(await say('/incident approve restart-p'))).toContain('restart-predictor approved');
    const before = await storeDigest(core.store);
    const requests = agent.requests.length;
    const reply = await say('/incident approve restart');
    expect(reply.refused).toBe(true);
    expect(await replyText(reply)).toContain('"restart" matches several steps (nothing was done): 5. restart-predictor, 6. restart-backend-local');
    expect(await storeDigest(core.store)).toBe(before);
    expect(agent.requests).toHaveLength(requests);
  });

  it('`run 4` runs diagnostic 4 and `check 4` ticks checklist item 4', async () => {
    await say('/incident open type1');
    await core.events.settled();
    const health = () => agent.requests.filter((r) => r.action === 'http_health').length;
    const before = health();
    await say('/incident run 4');
    expect(health()).toBe(before + 1);
    expect(await replyText(await say('/incident check 4'))).toContain('user-notice ticked');
  });

  it('a number past the card or a prefix of nothing gets the list of steps, and nothing runs', async () => {
    await say('/incident open type1');
    for (const line of ['/incident run 42', '/incident approve zz']) {
      const reply = await say(line);
      expect(reply.refused).toBe(true);
      expect(await replyText(reply)).toContain('5. restart-predictor');
    }
    expect(agent.requests.filter((r) => r.approvalId)).toHaveLength(0);
  });
});
