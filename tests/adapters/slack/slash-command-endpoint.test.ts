import { afterEach, describe, expect, it } from '@jest/globals';
import { SIGNING_SECRET, SLACK_USERS, slackSignature, slashCommandPayload, startSlackHarness, type SlackHarness } from './support/slack-harness.js';

/**
 * Signed `/incident` slash commands over HTTP are acked by drbot's own endpoint behind the request
 * ledger (adapters/slack/slash-command-endpoint.ts); what it does not take goes on to Bolt as before.
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
  it('is acked with an empty 200 and answered at its response_url', async () => {
    const h = await startSlackHarness();
    harnesses.push(h);
    const ack = await send(h, slashCommandPayload(h.fake, 'open type2 predictor down', SLACK_USERS.kim));
    expect(ack).toEqual({ status: 200, body: '' });
    await h.settle();
    expect(await h.core.store.incidents.list(['open'], 5)).toHaveLength(1);
    expect(String(h.fake.callsOf('response_url').at(-1)!.args.text)).toMatch(/has its channel/);
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
