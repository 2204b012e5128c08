import { expect } from '@jest/globals';
import type { Incident } from '../../src/incident/incident.js';
import { SlackModule } from '../../adapters/slack/slack-module.js';
import { TeamsModule } from '../../adapters/teams/teams-module.js';
import type { AppContext } from '../../src/app/drbot-module.js';
import { loadConfig } from '../../src/config/load-config.js';
import { HttpServer } from '../../src/http/http-server.js';
import type { AgentPort } from '../../src/agentlink/agent-port.js';
import { ScriptedAgentPort } from './fake-agent-port.js';
import { buildTestRuntime } from './test-runtime.js';
import { FakeSlackApi } from '../adapters/slack/support/fake-slack-api.js';
import { SIGNING_SECRET, SLACK_USERS, readAck, slackSignature, slashCommandPayload } from '../adapters/slack/support/slack-harness.js';
import { OPS_CHANNEL, TeamsActivityBuilder } from '../adapters/teams/support/a-teams-activity.js';
import { FakeBotConnector } from '../adapters/teams/support/fake-bot-connector.js';

/** drbot with Slack and Teams both configured on one HTTP server and one core, as startDrbot composes them. */
export async function startBoth<A extends AgentPort = ScriptedAgentPort>(agent: A = new ScriptedAgentPort() as unknown as A) {
  const slackApi = await new FakeSlackApi().start();
  const connector = new FakeBotConnector();
  await connector.start();
  const core = await buildTestRuntime({ agents: agent });
  const env = { SLACK_BOT_TOKEN: 'xoxb-test-token', SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_API_URL: slackApi.apiUrl, DRBOT_LANG: 'en', DRBOT_TEAMS_INSECURE: '1', DRBOT_LISTEN_HOST: '127.0.0.1' };
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
  const teamsPost = async (activity: Record<string, unknown>) => (await fetch(`${url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(activity) })).status;
  const slash = async (text: string, user: string) => {
    const body = new URLSearchParams(slashCommandPayload(slackApi, text, user)).toString();
    const ts = Math.floor(Date.now() / 1000);
    const res = await fetch(`${url}/slack/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-slack-request-timestamp': String(ts), 'x-slack-signature': slackSignature(SIGNING_SECRET, ts, body) },
      body,
    });
    return readAck(slackApi, res);
  };
  return {
    core,
    agent,
    slackApi,
    connector,
    settle,
    activity: () => new TeamsActivityBuilder(connector.url),
    /** Posts an activity to /api/messages. */
    teamsPost,
    /** Posts a signed /incident slash command to /slack/events. */
    slash,
    /**
     * What most chat tests start from: drbot installed in the Teams ops channel, and Kim types
     * `/incident <command>` in Slack (`open type2`, `drill type2` …). The incident it opened, the only
     * one open (a drill when the command is one).
     */
    openFromSlack: async (command = 'open type2'): Promise<Incident> => {
      expect(await teamsPost(new TeamsActivityBuilder(connector.url).inChannel(OPS_CHANNEL).installing().build())).toBe(200);
      expect(await slash(command, SLACK_USERS.kim)).toBe(200);
      await settle();
      const open = await core.store.incidents.list(['open'], 10);
      expect(open).toHaveLength(1);
      expect(Boolean(open[0]!.drill)).toBe(command.startsWith('drill'));
      return open[0]!;
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

