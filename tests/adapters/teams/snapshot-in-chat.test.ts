import { afterEach, describe, expect, it } from '@jest/globals';
import { SLACK_USERS } from '../slack/support/slack-harness.js';
import { OPS_CHANNEL, TEAMS_USERS } from './support/a-teams-activity.js';
import { startBoth } from '../../support/slack-and-teams.js';
import { ScriptedAgentPort } from '../../support/fake-agent-port.js';

let both: Awaited<ReturnType<typeof startBoth>> | undefined;
afterEach(async () => {
  await both?.stop();
  both = undefined;
});

describe('/incident snapshot from Slack and Teams', () => {
  it('the snapshot content reaches the asker on both, scrubbed', async () => {
    const agent = new ScriptedAgentPort().answer('log_snapshot', {
      status: 'ok',
      summary: 'snapshot written to /var/lib/drbot-agent/snapshots/incident_20261124_1000.log (120 bytes)',
      output: '# incident snapshot\n## log backend\nERROR token=xoxb-123456789012-abcdefghijklmnop failed\n',
    });
    both = await startBoth(agent);
    const b = both;
    await b.openFromSlack();

    expect(await b.slash('snapshot', SLACK_USERS.kim)).toBe(200);
    await b.settle();
    const slackReply = JSON.stringify(b.slackApi.answers().at(-1)!.args);
    expect(slackReply).toContain('## log backend');
    expect(slackReply).toContain('incident_20261124_1000.log');
    expect(slackReply).not.toContain('xoxb-123456789012-abcdefghijklmnop');

    expect(await b.teamsPost(b.activity().from(TEAMS_USERS.lee).inChannel(OPS_CHANNEL).mentioning('incident snapshot').build())).toBe(200);
    await b.settle();
    const teamsReply = b.connector.calls.filter((c) => c.method === 'POST').map((c) => JSON.stringify(c.body)).filter((t) => t.includes('## log backend'));
    expect(teamsReply.length).toBeGreaterThan(0);
    expect(teamsReply.join('')).not.toContain('xoxb-123456789012-abcdefghijklmnop');
  });

  it('the snapshot reaches the incident as a file: uploaded into its Slack channel, posted under its Teams card, scrubbed', async () => {
    const agent = new ScriptedAgentPort().answer('log_snapshot', {
      status: 'ok',
      summary: 'snapshot written to /var/lib/drbot-agent/snapshots/incident_20261124_1000.log (120 bytes)',
      output: '# incident snapshot\n## log backend\nERROR token=xoxb-123456789012-abcdefghijklmnop failed\nLAST LINE of the log\n',
    });
    both = await startBoth(agent);
    const b = both;
    const { id } = await b.openFromSlack();
    const incidentChannel = (await b.core.store.threads.get(id, 'slack'))!;
    expect(incidentChannel.channel).not.toBe('COPS00001'); // typed in the ops channel; the file goes to the incident's own channel
    expect(b.slackApi.callsOf('files.getUploadURLExternal')).toHaveLength(0);

    // Asked on Slack: one upload of the snapshot file into the incident's channel, under its card
    expect(await b.slash('snapshot', SLACK_USERS.kim)).toBe(200);
    await b.settle();
    const urls = b.slackApi.callsOf('files.getUploadURLExternal');
    expect(urls).toHaveLength(1);
    expect(String(urls[0]!.args.filename)).toMatch(new RegExp(`^${id}-snapshot-\\d{12}\\.log$`));
    const uploads = b.slackApi.callsOf('upload');
    expect(uploads).toHaveLength(1);
    const uploaded = String(uploads[0]!.args.body);
    expect(uploaded).toContain('## log backend');
    expect(uploaded).toContain('LAST LINE of the log');
    expect(uploaded).toContain('ERROR token=');
    expect(uploaded).not.toContain('xoxb-123456789012-abcdefghijklmnop');
    const complete = b.slackApi.callsOf('files.completeUploadExternal');
    expect(complete).toHaveLength(1);
    expect(complete[0]!.args).toMatchObject({ channel_id: incidentChannel.channel, thread_ts: incidentChannel.messageId });
    expect(String(complete[0]!.args.initial_comment)).toContain(`${id} log snapshot`);

    // Asked on Teams: posted under the incident's card (the report's way: bots cannot drop files into a channel without Graph)
    const card = (await b.core.store.threads.get(id, 'teams'))!;
    const before = b.connector.calls.length;
    expect(await b.teamsPost(b.activity().from(TEAMS_USERS.lee).inChannel(OPS_CHANNEL).mentioning('incident snapshot').build())).toBe(200);
    await b.settle();
    const underCard = b.connector.calls.slice(before).filter((c) => c.method === 'POST' && c.conversationId === `${OPS_CHANNEL};messageid=${card.messageId}` && String(c.body.text).includes(`${id}-snapshot-`));
    expect(underCard).toHaveLength(1);
    const posted = String(underCard[0]!.body.text);
    expect(posted).toContain('log backend');
    expect(posted).toContain('LAST LINE of the log');
    expect(posted).not.toContain('xoxb-123456789012-abcdefghijklmnop');
    // Teams' snapshot was not uploaded to Slack as well: each platform brings it where it was asked
    expect(b.slackApi.callsOf('files.getUploadURLExternal')).toHaveLength(1);
  });

  it('a refused snapshot (agent offline) brings no file anywhere', async () => {
    const agent = new ScriptedAgentPort();
    agent.online = false;
    both = await startBoth(agent);
    const b = both;
    await b.openFromSlack();
    const before = b.connector.calls.length;
    expect(await b.slash('snapshot', SLACK_USERS.kim)).toBe(200);
    expect(await b.teamsPost(b.activity().from(TEAMS_USERS.lee).inChannel(OPS_CHANNEL).mentioning('incident snapshot').build())).toBe(200);
    await b.settle();
    expect(b.slackApi.callsOf('files.getUploadURLExternal')).toHaveLength(0);
    expect(b.connector.calls.slice(before).some((c) => String(c.body.text ?? '').includes('-snapshot-'))).toBe(false);
  });
});
