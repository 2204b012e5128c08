import { afterEach, describe, expect, it } from '@jest/globals';
import { SlackModule } from '../../../adapters/slack/slack-module.js';
import { TeamsModule } from '../../../adapters/teams/teams-module.js';
import type { AppContext } from '../../../src/app/drbot-module.js';
import { loadConfig } from '../../../src/config/load-config.js';
import { HttpServer } from '../../../src/http/http-server.js';
import { ScriptedAgentPort } from '../../support/fake-agent-port.js';
import { buildTestRuntime } from '../../support/test-runtime.js';
import { FakeSlackApi } from '../slack/support/fake-slack-api.js';
import { SIGNING_SECRET, SLACK_USERS, slackSignature, slashCommandPayload } from '../slack/support/slack-harness.js';
import { OPS_CHANNEL, TEAMS_USERS, TeamsActivityBuilder } from './support/a-teams-activity.js';
import { adaptiveCardProblems } from './support/adaptive-card-problems.js';
import { FakeBotConnector } from './support/fake-bot-connector.js';

/** drbot with Slack and Teams both configured on one HTTP server and one core, as startDrbot composes them. */
async function startBoth() {
  const slackApi = await new FakeSlackApi().start();
  const connector = new FakeBotConnector();
  await connector.start();
  const agent = new ScriptedAgentPort();
  const core = await buildTestRuntime({ agents: agent });
  const env = { SLACK_BOT_TOKEN: 'xoxb-test-token', SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_API_URL: slackApi.apiUrl, DRBOT_LANG: 'en', DRBOT_TEAMS_INSECURE: '1' };
  const base = loadConfig(env);
  const config = { ...base, lang: 'en' as const, slack: { createChannels: true }, teams: { opsConversation: OPS_CHANNEL } };
  const http = new HttpServer(core.log);
  const app: AppContext = { runtime: core, router: core.router, http, config };
  const slack = new SlackModule({ env, retryConfig: { retries: 0 }, outboxPolicy: { firstRetryMs: 5_000, maxRetryMs: 60_000, maxAttempts: 10, idlePollMs: 30_000 } });
  const teams = new TeamsModule();
  await teams.start(app);
  await slack.start(app);
  http.seal();
  const url = `http://127.0.0.1:${await http.listen(0, '127.0.0.1')}`;
  const settle = async () => {
    for (let i = 0; i < 2; i++) {
      await slack.idle();
      await teams.idle();
      await core.events.settled();
    }
  };
  return {
    core,
    agent,
    slackApi,
    connector,
    settle,
    activity: () => new TeamsActivityBuilder(connector.url),
    /** Posts an activity to /api/messages. */
    teamsPost: async (activity: Record<string, unknown>) => (await fetch(`${url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(activity) })).status,
    /** Posts a signed /incident slash command to /slack/events. */
    slash: async (text: string, user: string) => {
      const body = new URLSearchParams(slashCommandPayload(slackApi, text, user)).toString();
      const ts = Math.floor(Date.now() / 1000);
      const res = await fetch(`${url}/slack/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-slack-request-timestamp': String(ts), 'x-slack-signature': slackSignature(SIGNING_SECRET, ts, body) },
        body,
      });
      await res.text();
      return res.status;
    },
    stop: async () => {
      await slack.stop(Date.now() + 2_000);
      await teams.stop(Date.now() + 2_000);
      http.server.closeAllConnections();
      await http.close();
      await core.close();
      await slackApi.stop();
      await connector.close();
    },
  };
}

let both: Awaited<ReturnType<typeof startBoth>> | undefined;
afterEach(async () => {
  await both?.stop();
  both = undefined;
});

describe('Slack and Teams at once', () => {
  it('an incident opened from Slack gets a Teams card; approving from Teams runs the step and updates both cards', async () => {
    both = await startBoth();
    const b = both;
    expect(await b.teamsPost(b.activity().inChannel(OPS_CHANNEL).installing().build())).toBe(200);

    expect(await b.slash('open type2', SLACK_USERS.kim)).toBe(200);
    await b.settle();
    const [incident] = await b.core.store.incidents.list(['open'], 10);
    const id = incident!.id;
    expect(incident!.openedBy).toBe('Kim DevOps');

    const teamsCard = b.connector.calls.find((c) => c.method === 'POST' && !c.activityId && c.conversationId === OPS_CHANNEL && c.body.attachments);
    expect(JSON.stringify(teamsCard?.body.attachments?.[0]?.content)).toContain(`/incident approve ${id} restore-db-from-yesterday`);
    const slackCard = b.slackApi.callsOf('chat.postMessage').find((c) => String(c.args.blocks ?? '').includes(`/incident approve ${id} restore-db-from-yesterday`));
    expect(slackCard).toBeDefined();
    const slackUpdatesBefore = b.slackApi.callsOf('chat.update').length;
    const teamsUpdatesBefore = b.connector.calls.filter((c) => c.method === 'PUT').length;

    const click = b.activity().from(TEAMS_USERS.lee).inChannel(OPS_CHANNEL).submitting(`/incident approve ${id} restore-db-from-yesterday`, teamsCard!.answeredId).build();
    expect(await b.teamsPost(click)).toBe(200);
    await b.settle();

    expect(await b.core.store.incidents.approvals(id)).toEqual([expect.objectContaining({ stepId: 'restore-db-from-yesterday', firstBy: 'Lee Backend' })]);
    expect(b.agent.requests.some((r) => r.action === 'restore_file')).toBe(true);
    const slackUpdates = b.slackApi.callsOf('chat.update').slice(slackUpdatesBefore);
    expect(slackUpdates.length).toBeGreaterThan(0);
    expect(String(slackUpdates.at(-1)!.args.blocks)).not.toContain(`/incident approve ${id} restore-db-from-yesterday`);
    const teamsUpdates = b.connector.calls.filter((c) => c.method === 'PUT').slice(teamsUpdatesBefore);
    expect(teamsUpdates.length).toBeGreaterThan(0);
    expect(teamsUpdates.every((u) => u.activityId === teamsCard!.answeredId)).toBe(true);
    expect(JSON.stringify(teamsUpdates.at(-1)!.body)).not.toContain(`/incident approve ${id} restore-db-from-yesterday`);
    for (const card of b.connector.cards()) expect(adaptiveCardProblems(card)).toEqual([]);
  });
});
