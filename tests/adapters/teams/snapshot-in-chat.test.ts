import { afterEach, describe, expect, it } from '@jest/globals';
import { SLACK_USERS } from '../slack/support/slack-harness.js';
import { OPS_CHANNEL, TEAMS_USERS } from './support/a-teams-activity.js';
import { startBoth } from './support/start-both.js';
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
    expect(await b.teamsPost(b.activity().inChannel(OPS_CHANNEL).installing().build())).toBe(200);
    expect(await b.slash('open type2', SLACK_USERS.kim)).toBe(200);
    await b.settle();

    expect(await b.slash('snapshot', SLACK_USERS.kim)).toBe(200);
    await b.settle();
    const slackReply = JSON.stringify(b.slackApi.callsOf('response_url').at(-1)!.args);
    expect(slackReply).toContain('## log backend');
    expect(slackReply).toContain('incident_20261124_1000.log');
    expect(slackReply).not.toContain('xoxb-123456789012-abcdefghijklmnop');

    expect(await b.teamsPost(b.activity().from(TEAMS_USERS.lee).inChannel(OPS_CHANNEL).mentioning('incident snapshot').build())).toBe(200);
    await b.settle();
    const teamsReply = b.connector.calls.filter((c) => c.method === 'POST').map((c) => JSON.stringify(c.body)).filter((t) => t.includes('## log backend'));
    expect(teamsReply.length).toBeGreaterThan(0);
    expect(teamsReply.join('')).not.toContain('xoxb-123456789012-abcdefghijklmnop');
  });
});
