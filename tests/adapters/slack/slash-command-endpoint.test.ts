import { afterEach, describe, expect, it } from '@jest/globals';
import { GatedAgentPort } from '../../support/fake-agent-port.js';
import { SIGNING_SECRET, SLACK_USERS, slackSignature, slashCommandPayload, startSlackHarness, type SlackHarness } from './support/slack-harness.js';

/**
 * Signed `/incident` slash commands over HTTP are acked by drbot's own endpoint behind the request
 * ledger (adapters/slack/slash-command-endpoint.ts), with their answer when it is ready within the
 * ack's budget (adapters/slack/ack-slot.ts); what it does not take goes on to Bolt as before.
 */

const harnesses: SlackHarness[] = [];
afterEach(async () => {
  for (const h of harnesses.splice(0)) await h.stop();
});

async function send(h: SlackHarness, form: Record<string, string>, o: { secret?: string; type?: string } = {}): Promise<{ status: number; body: string }> {
  const body = new URLSearchParams(form).toString();
  const ts = Math.floor(Date.now() / 1000);
  const res = await fetch(`${h.url}/slack/events`, {
    method: 'POST',
    headers: { 'content-type': o.type ?? 'application/x-www-form-urlencoded', 'x-slack-request-timestamp': String(ts), 'x-slack-signature': slackSignature(o.secret ?? SIGNING_SECRET, ts, body) },
    body,
  });
  return { status: res.status, body: await res.text() };
}

describe('a signed /incident slash command over HTTP', () => {
  it('is acked with its answer when the answer is ready within the ack budget, and nothing goes to its response_url', async () => {
    const h = await startSlackHarness();
    harnesses.push(h);
    const ack = await send(h, slashCommandPayload(h.fake, 'open type2 predictor down', SLACK_USERS.kim));
    expect(ack.status).toBe(200);
    expect(JSON.parse(ack.body)).toMatchObject({ response_type: 'ephemeral', text: expect.stringMatching(/has its channel: <#CINC1>/) });
    await h.settle();
    expect(await h.core.store.incidents.list(['open'], 5)).toHaveLength(1);
    expect(h.fake.callsOf('response_url')).toEqual([]);
  });

  it('is acked empty once the ack budget runs out, and answered at its response_url when its step finishes', async () => {
    const agents = new GatedAgentPort();
    const h = await startSlackHarness({ agents, slack: { ackBudgetMs: 100 } });
    harnesses.push(h);
    await send(h, slashCommandPayload(h.fake, 'open type1 full predictor down', SLACK_USERS.kim));
    await h.settle();
    const [incident] = await h.core.store.incidents.list(['open'], 5);

    const ack = await send(h, slashCommandPayload(h.fake, `approve ${incident!.id} restart-predictor`, SLACK_USERS.kim));
    expect(ack).toEqual({ status: 200, body: '' });
    await agents.started;
    expect(h.fake.callsOf('response_url')).toEqual([]);
    agents.release();
    await h.settle();
    expect(agents.requests.filter((r) => r.action === 'compose_service_restart')).toHaveLength(1);
    expect(h.fake.callsOf('response_url')).toHaveLength(1);
    expect(h.fake.callsOf('response_url')[0]!.args).toMatchObject({ response_type: 'in_channel', text: expect.stringContaining('restart-predictor') });
  });

  it('with a budget of 0 is acked empty at once and answered at its response_url', async () => {
    const h = await startSlackHarness({ slack: { ackBudgetMs: 0 } });
    harnesses.push(h);
    const ack = await send(h, slashCommandPayload(h.fake, 'status', SLACK_USERS.kim));
    expect(ack).toEqual({ status: 200, body: '' });
    await h.settle();
    expect(String(h.fake.callsOf('response_url').at(-1)!.args.text)).toMatch(/No incident is open/);
  });

  it('is answered "restarting" in its ack while drbot stops, and runs nothing', async () => {
    const h = await startSlackHarness();
    harnesses.push(h);
    await h.slack.stop(Date.now() + 1_000);
    const ack = await send(h, slashCommandPayload(h.fake, 'open type2 during the restart', SLACK_USERS.kim));
    expect(ack.status).toBe(200);
    expect(JSON.parse(ack.body)).toEqual({ response_type: 'ephemeral', text: 'drbot is restarting; try again in a moment.' });
    expect(await h.core.store.incidents.list(['open'], 5)).toEqual([]);
  });

  it('is refused 401 by Bolt when its signature is forged, and runs nothing', async () => {
    const h = await startSlackHarness();
    harnesses.push(h);
    const ack = await send(h, slashCommandPayload(h.fake, 'open type2 forged', SLACK_USERS.kim), { secret: 'not-the-secret' });
    expect(ack.status).toBe(401);
    await h.settle();
    expect(await h.core.store.incidents.list(['open'], 5)).toEqual([]);
    expect(h.fake.callsOf('response_url')).toEqual([]);
  });

  it('without a user or trigger id goes on to Bolt, which acks it; a malformed form never stops drbot', async () => {
    const h = await startSlackHarness();
    harnesses.push(h);
    const { user_id: _user, ...noUser } = slashCommandPayload(h.fake, 'status', SLACK_USERS.kim);
    expect((await send(h, noUser)).status).toBe(200);
    expect((await send(h, { command: '/incident', text: '%%%' }, { type: 'application/x-www-form-urlencoded' })).status).toBe(200);
    await h.settle();
    // still serving
    expect(await h.slash('status', SLACK_USERS.kim)).toBe(200);
  });
});
