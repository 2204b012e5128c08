import { afterEach, describe, expect, it } from '@jest/globals';
import { OPS_CHANNEL, TEAMS_USERS } from './support/a-teams-activity.js';
import { adaptiveCardProblems } from './support/adaptive-card-problems.js';
import { startBoth } from '../../support/slack-and-teams.js';
import type { ScriptedAgentPort } from '../../support/fake-agent-port.js';

let both: Awaited<ReturnType<typeof startBoth<ScriptedAgentPort>>> | undefined;
afterEach(async () => {
  await both?.stop();
  both = undefined;
});

describe('Slack and Teams at once', () => {
  it('an incident opened from Slack gets a Teams card; approving from Teams runs the step and updates both cards', async () => {
    both = await startBoth();
    const b = both;
    const incident = await b.openFromSlack();
    const id = incident.id;
    expect(incident.openedBy).toBe('Kim DevOps');

    const teamsCard = b.connector.calls.find((c) => c.method === 'POST' && !c.activityId && c.conversationId === OPS_CHANNEL && c.body.attachments);
    // The cards' Approve buttons ask for the plan first; its answer carries the Approve bound to it.
    expect(JSON.stringify(teamsCard?.body.attachments?.[0]?.content)).toContain(`"command":"/incident plan ${id} restore-db-from-yesterday"`);
    const slackCard = b.slackApi.callsOf('chat.postMessage').find((c) => String(c.args.blocks ?? '').includes(`/incident plan ${id} restore-db-from-yesterday`));
    expect(slackCard).toBeDefined();
    const slackUpdatesBefore = b.slackApi.callsOf('chat.update').length;
    const teamsUpdatesBefore = b.connector.calls.filter((c) => c.method === 'PUT').length;

    const planClick = b.activity().from(TEAMS_USERS.lee).inChannel(OPS_CHANNEL).submitting(`/incident plan ${id} restore-db-from-yesterday`, teamsCard!.answeredId).build();
    expect(await b.teamsPost(planClick)).toBe(200);
    await b.settle();
    const planReply = JSON.stringify(b.connector.calls.find((c) => c.activityId === planClick.id)!.body);
    const approveCommand = new RegExp(`/incident approve ${id} restore-db-from-yesterday plan:[0-9a-f]{12}`).exec(planReply)![0];
    expect(b.agent.requests.some((r) => r.action === 'restore_file')).toBe(false);
    const click = b.activity().from(TEAMS_USERS.lee).inChannel(OPS_CHANNEL).submitting(approveCommand, teamsCard!.answeredId).build();
    expect(await b.teamsPost(click)).toBe(200);
    await b.settle();

    expect(await b.core.store.incidents.approvals(id)).toEqual([expect.objectContaining({ stepId: 'restore-db-from-yesterday', firstBy: 'Lee Backend' })]);
    expect(b.agent.requests.some((r) => r.action === 'restore_file')).toBe(true);
    const slackUpdates = b.slackApi.callsOf('chat.update').slice(slackUpdatesBefore);
    expect(slackUpdates.length).toBeGreaterThan(0);
    expect(String(slackUpdates.at(-1)!.args.blocks)).not.toContain(`/incident plan ${id} restore-db-from-yesterday`);
    const teamsUpdates = b.connector.calls.filter((c) => c.method === 'PUT').slice(teamsUpdatesBefore);
    expect(teamsUpdates.length).toBeGreaterThan(0);
    expect(teamsUpdates.every((u) => u.activityId === teamsCard!.answeredId)).toBe(true);
    expect(JSON.stringify(teamsUpdates.at(-1)!.body)).not.toContain(`/incident plan ${id} restore-db-from-yesterday`);
    for (const card of b.connector.cards()) expect(adaptiveCardProblems(card)).toEqual([]);
  });
});
