import { afterEach, describe, expect, it } from '@jest/globals';
import { SLACK_USERS } from '../slack/support/slack-harness.js';
import { OPS_CHANNEL } from './support/a-teams-activity.js';
import { adaptiveCardProblems } from './support/adaptive-card-problems.js';
import { startBoth } from './support/start-both.js';
import { ScriptedAgentPort } from '../../support/fake-agent-port.js';

let both: Awaited<ReturnType<typeof startBoth>> | undefined;
afterEach(async () => {
  await both?.stop();
  both = undefined;
});

describe('Slack and Teams cards on a host whose agent runs the service locally', () => {
  it('offer the local restart as the step to approve and keep the container restart under "Other steps"', async () => {
    const agent = new ScriptedAgentPort();
    agent.deployment = 'local';
    both = await startBoth(agent);
    const b = both;
    expect(await b.teamsPost(b.activity().inChannel(OPS_CHANNEL).installing().build())).toBe(200);
    expect(await b.slash('open type1', SLACK_USERS.kim)).toBe(200);
    await b.settle();
    const [incident] = await b.core.store.incidents.list(['open'], 10);
    const id = incident!.id;

    const slackCard = b.slackApi.callsOf('chat.postMessage').find((c) => String(c.args.blocks ?? '').includes(`/incident plan ${id} restart-backend-local`));
    expect(slackCard).toBeDefined();
    const slackBlocks = String(slackCard!.args.blocks);
    expect(slackBlocks).not.toContain(`/incident plan ${id} restart-predictor`);
    expect(slackBlocks).toContain('Other steps (not for local processes (local))');
    expect(slackBlocks).toContain('restart-predictor');

    const teamsCard = b.connector.cards().find((c) => JSON.stringify(c).includes(`/incident plan ${id} restart-backend-local`));
    expect(teamsCard).toBeDefined();
    const teamsText = JSON.stringify(teamsCard);
    expect(teamsText).not.toContain(`/incident plan ${id} restart-predictor`);
    expect(teamsText).toContain('Other steps (not for local processes (local))');
    for (const card of b.connector.cards()) expect(adaptiveCardProblems(card)).toEqual([]);
  });
});
