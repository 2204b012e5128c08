import { afterAll, afterEach, describe, expect, it } from '@jest/globals';
import type { Store } from '../../../src/store/store.js';
import { sharedDatabases } from '../../support/shared-database.js';
import { SIGNING_SECRET, SLACK_USERS, slackSignature, slashCommandPayload, startSlackHarness, type SlackHarness } from './support/slack-harness.js';
import { StoreUnavailableError } from '../../../src/errors/drbot-error.js';

/**
 * Issue 12 finding 4 / issue 13: Slack's de-duplication lives in the store. A captured signed
 * request replayed inside its five-minute window is refused; an Events API event Slack retries is
 * taken once, whichever replica it lands on and across a restart.
 */

const harnesses: SlackHarness[] = [];
afterEach(async () => {
  for (const h of harnesses.splice(0)) await h.stop();
});

async function notes(h: SlackHarness, id: string, text: string): Promise<number> {
  return (await h.core.store.incidents.timeline(id)).filter((e) => e.kind === 'note' && e.text.includes(text)).length;
}

async function openIncident(h: SlackHarness): Promise<string> {
  expect(await h.slash('open type1', SLACK_USERS.kim)).toBe(200);
  await h.settle();
  const [incident] = await h.core.store.incidents.list(['open'], 1);
  return incident!.id;
}

describe('a replayed signed Slack request', () => {
  it('is refused with 401 inside its five-minute window, and the command it carries runs once', async () => {
    const h = await startSlackHarness();
    harnesses.push(h);
    const id = await openIncident(h);
    const body = new URLSearchParams(slashCommandPayload(h.fake, `note ${id} only once`, SLACK_USERS.kim)).toString();
    const timestamp = Math.floor(Date.now() / 1000) - 60;
    expect(await h.post(body, { timestamp })).toBe(200);
    await h.settle();
    // the same bytes, timestamp and signature again (a captured request sent by someone else)
    expect(await h.post(body, { timestamp })).toBe(401);
    await h.settle();
    expect(await notes(h, id, 'only once')).toBe(1);
    // a request Bolt refuses anyway (wrong signature, too old) is not recorded: it stays a 401 from Bolt
    expect(await h.post(body, { timestamp, secret: 'not-the-secret' })).toBe(401);
    expect(await h.post(body, { timestamp: timestamp - 10 * 60 })).toBe(401);
    const kept = (await h.core.store.tableRows('seen_requests')).filter((r) => r.key.startsWith('slack-request:'));
    expect(kept.filter((r) => r.key.startsWith(`slack-request:${timestamp}:`))).toHaveLength(1);
  });
});

describe('a signed Slack request at a spelling of /slack/events that express would also route to Bolt', () => {
  it('goes through the ledger all the same: a trailing slash, other letter case or a query string does not let a replay through', async () => {
    const h = await startSlackHarness();
    harnesses.push(h);
    const id = await openIncident(h);
    const body = new URLSearchParams(slashCommandPayload(h.fake, `note ${id} spelled differently`, SLACK_USERS.kim)).toString();
    const timestamp = Math.floor(Date.now() / 1000);
    const send = async (path: string) =>
      (
        await fetch(`${h.url}${path}`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-slack-request-timestamp': String(timestamp), 'x-slack-signature': slackSignature(SIGNING_SECRET, timestamp, body) },
          body,
        })
      ).status;
    expect(await send('/slack/events/')).toBe(200);
    await h.settle();
    for (const path of ['/SLACK/Events', '/slack/events?again=1', '/slack/events', '/Slack/Events/']) expect(await send(path)).toBe(401);
    await h.settle();
    expect(await notes(h, id, 'spelled differently')).toBe(1);
  });
});

describe('a signed Slack request while the store does not answer', () => {
  it('is answered "store unavailable" (a slash command) or 503 (an event, so Slack retries it), and nothing is written', async () => {
    const h = await startSlackHarness();
    harnesses.push(h);
    const id = await openIncident(h);
    const seen = h.core.store.seenRequests;
    const firstSight = seen.firstSight.bind(seen);
    // PostgreSQL failing over: every query fails to connect
    seen.firstSight = async () => {
      throw new StoreUnavailableError('PostgreSQL at postgres://db/drbot refused the connection');
    };
    const send = async (body: string, type: string) => {
      const ts = Math.floor(Date.now() / 1000);
      return fetch(`${h.url}/slack/events`, { method: 'POST', headers: { 'content-type': type, 'x-slack-request-timestamp': String(ts), 'x-slack-signature': slackSignature(SIGNING_SECRET, ts, body) }, body });
    };
    const command = await send(new URLSearchParams(slashCommandPayload(h.fake, `note ${id} while the store is away`, SLACK_USERS.kim)).toString(), 'application/x-www-form-urlencoded');
    expect(command.status).toBe(200);
    expect(await command.json()).toEqual({ response_type: 'ephemeral', text: expect.stringMatching(/^The store \(database\) does not answer right now; nothing was changed\./) });
    const event = await send(JSON.stringify({ type: 'event_callback', event_id: 'Ev0STOREDOWN', event: { type: 'app_mention', text: 'hi', user: SLACK_USERS.kim, channel: 'COPS00001' } }), 'application/json');
    expect(event.status).toBe(503);
    seen.firstSight = firstSight;
    await h.settle();
    expect(await notes(h, id, 'while the store is away')).toBe(0);
  });
});

const databases = sharedDatabases({
  sqlite: 'SQLite file',
  postgres: 'PostgreSQL',
  schemaPrefix: 'drbot_slack_ledger',
  failFast: false,
  notRun: '[store suite] Slack event de-duplication across PostgreSQL replicas NOT RUN in adapters/slack/slack-request-ledger.test.ts',
});

describe.each(databases)('an Events API event retried by Slack, on one $name database', (db) => {
  const stores: Store[] = [];
  afterAll(async () => {
    for (const h of harnesses.splice(0)) await h.stop();
    for (const s of stores) await s.close();
    await db.dispose();
  });

  async function replica(): Promise<SlackHarness> {
    const store = await db.connect();
    stores.push(store);
    const h = await startSlackHarness({ store });
    harnesses.push(h);
    return h;
  }

  it('is taken once, by whichever replica gets it first, and not again after a restart', async () => {
    const a = await replica();
    const id = await openIncident(a);
    const mention = JSON.stringify({
      token: 't',
      team_id: 'TFAKE',
      api_app_id: 'AFAKE',
      type: 'event_callback',
      event_id: `Ev${Date.now()}`,
      event_time: 1,
      event: { type: 'app_mention', user: SLACK_USERS.kim, text: `<@UDRBOT> note ${id} from a mention`, ts: '1790000001.000100', channel: 'CINC1', event_ts: '1790000001.000100' },
    });
    expect(await a.post(mention)).toBe(200);
    await a.settle();
    expect(await notes(a, id, 'from a mention')).toBe(1);
    // Slack retries it (new timestamp and signature) and the load balancer sends it to another replica
    const b = await replica();
    expect(await b.post(mention, { timestamp: Math.floor(Date.now() / 1000) + 1, retryNum: 1 })).toBe(200);
    await b.settle();
    // ... and once more after the first replica restarted
    await a.stop();
    harnesses.splice(harnesses.indexOf(a), 1);
    const c = await replica();
    expect(await c.post(mention, { timestamp: Math.floor(Date.now() / 1000) + 2, retryNum: 2 })).toBe(200);
    await c.settle();
    expect(await notes(c, id, 'from a mention')).toBe(1);
  });
});
