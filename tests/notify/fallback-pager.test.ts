import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { FallbackPager } from '../../src/notify/fallback-pager.js';
import { SmtpMailer } from '../../src/notify/smtp-mailer.js';
import { SmtpPager } from '../../src/notify/smtp-pager.js';
import { WebhookPager } from '../../src/notify/webhook-pager.js';
import { buildTestRuntime, type TestRuntime } from '../support/test-runtime.js';
import { aPageRequest } from './support/a-page-request.js';
import { FailingSlackSender } from './support/failing-slack-sender.js';
import { startLocalSmtpServer, type LocalSmtpServer } from './support/local-smtp-server.js';
import { startEndlessBodyServer } from '../support/endless-body-server.js';
import { startLocalWebhookReceiver, type LocalWebhookReceiver } from './support/local-webhook-receiver.js';

const SECRET = 'whsec-test-0123456789';
let core: TestRuntime;
let smtp: LocalSmtpServer;
let hook: LocalWebhookReceiver;
let slack: FailingSlackSender | undefined;
let mailer: SmtpMailer;

function pagerWith(options: { secret?: string; deadlineMs?: number; chatDeadlineMs?: number } = {}): FallbackPager {
  mailer = new SmtpMailer(smtp.url, { from: 'drbot <drbot@example.com>', timeoutMs: 10_000 });
  return new FallbackPager(
    {
      chat: core.chat,
      email: new SmtpPager(mailer, core.pack),
      webhook: new WebhookPager({ url: hook.url, secret: options.secret ?? SECRET, format: 'drbot' }, core.pack),
    },
    { deadlineMs: options.deadlineMs ?? 10_000, channelDeadlinesMs: options.chatDeadlineMs ? { chat: options.chatDeadlineMs } : undefined },
  );
}

beforeEach(async () => {
  core = await buildTestRuntime();
  smtp = await startLocalSmtpServer();
  hook = await startLocalWebhookReceiver(SECRET);
});
afterEach(async () => {
  mailer?.close();
  await slack?.stop();
  slack = undefined;
  await hook.close();
  await smtp.close();
  await core.close();
});

