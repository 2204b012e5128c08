import { afterEach, describe, expect, it } from '@jest/globals';
import { slashCommandPayload, SLACK_USERS, startSlackHarness, type SlackHarness } from './support/slack-harness.js';

let h: SlackHarness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

describe('Slack over Socket Mode', () => {
  it('connects through apps.connections.open, acknowledges envelopes and runs the command', async () => {
    h = await startSlackHarness({ env: { SLACK_APP_TOKEN: 'xapp-1-test-app-token' } });
    await h.fake.whenConnected();
    expect(h.fake.callsOf('apps.connections.open')).toHaveLength(1);

    const ack = await h.fake.sendEnvelope('slash_commands', slashCommandPayload(h.fake, 'open type3 partial switch down', SLACK_USERS.kim, { triggerId: 'trig-socket' }));
    expect(ack).toEqual({});
    await h.settle();

    const [incident] = await h.core.store.incidents.list(['open'], 1);
    expect(incident).toMatchObject({ type: 3, scope: 'partial', dedupeKey: 'slack:trig-socket' });
    expect(h.fake.callsOf('conversations.create')).toHaveLength(1);
    expect(h.fake.callsOf('response_url')).toHaveLength(1);
  });

  it('does not serve /slack/events in Socket Mode', async () => {
    h = await startSlackHarness({ env: { SLACK_APP_TOKEN: 'xapp-1-test-app-token' } });
    const res = await fetch(`${h.url}/slack/events`, { method: 'POST', body: 'x' });
    expect(res.status).toBe(404);
  });
});
