import { afterEach, describe, expect, it } from '@jest/globals';
import type { PageRequest } from '../../../src/notify/pager.js';
import { SqliteStore } from '../../../src/store/sqlite-store.js';
import type { Store } from '../../../src/store/store.js';
import { buildTestRuntime, type TestRuntime } from '../../support/test-runtime.js';
import { OPS_CHANNEL, TEAMS_USERS } from './support/a-teams-activity.js';
import { adaptiveCardProblems } from './support/adaptive-card-problems.js';
import { FakeBotConnector } from './support/fake-bot-connector.js';
import { startTeamsHarness, type TeamsHarness } from './support/teams-harness.js';
import { anIncidentId } from '../../support/an-incident.js';

const ID = anIncidentId(1);
const open: TeamsHarness[] = [];
let store: Store | undefined;
let connector: FakeBotConnector | undefined;

afterEach(async () => {
  for (const h of open.splice(0)) await h.close();
  for (const card of connector?.cards() ?? []) expect(adaptiveCardProblems(card)).toEqual([]);
  await connector?.close();
  await store?.close();
  store = connector = undefined;
});

async function harness(options: { opsConversation?: string; noticeConversations?: string[]; core?: TestRuntime } = {}): Promise<TeamsHarness> {
  const h = await startTeamsHarness({ connector, store, ...options });
  open.push(h);
  return h;
}

async function pageFor(core: TestRuntime, name: string): Promise<PageRequest> {
  const incident = (await core.store.incidents.get(ID))!;
  return { incident, level: 1, role: 'devops', contact: core.contacts.byName(name)!, summary: `${ID} Type 2 — 30 min, nothing tried yet`, lang: 'en' };
}

describe('Teams: proactive messages from stored conversation references', () => {
  it('pages a person in their personal chat after a restart, from the reference stored when they installed drbot', async () => {
    store = await SqliteStore.open(':memory:');
    connector = new FakeBotConnector();
    await connector.start();

    const first = await harness();
    const install = first.activity().from(TEAMS_USERS.kim).inPersonalChat().installing().build();
    expect((await first.post(install)).status).toBe(200);
    await first.close();
    open.splice(0);

    // A new process: new core and module instance over the same store.
    const second = await harness({ core: await buildTestRuntime({ store }) });
    await second.core.router.dispatch('/incident open type2', second.core.as('Park DevOps'));
    const before = connector.calls.length;
    const result = await second.core.chat.page(await pageFor(second.core, 'Kim DevOps'));

    expect(result).toMatchObject({ ok: true, via: 'teams' });
    const sent = connector.calls.slice(before);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ method: 'POST', conversationId: `a:personal-${TEAMS_USERS.kim.id}` });
    expect(sent[0]!.activityId).toBeUndefined();
    const card = JSON.stringify(sent[0]!.body.attachments![0]!.content);
    expect(card).toContain(`Page: ${ID}`);
    expect(card).toContain(`"command":"/incident ack ${ID}"`);
  });

  it('says it has no conversation with a person who never installed or messaged drbot', async () => {
    connector = new FakeBotConnector();
    await connector.start();
    const h = await harness();
    await h.core.router.dispatch('/incident open type2', h.core.as('Kim DevOps'));
    const result = await h.core.chat.page(await pageFor(h.core, 'Jung CTO'));
    expect(result.ok).toBe(false);
    expect(result.detail).toContain('no conversation with Jung CTO yet');
    expect(connector.calls).toEqual([]);
  });

  it('posts the card of an incident opened elsewhere into the ops channel and keeps it updated', async () => {
    connector = new FakeBotConnector();
    await connector.start();
    const h = await harness({ opsConversation: OPS_CHANNEL });
    await h.post(h.activity().inChannel(OPS_CHANNEL).installing().build());

    // Opened from the console (any platform other than Teams): the card still appears on Teams.
    await h.core.router.dispatch('/incident open type2', h.core.as('Park DevOps'));
    await h.module.idle();
    const posted = connector.calls.filter((c) => c.method === 'POST' && !c.activityId && c.conversationId === OPS_CHANNEL);
    expect(posted).toHaveLength(1);
    const cardId = posted[0]!.answeredId!;

    await h.core.router.dispatch(`/incident ack ${ID}`, h.core.as('Kim DevOps'));
    await h.module.idle();
    const updates = connector.calls.filter((c) => c.method === 'PUT' && c.activityId === cardId);
    expect(updates.length).toBeGreaterThan(0);
    expect(connector.calls.some((c) => c.conversationId === `${OPS_CHANNEL};messageid=${cardId}` && String(c.body.text).includes('Kim DevOps'))).toBe(true);
  });

  it('posts user notices to the configured Teams conversations and ops notices to the ops channel', async () => {
    connector = new FakeBotConnector();
    await connector.start();
    const NOTICES = '19:users-announcements@thread.tacv2';
    const h = await harness({ opsConversation: OPS_CHANNEL, noticeConversations: [NOTICES, '19:never-installed@thread.tacv2'] });
    await h.post(h.activity().inChannel(OPS_CHANNEL).installing().build());
    await h.post(h.activity().inChannel(NOTICES).installing().build());

    const view = { summary: 'Routing ML is down', header: { title: 'Service notice', emoji: '📢' }, blocks: [{ type: 'text' as const, text: 'Routing ML is down; we are on it.' }] };
    const [delivery] = await h.core.notices.post({ kind: 'outage', incidentId: ID, lang: 'en', subject: 'Routing ML is down', text: 'Routing ML is down; we are on it.', view });
    expect(delivery).toMatchObject({ channel: 'teams', ok: true });
    expect(delivery!.detail).toContain('no conversation with 19:never-installed@thread.tacv2 yet');
    expect(connector.calls.filter((c) => c.conversationId === NOTICES)).toHaveLength(1);

    await h.core.ops.post({ summary: 'monthly check', blocks: [{ type: 'text', text: 'Monthly backup check passed' }] });
    expect(connector.calls.some((c) => c.conversationId === OPS_CHANNEL && String(c.body.text).includes('Monthly backup check passed'))).toBe(true);
  });

  it('keeps updating the card it posted before a restart', async () => {
    store = await SqliteStore.open(':memory:');
    connector = new FakeBotConnector();
    await connector.start();
    const first = await harness({ opsConversation: OPS_CHANNEL });
    await first.post(first.activity().inChannel(OPS_CHANNEL).installing().build());
    await first.post(first.activity().inChannel(OPS_CHANNEL).mentioning('incident open type2').build());
    const cardId = connector.calls.find((c) => c.method === 'POST' && !c.activityId && c.conversationId === OPS_CHANNEL && c.body.attachments)!.answeredId!;
    await first.close();
    open.splice(0);

    const second = await harness({ opsConversation: OPS_CHANNEL, core: await buildTestRuntime({ store }) });
    const before = connector.calls.length;
    await second.core.router.dispatch(`/incident ack ${ID}`, second.core.as('Park DevOps'));
    await second.module.idle();
    const after = connector.calls.slice(before);
    expect(after.filter((c) => c.method === 'PUT').map((c) => c.activityId)).toContain(cardId);
    expect(after.filter((c) => c.method === 'POST' && !c.activityId && c.body.attachments)).toEqual([]);
  });
});
