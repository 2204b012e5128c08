import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { buildTestRuntime } from '../../support/test-runtime.js';
import { TEAMS_USERS } from './support/a-teams-activity.js';
import { startTeamsHarness, type TeamsHarness } from './support/teams-harness.js';

let h: TeamsHarness;
beforeEach(async () => {
  h = await startTeamsHarness({ core: await buildTestRuntime({ web: { publicUrl: 'https://drbot.example.com', secret: 'teams-test-secret-0123456789abcdef0123456' } }) });
});
afterEach(() => h.close({ closeStore: true }));

const texts = (conversation: (id: string) => boolean) =>
  h.connector.calls.filter((c) => c.method === 'POST' && conversation(c.conversationId)).map((c) => String(c.body.text ?? ''));

describe('Teams: a reply for the asker alone', () => {
  it('/incident web typed in a channel sends the link to the personal chat, and the channel only hears where it went', async () => {
    // Lee has talked to drbot in a personal chat before, so drbot knows how to reach him there.
    await h.post(h.activity().from(TEAMS_USERS.lee).inPersonalChat().saying('incident help').build());
    await h.post(h.activity().from(TEAMS_USERS.lee).inChannel().mentioning('incident web').build());
    await h.core.events.settled();
    const personal = texts((id) => id.startsWith('a:personal-'));
    const channel = texts((id) => !id.startsWith('a:personal-'));
    expect(personal.some((t) => t.includes('https://drbot.example.com/web/login?t=v1.'))).toBe(true);
    expect(channel.some((t) => t.includes('/web/login'))).toBe(false);
    expect(channel).toContain('Sent to your personal chat with drbot.');
  });

  it('without a personal chat yet, the channel is told to open one, and no link is posted anywhere', async () => {
    await h.post(h.activity().from(TEAMS_USERS.lee).inChannel().mentioning('incident web').build());
    const all = texts(() => true);
    expect(all.some((t) => t.includes('/web/login'))).toBe(false);
    expect(all).toContain('This answer is for you alone: open a personal chat with drbot and type it there.');
  });
});
