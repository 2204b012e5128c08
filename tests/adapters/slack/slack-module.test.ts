import { afterEach, describe, expect, it } from '@jest/globals';
import { GatedAgentPort, ScriptedAgentPort } from '../../support/fake-agent-port.js';
import { FakeSlackApi } from './support/fake-slack-api.js';
import { SLACK_USERS, startSlackHarness, type SlackHarness } from './support/slack-harness.js';
import { anIncidentId } from '../../support/an-incident.js';

/** An agent whose runs wait until released, so a second click arrives while the first is still running. */
let h: SlackHarness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

const blocksOf = (args: Record<string, unknown>) => JSON.parse(String(args.blocks)) as { type: string; elements?: { value?: string; confirm?: { text: { text: string } } }[] }[];
const buttonValues = (args: Record<string, unknown>) => blocksOf(args).flatMap((b) => (b.type === 'actions' ? (b.elements ?? []).map((e) => e.value) : []));

async function openIncident(harness: SlackHarness, text = 'open type1 full predictor down'): Promise<string> {
  expect(await harness.slash(text, SLACK_USERS.kim)).toBe(200);
  await harness.settle();
  const [incident] = await harness.core.store.incidents.list(['open'], 10);
  return incident!.id;
}

describe('Slack module over signed HTTP requests', () => {
  it('takes short forms from the slash command: no id with one incident open, steps by card number, ambiguity lists candidates', async () => {
    h = await startSlackHarness();
    const id = await openIncident(h);
    const [card] = h.fake.callsOf('chat.postMessage');
    expect(String(card!.args.blocks)).toContain('5. restart-predictor');
    expect(await h.slash('approve restart', SLACK_USERS.kim)).toBe(200);
    await h.settle();
    expect(JSON.stringify(h.fake.answers().at(-1)!.args)).toContain('5. restart-predictor, 6. restart-backend-local');
    expect(await h.core.store.incidents.approvals(id)).toEqual([]);
    expect(await h.slash('approve 5', SLACK_USERS.kim)).toBe(200);
    await h.settle();
    expect(await h.core.store.incidents.approvals(id)).toEqual([expect.objectContaining({ stepId: 'restart-predictor', firstBy: 'Kim DevOps' })]);
  });

  it('opens an incident: creates its channel, invites the rung, posts the card and answers the typer with a link', async () => {
    h = await startSlackHarness();
    const id = await openIncident(h);

    const [create] = h.fake.callsOf('conversations.create');
    expect(create!.args.name).toBe(`inc-20261124-type1-001`);
    const [invite] = h.fake.callsOf('conversations.invite');
    expect(String(invite!.args.users).split(',')).toEqual(expect.arrayContaining([SLACK_USERS.kim, SLACK_USERS.park]));
    const [card] = h.fake.callsOf('chat.postMessage');
    expect(card!.args.channel).toBe('CINC1');
    expect(blocksOf(card!.args)[0]).toMatchObject({ type: 'header' });
    // A host-changing step's button asks for its plan (read-only, so no dialog); the plan's own Approve has the dialog.
    expect(buttonValues(card!.args)).toEqual(expect.arrayContaining([`/incident plan ${id} restart-predictor`, `/incident ack ${id}`, `/incident resolve ${id}`]));
    const approve = blocksOf(card!.args)
      .flatMap((b) => b.elements ?? [])
      .find((e) => e.value === `/incident plan ${id} restart-predictor`);
    expect(approve).toMatchObject({ text: { text: 'Approve restart-predictor…' } });
    expect(approve!.confirm).toBeUndefined();

    const [answer] = h.fake.answers();
    expect(answer!.args).toMatchObject({ response_type: 'ephemeral' });
    expect(JSON.stringify(answer!.args)).toContain('<#CINC1>');
    const thread = await h.core.store.tableRows('incident_threads');
    expect(thread).toEqual([expect.objectContaining({ incident_id: id, platform: 'slack', channel: 'CINC1' })]);
  });

  it('posts the card where the command was typed when Slack does not allow creating channels', async () => {
    h = await startSlackHarness();
    h.fake.refusals.set('conversations.create', 'restricted_action');
    await openIncident(h);
    const [card] = h.fake.callsOf('chat.postMessage');
    expect(card!.args.channel).toBe('COPS00001');
    expect(h.fake.callsOf('conversations.invite')).toHaveLength(0);
  });

  it('runs an approved step through the agent port when the Approve button is clicked, and updates the card in place', async () => {
    const agents = new ScriptedAgentPort();
    h = await startSlackHarness({ agents });
    const id = await openIncident(h);
    const updatesBefore = h.fake.callsOf('chat.update').length;

    expect(await h.click(`/incident approve ${id} restart-predictor`, SLACK_USERS.kim)).toBe(200);
    await h.settle();

    expect(agents.requests.map((r) => r.action)).toContain('compose_service_restart');
    const updates = h.fake.callsOf('chat.update');
    expect(updates.length).toBeGreaterThan(updatesBefore);
    expect(updates.at(-1)!.args).toMatchObject({ channel: 'CINC1', ts: (await h.core.store.tableRows('incident_threads'))[0]!.message_id });
    expect(String(updates.at(-1)!.args.blocks)).toContain('✅ 5. restart-predictor');
    const threadLines = h.fake.callsOf('chat.postMessage').filter((c) => c.args.thread_ts);
    expect(threadLines.map((c) => String(c.args.text)).join('\n')).toMatch(/approv/i);
  });

  it('tells a person without the role why, privately, and runs nothing', async () => {
    const agents = new ScriptedAgentPort();
    h = await startSlackHarness({ agents });
    const id = await openIncident(h);
    const before = h.fake.calls.length;

    await h.click(`/incident approve ${id} restart-predictor`, SLACK_USERS.choi);
    // One person's click, then another's: while the first is still answered, the same button's second click is its twin ("Already being handled").
    await h.settle();
    await h.click(`/incident approve ${id} restart-predictor`, SLACK_USERS.stranger);
    await h.settle();

    expect(agents.requests).toHaveLength(0);
    const answers = h.fake.calls.slice(before).filter((c) => c.method === 'response_url');
    expect(answers).toHaveLength(2);
    expect(answers[0]!.args).toMatchObject({ response_type: 'ephemeral' });
    expect(String(answers[0]!.args.text)).toMatch(/may not approve .*needs devops or backend/);
    expect(String(answers[1]!.args.text)).toMatch(/not on the contact list/);
    expect(await h.core.store.incidents.approvals(id)).toHaveLength(0);
  });

  it('answers 401 to a forged signature or a request older than five minutes, and does nothing', async () => {
    h = await startSlackHarness();
    expect(await h.slash('open type1', SLACK_USERS.kim, { secret: 'not-the-secret' })).toBe(401);
    expect(await h.slash('open type1', SLACK_USERS.kim, { timestamp: Math.floor(Date.now() / 1000) - 6 * 60 })).toBe(401);
    await h.settle();
    expect(await h.core.store.incidents.count()).toBe(0);
    expect(h.fake.calls.filter((c) => c.method !== 'auth.test')).toHaveLength(0);
  });

  it('opens one incident for a retried command (same trigger, X-Slack-Retry-Num: 1)', async () => {
    h = await startSlackHarness();
    const first = h.slash('open type2 partial', SLACK_USERS.kim, { triggerId: 'trig-once' });
    const retry = h.slash('open type2 partial', SLACK_USERS.kim, { triggerId: 'trig-once', retryNum: 1 });
    expect(await first).toBe(200);
    expect(await retry).toBe(200);
    await h.settle();
    expect(await h.core.store.incidents.count()).toBe(1);
    expect(h.fake.callsOf('conversations.create')).toHaveLength(1);
    expect(h.fake.callsOf('chat.postMessage').filter((c) => !c.args.thread_ts)).toHaveLength(1);
  });

  it('never runs a step twice on a double click', async () => {
    const agents = new GatedAgentPort();
    h = await startSlackHarness({ agents });
    const id = await openIncident(h);
    expect(await h.click(`/incident approve ${id} restart-predictor`, SLACK_USERS.kim, { actionTs: '1790000100.000001' })).toBe(200);
    await agents.started;
    expect(await h.click(`/incident approve ${id} restart-predictor`, SLACK_USERS.park, { actionTs: '1790000100.000002' })).toBe(200);
    agents.release();
    await h.settle();
    expect(agents.requests.filter((r) => r.action === 'compose_service_restart')).toHaveLength(1);
    expect(JSON.stringify(h.fake.callsOf('response_url').map((c) => c.args))).toContain('Already being handled');
  });

  it('waits for Retry-After when Slack rate-limits a call, then makes it', async () => {
    h = await startSlackHarness();
    h.fake.fail('chat.postMessage', 429, { retryAfter: 1 });
    await openIncident(h);
    const attempts = h.fake.calls.filter((c) => c.method === 'chat.postMessage');
    expect(attempts.map((c) => c.status)).toEqual([429, 200]);
    expect(attempts[1]!.at - attempts[0]!.at).toBeGreaterThanOrEqual(950);
    expect(await h.core.store.tableRows('outbox')).toHaveLength(0);
  });

  it('DMs the people it pages, with a link to the incident channel', async () => {
    h = await startSlackHarness();
    const id = await openIncident(h);
    const incident = (await h.core.store.incidents.get(id))!;
    const lee = h.core.contacts.byName('Lee Backend')!;
    const result = await h.core.pager.page({ incident, level: 1, role: 'backend', contact: lee, summary: 'Type 1, 30 min, restart-predictor failed', lang: 'en' });
    expect(result).toMatchObject({ ok: true, via: 'slack' });
    const dm = h.fake.callsOf('chat.postMessage').find((c) => c.args.channel === SLACK_USERS.lee)!;
    expect(String(dm.args.text)).toContain(id);
    expect(String(dm.args.text)).toContain('<#CINC1>');
  });

  it('uploads the report and its timeline picture (PNG) into the incident channel on close', async () => {
    h = await startSlackHarness();
    const id = await openIncident(h);
    await h.slash(`resolve ${id} predictor restarted`, SLACK_USERS.kim);
    await h.slash(`close ${id}`, SLACK_USERS.kim);
    await h.settle();
    const urls = h.fake.callsOf('files.getUploadURLExternal');
    expect(urls.map((c) => String(c.args.filename))).toEqual([expect.stringMatching(new RegExp(`-${id}\\.md$`)), expect.stringMatching(new RegExp(`-${id}-timeline\\.png$`))]);
    expect(Number(urls[1]!.args.length)).toBeGreaterThan(1000);
    expect(h.fake.callsOf('upload')).toHaveLength(2);
    const complete = h.fake.callsOf('files.completeUploadExternal');
    expect(complete).toHaveLength(1);
    expect(complete[0]!.args).toMatchObject({ channel_id: 'CINC1' });
    expect(JSON.parse(String(complete[0]!.args.files))).toHaveLength(2);
  });

  it('accepts the same grammar in an app mention', async () => {
    h = await startSlackHarness();
    const id = await openIncident(h);
    const body = JSON.stringify({
      token: 't',
      team_id: 'TFAKE',
      api_app_id: 'AFAKE',
      type: 'event_callback',
      event_id: 'Ev1',
      event_time: 1,
      event: { type: 'app_mention', user: SLACK_USERS.kim, text: `<@UDRBOT> ack ${id}`, ts: '1790000001.000100', channel: 'CINC1', event_ts: '1790000001.000100' },
    });
    const { slackSignature, SIGNING_SECRET } = await import('./support/slack-harness.js');
    const ts = Math.floor(Date.now() / 1000);
    const res = await fetch(`${h.url}/slack/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-slack-request-timestamp': String(ts), 'x-slack-signature': slackSignature(SIGNING_SECRET, ts, body) },
      body,
    });
    expect(res.status).toBe(200);
    await h.settle();
    expect((await h.core.store.incidents.get(id))!.ackedBy).toBe('Kim DevOps');
    const reply = h.fake.callsOf('chat.postMessage').find((c) => c.args.thread_ts === '1790000001.000100');
    expect(reply).toBeDefined();
  });

  it('ticks a checklist item chosen from the card\'s menu', async () => {
    h = await startSlackHarness();
    const id = await openIncident(h);
    const [card] = h.fake.callsOf('chat.postMessage');
    const menu = blocksOf(card!.args).flatMap((b) => (b.elements ?? []) as { type?: string; options?: { value: string }[] }[]).find((e) => e.type === 'static_select');
    const choice = menu!.options!.find((o) => o.value.endsWith(' backup-check')) ?? menu!.options![0]!;
    expect(await h.click(choice.value, SLACK_USERS.kim, { menu: true })).toBe(200);
    await h.settle();
    const item = choice.value.split(' ').at(-1)!;
    expect((await h.core.store.incidents.checklist(id)).map((t) => t.itemId)).toContain(item);
  });

  it('posts ops-channel views and user notices to the configured Slack channels', async () => {
    h = await startSlackHarness({ opsChannel: 'C0OPS0001', noticeChannels: ['C0ANN0001'] });
    await h.core.ops.post({ summary: 'weekly check: all fine', blocks: [{ type: 'text', text: 'weekly check: all fine' }] });
    const [post] = h.fake.callsOf('chat.postMessage');
    expect(post!.args).toMatchObject({ channel: 'C0OPS0001', text: 'weekly check: all fine' });
    const view = { summary: 'Routing ML is down', blocks: [{ type: 'text' as const, text: 'Routing ML is down' }] };
    const deliveries = await h.core.notices.post({ kind: 'outage', incidentId: anIncidentId(1), lang: 'en', subject: 'down', text: 'Routing ML is down', view });
    expect(deliveries).toEqual([expect.objectContaining({ channel: 'slack', ok: true })]);
    expect(h.fake.callsOf('chat.postMessage').at(-1)!.args).toMatchObject({ channel: 'C0ANN0001' });
  });

  it('gives an incident opened elsewhere (console, Teams) its Slack channel and card too', async () => {
    h = await startSlackHarness({ opsChannel: 'C0OPS0001' });
    const reply = await h.core.router.dispatch('/incident open type4 full', h.core.as('Park DevOps'));
    await h.settle();
    expect(h.fake.callsOf('conversations.create')[0]!.args.name).toBe(`inc-20261124-type4-001`);
    const [card] = h.fake.callsOf('chat.postMessage');
    expect(card!.args.channel).toBe('CINC1');
    expect(buttonValues(card!.args)).toContain(`/incident ack ${reply.incidentId}`);
  });

  it('refuses to start with a bot token Slack rejects, naming the variable to fix', async () => {
    const fake = await new FakeSlackApi().start();
    fake.refusals.set('auth.test', 'invalid_auth');
    await expect(startSlackHarness({ fake })).rejects.toThrow(/SLACK_BOT_TOKEN \(invalid_auth\)/);
  });

  it('shows who approved a destructive step first and runs it only after a second, different person approves', async () => {
    const agents = new ScriptedAgentPort();
    h = await startSlackHarness({ agents });
    const id = await openIncident(h, 'open type4 full');
    const approve = `/incident approve ${id} remove-all-containers`;
    await h.click(approve, SLACK_USERS.kim);
    await h.settle();
    expect(String(h.fake.callsOf('chat.update').at(-1)!.args.blocks)).toContain('approved by Kim DevOps — needs a second, different person');
    await h.click(approve, SLACK_USERS.kim);
    await h.settle();
    expect(String(h.fake.callsOf('response_url').at(-1)!.args.text)).toMatch(/second, different person must approve/);
    expect(agents.requests.filter((r) => r.action === 'remove_all_containers')).toHaveLength(0);
    await h.click(approve, SLACK_USERS.park);
    await h.settle();
    expect(agents.requests.filter((r) => r.action === 'remove_all_containers')).toHaveLength(1);
  });
});
