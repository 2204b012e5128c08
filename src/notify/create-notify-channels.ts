import type { DrbotConfig } from '../config/load-config.js';
import type { RunbookPack } from '../runbook/pack-schema.js';
import { EmailNoticeChannel } from './email-notice-channel.js';
import { FallbackPager, type ChannelPager } from './fallback-pager.js';
import { NoticeBoard } from './notice-board.js';
import { smtpUrlFromEnv, webhookTargetFromEnv } from './notify-env.js';
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

  const smtpUrl = smtpUrlFromEnv(env);
  if (smtpUrl) {
    const mailer = new SmtpMailer(smtpUrl, { from: notify.emailFrom, timeoutMs: deadlineMs });
    channels.email = new SmtpPager(mailer, pack);
    if (config.notices.emails.length) notices.register(new EmailNoticeChannel(mailer, config.notices.emails));
  }

  const webhook = webhookTargetFromEnv(env, notify.webhook.format, notify.webhook.url);
  if (webhook) channels.webhook = new WebhookPager(webhook, pack);

  return {
    pager: new FallbackPager(channels, { deadlineMs }),
    notices,
    pageChannels: Object.keys(channels),
  };
}
