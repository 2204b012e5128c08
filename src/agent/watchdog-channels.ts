import { ConfigError } from '../errors/drbot-error.js';
import { smtpUrlFromEnv, webhookTargetFromEnv, type NotifyEnv } from '../notify/notify-env.js';
import { SmtpMailer } from '../notify/smtp-mailer.js';
import type { AgentConfig } from './agent-config.js';
import type { WatchdogChannels } from './watchdog.js';

/** The environment variables the watchdog's channels read: the same ones drbot's pager uses. */
export const WATCHDOG_ENV = ['SMTP_URL', 'DRBOT_WEBHOOK_URL', 'DRBOT_WEBHOOK_SECRET', 'DRBOT_PAGERDUTY_ROUTING_KEY'] as const;

/**
 * Sets up the watchdog's channels from the agent's own environment: email to `watchdog.emails`
 * through `SMTP_URL`, and the webhook of `DRBOT_WEBHOOK_URL` (signed with `DRBOT_WEBHOOK_SECRET`, or
 * a PagerDuty event with `DRBOT_PAGERDUTY_ROUTING_KEY`). A watchdog with nowhere to page, or with
 * addresses and no mail server, stops the start with what to set. `secrets` are the values logs must never show.
 */
export function watchdogChannelsFromEnv(watchdog: NonNullable<AgentConfig['watchdog']>, env: NotifyEnv): { channels: WatchdogChannels; secrets: string[] } {
  const smtpUrl = smtpUrlFromEnv(env, 'fix SMTP_URL in the agent environment, or unset it and page through the webhook');
  if (watchdog.emails.length && !smtpUrl) {
    throw new ConfigError('agent.yaml watchdog.emails lists addresses but SMTP_URL is not set in the agent environment', 'set SMTP_URL=smtp://user:pass@mail-host:587 for the agent, or remove watchdog.emails');
  }
  const channels: WatchdogChannels = {};
  if (smtpUrl && watchdog.emails.length) channels.email = { mailer: new SmtpMailer(smtpUrl, { from: watchdog.emailFrom, timeoutMs: 20_000 }), to: watchdog.emails };
  channels.webhook = webhookTargetFromEnv(env, watchdog.webhookFormat);
  if (!channels.email && !channels.webhook) {
    throw new ConfigError(
      'agent.yaml has a watchdog but nowhere to page when drbot is unreachable',
      "give the agent SMTP_URL and list watchdog.emails, and/or DRBOT_WEBHOOK_URL with DRBOT_WEBHOOK_SECRET (or DRBOT_PAGERDUTY_ROUTING_KEY with watchdog.webhookFormat: pagerduty-v2) in its environment",
    );
  }
  const secrets = [env.DRBOT_WEBHOOK_SECRET, env.DRBOT_PAGERDUTY_ROUTING_KEY, env.DRBOT_WEBHOOK_URL, smtpPassword(smtpUrl)].filter((s): s is string => Boolean(s && s.length >= 4));
  return { channels, secrets };
}

function smtpPassword(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    return decodeURIComponent(new URL(url).password) || undefined;
  } catch {
    return undefined;
  }
}
