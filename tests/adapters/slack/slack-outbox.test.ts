import { afterEach, describe, expect, it } from '@jest/globals';
import { SLACK_USERS, startSlackHarness, type SlackHarness } from './support/slack-harness.js';

let h: SlackHarness | undefined;
afterEach(async () => {
  await h?.stop();
  h = undefined;
});

const undelivered = async (harness: SlackHarness) => (await harness.core.store.tableRows('outbox')).filter((r) => r.delivered_at === null).sort((a, b) => a.id - b.id);

describe('Slack outbox', () => {
  it('keeps card updates and thread lines while Slack is down for a minute, then delivers them in order', async () => {
    h = await startSlackHarness();
    expect(await h.slash('open type1 full', SLACK_USERS.kim)).toBe(200);
    await h.settle();
    const [incident] = await h.core.store.incidents.list(['open'], 1);
    const id = incident!.id;

    h.fake.down = true;
    for (const word of ['first', 'second', 'third']) {
      expect(await h.slash(`note ${id} ${word}`, SLACK_USERS.kim)).toBe(200);
      await h.settle();
    }
    const queued = await undelivered(h);
    expect(queued.map((r) => r.kind).sort()).toEqual(['card', 'thread', 'thread', 'thread']);

    // A minute of virtual time with Slack still down: every attempt fails, nothing is lost.
    for (let s = 0; s < 60; s += 5) {
      await h.core.clock.advance(5_000);
      await h.slack.drainOutbox();
    }
    expect(await undelivered(h)).toHaveLength(4);
    expect(h.fake.calls.filter((c) => c.status === 500).length).toBeGreaterThan(4);

    h.fake.down = false;
    const before = h.fake.calls.length;
    await h.core.clock.advance(61_000);
    await h.slack.drainOutbox();
    await h.settle();

    expect(await undelivered(h)).toHaveLength(0);
    const delivered = h.fake.calls.slice(before).filter((c) => c.status === 200 && (c.method === 'chat.postMessage' || c.method === 'chat.update'));
    const lines = delivered.filter((c) => c.method === 'chat.postMessage').map((c) => String(c.args.text));
    expect(lines.map((l) => /(first|second|third)$/.exec(l)?.[1])).toEqual(['first', 'second', 'third']);
    expect(delivered.filter((c) => c.method === 'chat.update')).toHaveLength(1);
    const rows = (await h.core.store.tableRows('outbox')).sort((a, b) => a.id - b.id);
    expect(rows.every((r) => r.delivered_at !== null)).toBe(true);
    expect(rows[0]!.attempts).toBeGreaterThan(1);
  });

  it('queues a page that cannot go now, reports it undelivered so the ladder can try elsewhere, and delivers it later', async () => {
    h = await startSlackHarness();
    expect(await h.slash('open type2 full', SLACK_USERS.kim)).toBe(200);
    await h.settle();
    const [incident] = await h.core.store.incidents.list(['open'], 1);
    h.fake.down = true;
    const result = await h.core.pager.page({ incident: incident!, level: 1, role: 'backend', contact: h.core.contacts.byName('Lee Backend')!, summary: 'Type 2', lang: 'en' });
    expect(result.ok).toBe(false);
    expect(result.detail).toMatch(/outbox/);
    h.fake.down = false;
    await h.core.clock.advance(10_000);
    await h.slack.drainOutbox();
    expect(h.fake.callsOf('chat.postMessage').filter((c) => c.args.channel === SLACK_USERS.lee)).toHaveLength(1);
  });

  it('drops a delivery Slack refuses for good instead of blocking the ones behind it', async () => {
    h = await startSlackHarness();
    expect(await h.slash('open type1 full', SLACK_USERS.kim)).toBe(200);
    await h.settle();
    const [incident] = await h.core.store.incidents.list(['open'], 1);
    h.fake.down = true;
    await h.slash(`note ${incident!.id} queued`, SLACK_USERS.kim);
    await h.settle();
    h.fake.down = false;
    h.fake.refusals.set('chat.postMessage', 'channel_not_found');
    await h.core.clock.advance(61_000);
    await h.slack.drainOutbox();
    expect(await undelivered(h)).toHaveLength(0);
    const rows = (await h.core.store.tableRows('outbox')).filter((r) => r.kind === 'thread');
    expect(rows[0]!.last_error).toMatch(/^dropped: .*channel_not_found/);
  });

  it('delivers what waited in the outbox after a restart, and brings the open cards up to date', async () => {
    h = await startSlackHarness();
    expect(await h.slash('open type5 full', SLACK_USERS.kim)).toBe(200);
    await h.settle();
    const [incident] = await h.core.store.incidents.list(['open'], 1);
    h.fake.down = true;
    await h.slash(`note ${incident!.id} written while Slack was down`, SLACK_USERS.kim);
    await h.settle();
    expect(await undelivered(h)).toHaveLength(2);

    h.fake.down = false;
    const before = h.fake.calls.length;
    await h.restart();
    await h.core.clock.advance(61_000);
    await h.slack.drainOutbox();
    await h.settle();
    expect(await undelivered(h)).toHaveLength(0);
    const after = h.fake.calls.slice(before).filter((c) => c.status === 200);
    expect(after.some((c) => c.method === 'chat.postMessage' && String(c.args.text).endsWith('written while Slack was down'))).toBe(true);
    expect(after.some((c) => c.method === 'chat.update')).toBe(true);
    expect(h.fake.callsOf('conversations.create')).toHaveLength(1);
  });
});
