import { afterEach, describe, expect, it } from '@jest/globals';
import { IncidentReactions } from '../../../src/incident/incident-reactions.js';
import { ScriptedAgentPort } from '../../support/fake-agent-port.js';
import { TUESDAY_10_KST } from '../../support/test-runtime.js';
import { SLACK_USERS, startSlackHarness, type SlackHarness } from './support/slack-harness.js';

let h: SlackHarness | undefined;
let reactions: IncidentReactions | undefined;
afterEach(async () => {
  await reactions?.stop(Date.now() + 5_000);
  await h?.stop();
  h = reactions = undefined;
});

const HOUR = 3_600_000;
const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');

describe('Slack card: Type 2 shows the newest backup’s age against the RPO from open', () => {
  it('the incident channel’s card says the newest backup is 26 h old, past the RPO goal, within the limit', async () => {
    const agent = new ScriptedAgentPort().answer('plan', {
      status: 'ok',
      summary: 'plan restore_file',
      data: { target: 'access_db ← /mnt/backup/routing_db_20261123.accdb', facts: [{ label: 'newest backup', value: `routing_db_20261123.accdb (${iso(TUESDAY_10_KST - 26 * HOUR)})` }] },
    });
    h = await startSlackHarness({ agents: agent });
    reactions = new IncidentReactions();
    await reactions.start({ runtime: h.core });
    expect(await h.slash('open type2 partial DB down', SLACK_USERS.kim)).toBe(200);
    await h.settle();
    await h.settle();
    const cards = [...h.fake.callsOf('chat.postMessage'), ...h.fake.callsOf('chat.update')].filter((c) => c.args.channel === 'CINC1' && c.args.blocks);
    const last = JSON.stringify(cards.at(-1)!.args.blocks);
    expect(last).toContain('Newest backup');
    expect(last).toContain('routing_db_20261123.accdb — 26 h old — past the RPO goal (24 h), within the limit (72 h)');
  });

  it('says unknown while the agent is offline', async () => {
    const agent = new ScriptedAgentPort();
    agent.online = false;
    h = await startSlackHarness({ agents: agent });
    reactions = new IncidentReactions();
    await reactions.start({ runtime: h.core });
    expect(await h.slash('open type2 partial DB down', SLACK_USERS.kim)).toBe(200);
    await h.settle();
    const cards = [...h.fake.callsOf('chat.postMessage'), ...h.fake.callsOf('chat.update')].filter((c) => c.args.channel === 'CINC1' && c.args.blocks);
    expect(JSON.stringify(cards.at(-1)!.args.blocks)).toContain('unknown — the agent is offline');
  });
});
