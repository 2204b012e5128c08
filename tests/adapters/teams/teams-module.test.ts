import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { ScriptedAgentPort } from '../../support/fake-agent-port.js';
import { buildTestRuntime } from '../../support/test-runtime.js';
import { adaptiveCardProblems } from './support/adaptive-card-problems.js';
import { OPS_CHANNEL, TEAMS_USERS } from './support/a-teams-activity.js';
import { startTeamsHarness, type TeamsHarness } from './support/teams-harness.js';
import { anIncidentId } from '../../support/an-incident.js';
import { StoreUnavailableError } from '../../../src/errors/drbot-error.js';

const ID = anIncidentId(1);
let h: TeamsHarness;
let agent: ScriptedAgentPort;

beforeEach(async () => {
  agent = new ScriptedAgentPort();
  h = await startTeamsHarness({ core: await buildTestRuntime({ agents: agent }) });
});
afterEach(async () => {
  // Every card drbot sent in the test must parse cleanly with the adaptivecards object model.
  for (const card of h.connector.cards()) expect(adaptiveCardProblems(card)).toEqual([]);
  await h.close({ closeStore: true });
});

const cardText = (card: unknown) => JSON.stringify(card);

describe('Teams: commands through the real CloudAdapter endpoint', () => {
  it('opens an incident from an @mention in a channel: a threaded reply and one live incident card', async () => {
    const msg = h.activity().inChannel().mentioning('incident open type2').build();
    const res = await h.post(msg);
    expect(res.status).toBe(200);

    expect((await h.core.store.incidents.get(ID))?.openedBy).toBe('Kim DevOps');
    const reply = h.connector.calls.find((c) => c.activityId === msg.id);
    expect(reply).toMatchObject({ method: 'POST', conversationId: OPS_CHANNEL });
    expect(reply!.body.text).toContain(`Opened ${ID}`);

    const cardPost = h.connector.calls.find((c) => c.method === 'POST' && !c.activityId && c.body.attachments);
    expect(cardPost?.conversationId).toBe(OPS_CHANNEL);
    const card = cardPost!.body.attachments![0]!.content;
    expect(card).toMatchObject({ type: 'AdaptiveCard', version: '1.5' });
    expect(cardText(card)).toContain(`${ID} · Type 2`);
    expect(cardText(card)).toContain('"type":"FactSet"');
    expect(cardText(card)).toContain(`"command":"/incident plan ${ID} restore-db-from-yesterday"`);
  });

  it('posts the post-incident report under the card when the incident is closed', async () => {
    await h.post(h.activity().inChannel().mentioning('incident open type2').build());
    const cardId = h.connector.calls.find((c) => c.method === 'POST' && !c.activityId && c.body.attachments)!.answeredId!;
    await h.post(h.activity().inChannel().mentioning(`incident resolve ${ID} backup restored`).build());
    const thread = `${OPS_CHANNEL};messageid=${cardId}`;
    const reportPosts = () => h.connector.calls.filter((c) => c.method === 'POST' && c.conversationId === thread && String(c.body.text).startsWith('# Incident Report'));
    expect(reportPosts()).toHaveLength(0);
    await h.post(h.activity().inChannel().mentioning(`incident close ${ID}`).build());
    await h.core.events.settled();
    expect(reportPosts()).toHaveLength(1);
    const text = String(reportPosts()[0]!.body.text);
    expect(text).toContain(ID);
    expect(text).toContain('backup restored');
    expect(reportPosts()[0]!.body.textFormat).toBe('markdown');
    // The timeline picture follows under the card as an inline PNG.
    const pictures = h.connector.calls.filter((c) => c.method === 'POST' && c.conversationId === thread && (c.body.attachments as { contentType?: string }[] | undefined)?.[0]?.contentType === 'image/png');
    expect(pictures).toHaveLength(1);
    const image = (pictures[0]!.body.attachments as unknown as { contentUrl: string; name: string }[])[0]!;
    expect(image.name).toBe(`${ID}-timeline.png`);
    expect(Buffer.from(image.contentUrl.replace(/^data:image\/png;base64,/, ''), 'base64').subarray(1, 4).toString()).toBe('PNG');
  });

  it('accepts the same grammar without the slash and in personal chat without a mention', async () => {
    await h.post(h.activity().from(TEAMS_USERS.lee).inPersonalChat().saying('incident open type1').build());
    expect((await h.core.store.incidents.get(ID))?.openedBy).toBe('Lee Backend');
  });

  it('approves from a card submit: approval recorded with the clicker, card updated in place, timeline in its thread', async () => {
    await h.post(h.activity().inChannel().mentioning('incident open type2').build());
    const cardId = h.connector.calls.find((c) => c.method === 'POST' && !c.activityId && c.body.attachments)!.answeredId!;
    const before = h.connector.calls.length;

    const click = h.activity().from(TEAMS_USERS.lee).inChannel().submitting(`/incident approve ${ID} restore-db-from-yesterday`, cardId).build();
    expect((await h.post(click)).status).toBe(200);

    const approvals = await h.core.store.incidents.approvals(ID);
    expect(approvals).toEqual([expect.objectContaining({ stepId: 'restore-db-from-yesterday', firstBy: 'Lee Backend' })]);
    expect(agent.requests.some((r) => r.action === 'restore_file')).toBe(true);

    const after = h.connector.calls.slice(before);
    const updates = after.filter((c) => c.method === 'PUT');
    expect(updates.length).toBeGreaterThan(0);
    expect(updates.every((u) => u.activityId === cardId && u.conversationId === OPS_CHANNEL)).toBe(true);
    // The step ran, so the live card moved past it: its approve button is gone.
    const latest = cardText(updates.at(-1)!.body.attachments![0]!.content);
    expect(latest).toContain(`${ID} · Type 2`);
    expect(latest).not.toContain(`/incident plan ${ID} restore-db-from-yesterday`);
    const threaded = after.filter((c) => c.method === 'POST' && c.conversationId === `${OPS_CHANNEL};messageid=${cardId}`);
    expect(threaded.some((c) => String(c.body.text).includes('Lee Backend'))).toBe(true);
    // Only one card per incident, ever.
    expect(h.connector.calls.filter((c) => c.method === 'POST' && !c.activityId && c.body.attachments && c.conversationId === OPS_CHANNEL)).toHaveLength(1);
  });

  it('takes short forms typed in Teams: no id with one incident open, a step by its card number', async () => {
    await h.post(h.activity().inChannel().mentioning('incident open type2').build());
    const card = cardText(h.connector.calls.find((c) => c.method === 'POST' && !c.activityId && c.body.attachments)!.body.attachments![0]!.content);
    expect(card).toContain('6. restore-db-from-yesterday');
    const msg = h.activity().from(TEAMS_USERS.lee).inChannel().mentioning('incident approve 6').build();
    await h.post(msg);
    expect(await h.core.store.incidents.approvals(ID)).toEqual([expect.objectContaining({ stepId: 'restore-db-from-yesterday', firstBy: 'Lee Backend' })]);
    const ambiguous = h.activity().inChannel().mentioning('incident approve re').build();
    await h.post(ambiguous);
    expect(String(h.connector.calls.find((c) => c.activityId === ambiguous.id)!.body.text)).toContain('"re" matches several steps (nothing was done): 6. restore-db-from-yesterday, 9. restart-predictor');
    expect(await h.core.store.incidents.approvals(ID)).toHaveLength(1);
  });

  it('checks roles through the router: someone not on the contact list is refused and nothing changes', async () => {
    await h.post(h.activity().inChannel().mentioning('incident open type2').build());
    const click = h.activity().from(TEAMS_USERS.stranger).inChannel().submitting(`/incident approve ${ID} restore-db-from-yesterday`).build();
    await h.post(click);
    expect(await h.core.store.incidents.approvals(ID)).toEqual([]);
    expect(h.connector.calls.find((c) => c.activityId === click.id)?.body.text).toContain('not on the contact list');
  });

  it('runs a retried activity (same id) once', async () => {
    const msg = h.activity().inChannel().mentioning('incident open type2').build();
    await h.post(msg);
    await h.post(msg);
    expect(await h.core.store.incidents.get(anIncidentId(2))).toBeUndefined();
  });

  it('says the store does not answer when PostgreSQL is unreachable, and takes nothing', async () => {
    const refs = h.core.store.conversationRefs;
    const save = refs.save.bind(refs);
    refs.save = async () => {
      throw new StoreUnavailableError('PostgreSQL at postgres://db/drbot refused the connection');
    };
    const msg = h.activity().inChannel().mentioning('incident open type2').build();
    expect((await h.post(msg)).status).toBe(200);
    expect(h.connector.calls.find((c) => c.activityId === msg.id)?.body.text).toMatch(/^The store \(database\) does not answer right now; nothing was changed\./);
    refs.save = save;
    expect(await h.core.store.incidents.get(ID)).toBeUndefined();
  });
});