describe('FallbackPager over a real SMTP server and a signature-checking webhook receiver', () => {
  it('sends the page by email when the Slack DM fails with HTTP 500, once, and says which channel carried it', async () => {
    const slackApi = (slack = await FailingSlackSender.start('http-500'));
    core.chat.register(slackApi);
    const request = await aPageRequest(core).to('Kim DevOps').build();

    const result = await pagerWith().page(request);

    expect(result).toMatchObject({ ok: true, channel: 'email', via: 'smtp' });
    expect(result.detail).toContain('email to Kim DevOps <kim.devops@example.com>');
    expect(result.detail).toContain('chat: slack: An HTTP protocol error occurred: statusCode = 500');
    expect(slackApi.attempts).toEqual(['Kim DevOps']);
    expect(smtp.received).toHaveLength(1);
    expect(smtp.received[0]!.to).toEqual(['kim.devops@example.com']);
    expect(smtp.received[0]!.subject).toBe(`[drbot page] ${request.incident.id} Type 1 Backend API server down — level 0 (devops)`);
    expect(smtp.received[0]!.raw).toContain(`X-Drbot-Incident: ${request.incident.id}`);
    expect(hook.received).toHaveLength(0);
  });

  it('abandons a Slack API that never answers at the chat deadline, aborting its request, and moves on', async () => {
    const slackApi = (slack = await FailingSlackSender.start('hang'));
    core.chat.register(slackApi);
    const request = await aPageRequest(core).to('Kim DevOps').build();

    const result = await pagerWith({ chatDeadlineMs: 200 }).page(request);

    expect(result).toMatchObject({ ok: true, channel: 'email' });
    expect(result.detail).toContain('chat: no answer within 200 ms; abandoned');
    expect(slackApi.aborted).toEqual(['Kim DevOps']);
    expect(smtp.received).toHaveLength(1);
  });

  it("follows the contact's own order: webhook first when pageVia says so, signed so the receiver accepts it", async () => {
    const request = await aPageRequest(core).to('Jung CTO').atLevel(3, 'cto').withContact({ pageVia: ['webhook', 'email'] }).build();

    const result = await pagerWith().page(request);

    expect(result).toMatchObject({ ok: true, channel: 'webhook', via: 'webhook' });
    expect(smtp.received).toHaveLength(0);
    expect(hook.received).toHaveLength(1);
    const [received] = hook.received;
    expect(received!.signatureValid).toBe(true);
    expect(received!.headers['content-type']).toBe('application/json');
    expect(received!.json).toMatchObject({
      event: 'page',
      incident: { id: request.incident.id, type: 1, title: 'Backend API server down', scope: 'full', status: 'open' },
      level: 3,
      role: 'cto',
      contact: { name: 'Jung CTO', phone: '+82-10-0000-0009', email: 'cto@example.com' },
      summary: request.summary,
    });
  });

  it('treats a webhook that rejects the signature (wrong secret) as failed and tries the next channel', async () => {
    const request = await aPageRequest(core).to('Kim DevOps').withContact({ pageVia: ['webhook', 'email'] }).build();

    const result = await pagerWith({ secret: 'not-the-shared-secret' }).page(request);

    expect(hook.received).toHaveLength(1);
    expect(hook.received[0]!.signatureValid).toBe(false);
    expect(result).toMatchObject({ ok: true, channel: 'email' });
    expect(result.detail).toContain('webhook: webhook 127.0.0.1:');
    expect(result.detail).toContain('answered HTTP 401');
  });

  it('returns a failure naming every channel when none reaches the person, without throwing', async () => {
    slack = await FailingSlackSender.start('http-500');
    core.chat.register(slack);
    smtp.reject.add('kim.devops@example.com');
    hook.answer = () => 503;
    const request = await aPageRequest(core).to('Kim DevOps').build();

    const result = await pagerWith().page(request);

    expect(result.ok).toBe(false);
    expect(result.detail).toMatch(/^no channel reached Kim DevOps: chat: slack: An HTTP protocol error occurred: statusCode = 500; email: SMTP: 550 .*; webhook: webhook 127\.0\.0\.1:\d+ answered HTTP 503/);
    expect(smtp.received).toHaveLength(0);
    expect(hook.received).toHaveLength(1);
  });

  it('gives up on a webhook receiver that hangs at the deadline', async () => {
    hook.answer = () => 'hang';
    const request = await aPageRequest(core).to('Kim DevOps').withContact({ pageVia: ['webhook'] }).build();

    const result = await pagerWith({ deadlineMs: 200 }).page(request);

    expect(result).toMatchObject({ ok: false });
    expect(result.detail).toContain('webhook: no answer within 200 ms; abandoned');
  });

  it('skips channels that cannot reach the person or are not set up, and says why', async () => {
    const request = await aPageRequest(core).to('Park DevOps').withContact({ email: undefined }).build();
    const onlyChat = new FallbackPager({ chat: core.chat }, { deadlineMs: 1000 });

    const result = await onlyChat.page(request);

    expect(result.ok).toBe(false);
    expect(result.detail).toBe('no channel reached Park DevOps: chat: no chat platform knows this person; email: email is not set up (SMTP_URL); webhook: no webhook is set up (DRBOT_WEBHOOK_URL)');
  });
});

describe('WebhookPager answers', () => {
  it('reads only the start of an error answer that never ends, and reports the HTTP status', async () => {
    const endless = await startEndlessBodyServer(503);
    try {
      const pager = new WebhookPager({ url: endless.url, secret: SECRET, format: 'drbot' }, core.pack);
      const result = await pager.page(await aPageRequest(core).to('Kim DevOps').build());
      expect(result).toMatchObject({ ok: false, channel: 'webhook' });
      expect(result.detail).toMatch(/answered HTTP 503: \[{199}/);
      await endless.clientHungUp;
      expect(endless.finished()).toBe(false);
    } finally {
      await endless.close();
    }
  });
});

describe('WebhookPager in PagerDuty Events v2 shape', () => {
  it('posts a trigger event with the routing key, a dedup key per incident, level and person, and the summary', async () => {
    const request = await aPageRequest(core).to('Jung CTO').atLevel(3, 'cto').build();
    const pager = new WebhookPager({ url: hook.url, secret: SECRET, routingKey: 'R0UT1NGKEY', format: 'pagerduty-v2' }, core.pack);

    const result = await pager.page(request);

    expect(result).toMatchObject({ ok: true, channel: 'webhook', via: 'pagerduty' });
    expect(hook.received[0]!.signatureValid).toBe(true);
    expect(hook.received[0]!.json).toEqual({
      routing_key: 'R0UT1NGKEY',
      event_action: 'trigger',
      dedup_key: `${request.incident.id}:3:Jung CTO`,
      client: 'drbot',
      payload: {
        summary: `[drbot page] ${request.incident.id} Type 1 Backend API server down — level 3 (cto)`,
        source: 'routing-ml',
        severity: 'critical',
        timestamp: new Date(request.incident.openedAt).toISOString(),
        component: core.pack.pack,
        group: 'cto',
        class: 'type1',
        custom_details: { incident: request.incident.id, level: 3, role: 'cto', person: 'Jung CTO', summary: request.summary },
      },
    });
  });
});
