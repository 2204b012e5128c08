import { afterEach, describe, expect, it } from '@jest/globals';
import { adaptiveCardProblems } from './support/adaptive-card-problems.js';
import { startBoth } from '../../support/slack-and-teams.js';
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
    const { id } = await b.openFromSlack('open type1');

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
