import { createHmac, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { SlackModule } from '../../adapters/slack/slack-module.js';
import { TeamsModule } from '../../adapters/teams/teams-module.js';
import { createHandlers } from '../../handlers/index.js';
import { resolveActor } from '../../src/app/actor.js';
import { buildRuntime } from '../../src/app/build-runtime.js';
import { loadConfig } from '../../src/config/load-config.js';
import { HttpServer } from '../../src/http/http-server.js';
import { IncidentReactions } from '../../src/incident/incident-reactions.js';
import { Router } from '../../src/router/router.js';
import { SqliteStore } from '../../src/store/sqlite-store.js';
import { replyViews } from '../../src/views/view.js';
import type { BenchRow, BenchSuite } from '../bench-suite.js';
import { countingStore } from './counting-store.js';
import { SlackFakeApi } from './slack-fake-api.js';
import { startConnector } from './teams-round-trip.js';

const SECRET = 'bench-signing-secret-1234';

/**
 * Counts what one `/incident open` reads from the store, end to end: typed in the console (router,
 * reply rendered with its card), sent as a Slack slash command (router, answer, channel and card
 * made from the event) and @mentioned in a Teams channel (router, reply with its card, the live
 * card kept for the channel), with the incident reactions and both platforms running, as in
 * production. Counted by a store wrapper.
 */
export const openReads: BenchSuite = {
  name: 'open-reads',
  description: 'store reads of one "/incident open" through the router: console (reply with its card), Slack (slash command → answer, channel, card) and Teams (@mention → reply with its card), reactions and both platforms on',
  async run(): Promise<BenchRow[]> {
    const fake = await new SlackFakeApi().start();
    const dataDir = mkdtempSync(join(tmpdir(), 'drbot-bench-reads-'));
    const connector = await startConnector();
    const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, DRBOT_LANG: 'en', DRBOT_TEAMS_INSECURE: '1', DRBOT_LISTEN_HOST: '127.0.0.1', SLACK_BOT_TOKEN: 'xoxb-bench', SLACK_SIGNING_SECRET: SECRET, SLACK_API_URL: `${fake.url}/api/` };
    delete env.SLACK_APP_TOKEN;
    const config = loadConfig(env);
    const log = pino({ level: 'silent' });
    const counting = countingStore(await SqliteStore.open(join(dataDir, 'drbot.sqlite')));
    const runtime = await buildRuntime(config, log, { store: counting.store });
    const router = new Router(runtime, createHandlers());
    const http = new HttpServer(log);
    const app = { runtime, router, http, config };
    const reactions = new IncidentReactions();
    await reactions.start(app);
    const slack = new SlackModule({ env });
    await slack.start(app);
    const teams = new TeamsModule();
    await teams.start(app);
    http.seal();
    const port = await http.listen(0, '127.0.0.1');
    try {
      // Console: the router, then the reply as the console prints it (the card built once).
      counting.reset();
      const reply = await router.dispatch('/incident open type1 partial console', resolveActor(runtime.contacts, 'console', 'Kim DevOps'), { channel: 'console' });
      await replyViews(reply);
      await runtime.events.settled();
      await slack.idle();
      await teams.idle();
      const consoleRows = counting.counts.incidentRows;
      const consoleSnapshots = counting.counts.snapshots;

      // Slack: a signed slash command, its ack, its answer, the channel and the card.
      counting.reset();
      const body = new URLSearchParams({
        token: 'x',
        team_id: 'TBENCH',
        channel_id: 'CBENCH',
        user_id: 'U0DEVOPS01',
        user_name: 'kim',
        command: '/incident',
        text: 'open type2 partial slack',
        api_app_id: 'ABENCH',
        response_url: `${fake.url}/response/${randomUUID()}`,
        trigger_id: randomUUID(),
      }).toString();
      const ts = Math.floor(Date.now() / 1000);
      const res = await fetch(`http://127.0.0.1:${port}/slack/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-slack-request-timestamp': String(ts), 'x-slack-signature': 'v0=' + createHmac('sha256', SECRET).update(`v0:${ts}:${body}`).digest('hex') },
        body,
      });
      if (res.status !== 200) throw new Error(`Slack ack was ${res.status}`);
      await new Promise((r) => setTimeout(r, 50));
      await slack.idle();
      await runtime.events.settled();
      await slack.idle();
      await teams.idle();
      const slackRows = counting.counts.incidentRows;
      const slackSnapshots = counting.counts.snapshots;
      if ((await runtime.store.incidents.count()) !== 2) throw new Error('the Slack open did not open an incident');

      // Teams: an @mention in a channel, its reply with the card, the card kept for the channel.
      counting.reset();
      const activityId = `bench-${randomUUID()}`;
      const replied = connector.replyTo(activityId);
      const activity = {
        type: 'message',
        id: activityId,
        serviceUrl: connector.url,
        channelId: 'msteams',
        from: { id: '29:devops-kim', name: 'Kim DevOps' },
        recipient: { id: '28:drbot', name: 'drbot' },
        conversation: { id: '19:bench@thread.tacv2', conversationType: 'channel' },
        text: '<at>drbot</at> incident open type3 partial teams',
        entities: [{ type: 'mention', text: '<at>drbot</at>', mentioned: { id: '28:drbot', name: 'drbot' } }],
      };
      const teamsRes = await fetch(`http://127.0.0.1:${port}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(activity) });
      if (teamsRes.status !== 200) throw new Error(`Teams /api/messages answered ${teamsRes.status}`);
      await replied;
      await teams.idle();
      await runtime.events.settled();
      await teams.idle();
      await slack.idle();
      const teamsRows = counting.counts.incidentRows;
      const teamsSnapshots = counting.counts.snapshots;
      if ((await runtime.store.incidents.count()) !== 3) throw new Error('the Teams open did not open an incident');
      return [
        { metric: 'console open: incident row reads (router + reply)', value: consoleRows, unit: 'reads', goal: '<= 1', pass: consoleRows <= 1 },
        { metric: 'console open: snapshot loads (the console\'s printed card + the Slack channel card)', value: consoleSnapshots, unit: 'loads', goal: '<= 2 (1 per adapter)', pass: consoleSnapshots <= 2 },
        { metric: 'Slack open: incident row reads (router + answer + channel + card)', value: slackRows, unit: 'reads', goal: '<= 1', pass: slackRows <= 1 },
        { metric: 'Slack open: snapshot loads (the channel card)', value: slackSnapshots, unit: 'loads', goal: '<= 1', pass: slackSnapshots <= 1 },
        { metric: 'Teams open: incident row reads (router + reply + card + Slack channel)', value: teamsRows, unit: 'reads', goal: '<= 1', pass: teamsRows <= 1 },
        { metric: 'Teams open: snapshot loads (the Teams reply card + the Slack channel card)', value: teamsSnapshots, unit: 'loads', goal: '<= 2 (1 per adapter)', pass: teamsSnapshots <= 2 },
      ];
    } finally {
      await teams.stop(Date.now() + 5_000);
      await slack.stop(Date.now() + 5_000);
      await reactions.stop(Date.now() + 5_000);
      await http.close();
      await runtime.store.close();
      await fake.stop();
      await connector.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  },
};
