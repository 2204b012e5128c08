import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import type { ChatPager } from '../../src/notify/pager.js';
import type { RunbookPack } from '../../src/runbook/pack-schema.js';
import { FallbackPager } from '../../src/notify/fallback-pager.js';
import { SmtpMailer } from '../../src/notify/smtp-mailer.js';
import { SmtpPager } from '../../src/notify/smtp-pager.js';
import { WebhookPager } from '../../src/notify/webhook-pager.js';
import { byDrbot, pagedPeople, schedulerHarness, type SchedulerHarness } from '../scheduler/scheduler-harness.js';
import { FailingSlackSender } from './support/failing-slack-sender.js';
import { startLocalSmtpServer, type LocalSmtpServer } from './support/local-smtp-server.js';
import { startLocalWebhookReceiver, type LocalWebhookReceiver } from './support/local-webhook-receiver.js';

const SECRET = 'whsec-ladder-0123456789';
let h: SchedulerHarness;
let smtp: LocalSmtpServer;
let hook: LocalWebhookReceiver;
let slack: FailingSlackSender;
let mailer: SmtpMailer;

/** The ladder of a real scheduler paging through the fallback pager: Slack (down), email, webhook. */
beforeEach(async () => {
  smtp = await startLocalSmtpServer();
  hook = await startLocalWebhookReceiver(SECRET);
  slack = await FailingSlackSender.start('http-500');
  mailer = new SmtpMailer(smtp.url, { from: 'drbot <drbot@example.com>', timeoutMs: 10_000 });
  const pager = (chat: ChatPager, pack: RunbookPack) =>
    new FallbackPager(
      {
        chat,
        email: new SmtpPager(mailer, pack),
        webhook: new WebhookPager({ url: hook.url, secret: SECRET, format: 'drbot' }, pack),
      },
      { deadlineMs: 10_000 },
    );
  h = await schedulerHarness({ pager }, {}, { console: false });
  h.core.chat.register(slack);
});
afterEach(async () => {
  await h.close();
  mailer.close();
  await slack.stop();
  await hook.close();
  await smtp.close();
});

describe('the ladder paging through chat, email and webhook', () => {
  it('delivers the level-0 page by email when the Slack DM fails, and records it once', async () => {
    const inc = await h.open();

    const deliveries = await h.deliveries(inc.id);
    expect(pagedPeople(deliveries)).toEqual(['0:Kim DevOps:sent']);
    expect(deliveries[0]!.channel).toBe('smtp');
    expect(deliveries[0]!.detail).toContain('chat: slack: An HTTP protocol error occurred: statusCode = 500');
    expect(slack.attempts).toEqual(['Kim DevOps']);
    expect(smtp.received.map((m) => m.to)).toEqual([['kim.devops@example.com']]);
    const pages = byDrbot(await h.timeline(inc.id), 'page');
    expect(pages).toHaveLength(1);
    expect(pages[0]!.text).toContain('paged Kim DevOps (devops) via smtp');
    expect(hook.received).toHaveLength(0);
  });

  it('pages the next person of the rung when every channel fails for the first, and the incident says so', async () => {
    smtp.reject.add('kim.devops@example.com');
    hook.answer = (received) => ((received.json.contact as { name: string }).name === 'Kim DevOps' ? 503 : 202);

    const inc = await h.open();

    const deliveries = await h.deliveries(inc.id);
    expect(pagedPeople(deliveries)).toEqual(['0:Kim DevOps:failed', '0:Park DevOps:sent']);
    expect(deliveries[1]!.channel).toBe('smtp');
    expect(slack.attempts).toEqual(['Kim DevOps', 'Park DevOps']);
    expect(hook.received.map((r) => [(r.json.contact as { name: string }).name, r.signatureValid])).toEqual([['Kim DevOps', true]]);
    expect(smtp.received.map((m) => m.to)).toEqual([['park.devops@example.com']]);

    const pages = byDrbot(await h.timeline(inc.id), 'page').map((e) => e.text);
    expect(pages).toHaveLength(3);
    expect(pages[0]).toMatch(/^❗ page to Kim DevOps \(devops\) failed: no channel reached Kim DevOps: chat: slack: .*statusCode = 500; email: SMTP: 550 .*; webhook: .*answered HTTP 503/);
    expect(pages[1]).toBe('↪ the page did not reach Kim DevOps; paging Park DevOps (devops) instead.');
    expect(pages[2]).toContain('📟 paged Park DevOps (devops) via smtp');
  });

  it('says so when nobody of the rung can be reached, and still climbs to the next rung at its time', async () => {
    smtp.reject.add('kim.devops@example.com');
    smtp.reject.add('park.devops@example.com');
    hook.answer = () => 503;

    const inc = await h.open();
    expect(pagedPeople(await h.deliveries(inc.id))).toEqual(['0:Kim DevOps:failed', '0:Park DevOps:failed']);
    expect(byDrbot(await h.timeline(inc.id), 'page').at(-1)!.text).toBe('⚠️ nobody else with the devops role can be paged now; the ladder continues.');

    hook.answer = () => 202;
    await h.advance(30 * 60_000);
    const deliveries = await h.deliveries(inc.id);
    expect(pagedPeople(deliveries)).toEqual(['0:Kim DevOps:failed', '0:Park DevOps:failed', '1:Lee Backend:sent']);
    expect(deliveries[2]!.channel).toBe('smtp');
  });
});
