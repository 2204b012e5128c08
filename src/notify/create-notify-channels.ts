import type { DrbotConfig } from '../config/load-config.js';
import { ConfigError } from '../errors/drbot-error.js';
import type { RunbookPack } from '../runbook/pack-schema.js';
import { EmailNoticeChannel } from './email-notice-channel.js';
import { FallbackPager, type ChannelPager } from './fallback-pager.js';
import { NoticeBoard } from './notice-board.js';
import type { ChatPager } from './pager.js';
import { SmtpMailer } from './smtp-mailer.js';
import { SmtpPager } from './smtp-pager.js';
import { WebhookPager } from './webhook-pager.js';

/** The pager and notice board drbot runs with, and what they were set up with (for the start log). */
export interface NotifyChannels {
  pager: FallbackPager;
  notices: NoticeBoard;
  /** Page channels that are set up, in no particular order: `chat`, plus `email` and `webhook` when configured. */
  pageChannels: string[];
}

/**
 * Sets up pages and notices from the configuration: chat always (platforms register into it),
 * email when `SMTP_URL` is set, the webhook when `DRBOT_WEBHOOK_URL` (or `notify.webhook.url`) is.
 * Misconfiguration stops the start with a message that says what to set.
 */
export function createNotifyChannels(config: Pick<DrbotConfig, 'notify' | 'notices' | 'env'>, chat: ChatPager, pack: RunbookPack): NotifyChannels {
  const { env, notify } = config;
  const deadlineMs = notify.channelDeadlineSeconds * 1000;
  const channels: { chat: ChannelPager; email?: ChannelPager; webhook?: ChannelPager } = { chat };
  const notices = new NoticeBoard({ deadlineMs: Math.max(deadlineMs, 15_000) });

  const smtpUrl = env.SMTP_URL?.trim();
  if (smtpUrl) {
    if (!/^smtps?:\/\/[^/]/i.test(smtpUrl)) throw new ConfigError('SMTP_URL must look like smtp://user:pass@host:587 or smtps://host:465', 'fix SMTP_URL or unset it to page without email');
    const mailer = new SmtpMailer(smtpUrl, { from: notify.emailFrom, timeoutMs: deadlineMs });
    channels.email = new SmtpPager(mailer, pack);
    if (config.notices.emails.length) notices.register(new EmailNoticeChannel(mailer, config.notices.emails));
  }

  const webhookUrl = env.DRBOT_WEBHOOK_URL?.trim() || notify.webhook.url;
  if (webhookUrl) {
    let parsed: URL;
    try {
      parsed = new URL(webhookUrl);
    } catch {
      throw new ConfigError('DRBOT_WEBHOOK_URL (or notify.webhook.url) is not a URL', 'give the full http(s) URL of the webhook receiver');
    }
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw new ConfigError('the webhook URL must be http or https', 'fix DRBOT_WEBHOOK_URL');
    const secret = env.DRBOT_WEBHOOK_SECRET || undefined;
    const routingKey = env.DRBOT_PAGERDUTY_ROUTING_KEY || undefined;
    if (notify.webhook.format === 'drbot' && !secret) {
      throw new ConfigError('a webhook URL is set but DRBOT_WEBHOOK_SECRET is not', 'set DRBOT_WEBHOOK_SECRET to the HMAC key the receiver checks');
    }
    if (notify.webhook.format === 'pagerduty-v2' && !routingKey) {
      throw new ConfigError('notify.webhook.format is pagerduty-v2 but DRBOT_PAGERDUTY_ROUTING_KEY is not set', 'set it to the integration key of the PagerDuty service');
    }
    channels.webhook = new WebhookPager({ url: webhookUrl, secret, routingKey, format: notify.webhook.format }, pack);
  }

  return {
    pager: new FallbackPager(channels, { deadlineMs }),
    notices,
    pageChannels: Object.keys(channels),
  };
}
