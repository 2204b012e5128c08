import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { startDrbot } from '../../src/app/start-drbot.js';
import { VirtualClock } from '../../src/clock/virtual-clock.js';
import type { TimelineEntry } from '../../src/incident/incident.js';
import { secretsFromEnv } from '../../src/logging/create-logger.js';
import { PostgresStore } from '../../src/store/postgres-store.js';
import { SqliteStore } from '../../src/store/sqlite-store.js';
import type { Store } from '../../src/store/store.js';
import { FakeSlackApi } from '../adapters/slack/support/fake-slack-api.js';
import { slackSignature, slashCommandPayload, SLACK_USERS } from '../adapters/slack/support/slack-harness.js';
import { aDrbotHome } from '../cli/drbot-process.js';
import { DATABASE_URL, dropSchemas, uniqueSchema } from '../store/store-backends.js';
import { ScriptedAgentPort } from '../support/fake-agent-port.js';
import { TUESDAY_10_KST } from '../support/test-runtime.js';
import { LogCapture } from './log-capture.js';

const MIN = 60_000;

/** DATABASE_URL with a password added (the CI server trusts local connections, so any password works). */
function withPassword(url: string, password: string): string {
  const u = new URL(url);
  u.password = password;
  return u.toString();
}

describe('logs of a full scripted incident', () => {
  const { home, configPath } = aDrbotHome();
  const schema = uniqueSchema('drbot_logs');
  afterAll(async () => {
    if (DATABASE_URL) await dropSchemas(DATABASE_URL, [schema]);
    rmSync(home, { recursive: true, force: true });
  });

  it('carry no secret from the environment, and the incident id on every line about an incident', async () => {
    const fake = await new FakeSlackApi().start();
    const dbPassword = 'db-pass-5e3b71c2';
    const databaseUrl = DATABASE_URL ? withPassword(DATABASE_URL, dbPassword) : `postgres://drbot:${dbPassword}@db.invalid:5432/drbot`;
    const env: NodeJS.ProcessEnv = {
      DRBOT_CONFIG: configPath,
      DATA_DIR: mkdtempSync(join(home, 'data-')),
      REPORTS_DIR: mkdtempSync(join(tmpdir(), 'drbot-reports-')),
      PORT: '0',
      DRBOT_LANG: 'en',
      LOG_LEVEL: 'debug',
      SLACK_BOT_TOKEN: 'xoxb-4242-1717-Zq9secretBotToken',
      SLACK_SIGNING_SECRET: 'signing-secret-77c1e0aa',
      SLACK_API_URL: fake.apiUrl,
      DATABASE_URL: databaseUrl,
      SMTP_URL: 'smtp://pager:smtp-pass-91d2@127.0.0.1:1/',
      MicrosoftAppPassword: 'teams~app~pass-3f8e',
      DRBOT_WEBHOOK_URL: 'http://127.0.0.1:1/hook',
      DRBOT_WEBHOOK_SECRET: 'webhook-secret-c4d5e6',
    };
    const store: Store = DATABASE_URL ? await PostgresStore.open(databaseUrl, { schema, max: 4 }) : await SqliteStore.open(':memory:');
    const capture = new LogCapture();
    const clock = new VirtualClock(TUESDAY_10_KST);
    const agents = new ScriptedAgentPort().answer('http_health', { status: 'ok', summary: 'healthy' });
    const drbot = await startDrbot({ env, clock, store, agents, logDestination: capture });
    const entries: TimelineEntry[] = [];
    drbot.app.runtime.events.onTimeline((e) => {
      entries.push(e);
    });
    const until = async (what: string, cond: () => boolean) => {
      const limit = Date.now() + 30_000;
      while (!cond()) {
        if (Date.now() > limit) throw new Error(`gave up waiting for ${what}`);
        await new Promise((r) => setTimeout(r, 5));
      }
    };
    const slash = async (text: string, user: string) => {
      const body = new URLSearchParams(slashCommandPayload(fake, text, user)).toString();
      const ts = Math.floor(Date.now() / 1000);
      const res = await fetch(`http://127.0.0.1:${drbot.port}/slack/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-slack-request-timestamp': String(ts), 'x-slack-signature': slackSignature(env.SLACK_SIGNING_SECRET!, ts, body) },
        body,
      });
      expect(res.status).toBe(200);
      await drbot.app.runtime.events.settled();
    };

    try {
      await slash('open type1 full predictor down', SLACK_USERS.kim);
      await until('the incident to open', () => entries.some((e) => e.kind === 'opened'));
      const id = entries.find((e) => e.kind === 'opened')!.incidentId;
      await until('the level-0 page', () => entries.some((e) => e.kind === 'page' && e.data?.level === 0));
      // Slack is answered first and the command runs after: wait for each one's effect before the next.
      const has = (kind: TimelineEntry['kind'], match: (e: TimelineEntry) => boolean = () => true) => () => entries.some((e) => e.kind === kind && match(e));
      await slash(`ack ${id}`, SLACK_USERS.kim);
      await until('the ack', has('ack'));
      // Someone pastes credentials into the incident: the timeline keeps what they typed, the logs must not.
      await slash(`note ${id} tried ${env.SMTP_URL} and db password ${dbPassword}`, SLACK_USERS.kim);
      await until('the note', has('note'));
      const diagnosed = entries.filter((e) => e.kind === 'diagnostics').length;
      await slash(`diag ${id}`, SLACK_USERS.kim);
      await until('the diagnostics', () => entries.filter((e) => e.kind === 'diagnostics').length > diagnosed);
      // Slack goes down for the level-1 page: the fallbacks (SMTP, webhook) fail too and say so in the logs.
      fake.down = true;
      await clock.advance(31 * MIN);
      await until('the level-1 page to be given up', () => entries.some((e) => e.kind === 'page' && e.data?.level === 1));
      fake.down = false;
      await slash(`approve ${id} restart-predictor`, SLACK_USERS.kim);
      await until('the recovery step', () => entries.some((e) => e.kind === 'step' && e.data?.step === 'restart-predictor'));
      await slash(`resolve ${id} predictor restarted`, SLACK_USERS.kim);
      await until('the incident to resolve', has('status', (e) => e.data?.status === 'resolved'));
      await slash(`close ${id}`, SLACK_USERS.kim);
      await until('the incident to close', () => entries.some((e) => e.kind === 'status' && e.data?.status === 'closed'));
    } finally {
      await drbot.stop(5_000);
      await fake.stop();
    }

    const text = capture.text;
    expect(capture.lines.length).toBeGreaterThan(20);
    expect(text).toContain('command handled');
    const secrets = secretsFromEnv(env).filter((s) => s.length >= 6);
    expect(secrets).toEqual(expect.arrayContaining([env.SLACK_BOT_TOKEN, env.SLACK_SIGNING_SECRET, dbPassword, 'smtp-pass-91d2', env.MicrosoftAppPassword, env.DRBOT_WEBHOOK_SECRET]));
    for (const secret of secrets) expect({ secret, leaked: text.includes(secret) }).toEqual({ secret, leaked: false });

    // Every line about an incident carries its id as a field, so one query finds the whole story
    // (info and above: debug holds the Slack SDK's raw request dumps).
    const aboutAnIncident = capture.records().filter((r) => Number(r.level) >= 30 && /INC-\d{8}-\d{3}/.test(JSON.stringify(r)));
    expect(aboutAnIncident.length).toBeGreaterThan(5);
    expect(aboutAnIncident.filter((r) => typeof r.incidentId !== 'string').map((r) => r.msg)).toEqual([]);
  }, 120_000);
});
