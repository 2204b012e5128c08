import { afterEach, describe, expect, it } from '@jest/globals';
import { FakeSlackApi } from './support/fake-slack-api.js';
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
    // The envelope's ack carries the answer (ready within the ack budget); nothing goes to the response_url.
    expect(ack).toMatchObject({ response_type: 'ephemeral', text: expect.stringMatching(/has its channel/) });
    await h.settle();

    const [incident] = await h.core.store.incidents.list(['open'], 1);
    expect(incident).toMatchObject({ type: 3, scope: 'partial', dedupeKey: 'slack:trig-socket' });
    expect(h.fake.callsOf('conversations.create')).toHaveLength(1);
    expect(h.fake.answers()).toHaveLength(1);
    expect(h.fake.callsOf('response_url')).toEqual([]);
  });

  it('does not serve /slack/events in Socket Mode', async () => {
    h = await startSlackHarness({ env: { SLACK_APP_TOKEN: 'xapp-1-test-app-token' } });
    const res = await fetch(`${h.url}/slack/events`, { method: 'POST', body: 'x' });
    expect(res.status).toBe(404);
  });

  it('refuses to start with an app token Slack rejects, naming the variable to fix', async () => {
    const fake = await new FakeSlackApi().start();
    fake.refusals.set('apps.connections.open', 'invalid_auth');
    await expect(startSlackHarness({ fake, env: { SLACK_APP_TOKEN: 'xapp-1-revoked' } })).rejects.toThrow(/SLACK_APP_TOKEN \(invalid_auth\)/);
  });

  it('starts while Slack is unreachable and connects once it answers', async () => {
    const fake = await new FakeSlackApi().start();
    fake.fail('apps.connections.open', 500, { times: 3 });
    h = await startSlackHarness({ fake, env: { SLACK_APP_TOKEN: 'xapp-1-test-app-token' }, slack: { socketRetryMs: 20 } });
    await fake.whenConnected();
    expect(fake.calls.filter((c) => c.method === 'apps.connections.open').map((c) => c.status)).toEqual([500, 500, 500, 200]);
  });
});
