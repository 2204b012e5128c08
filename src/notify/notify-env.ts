import { ConfigError } from '../errors/drbot-error.js';
import type { WebhookFormat, WebhookTarget } from './webhook-post.js';

/** The environment variables that set up email and the webhook, for drbot's pager and the agent's watchdog alike. */
export interface NotifyEnv {
  SMTP_URL?: string;
  DRBOT_WEBHOOK_URL?: string;
  DRBOT_WEBHOOK_SECRET?: string;
  DRBOT_PAGERDUTY_ROUTING_KEY?: string;
}

/** `SMTP_URL` when set, checked for shape; undefined when email is not set up. */
export function smtpUrlFromEnv(env: NotifyEnv, unsetHint = 'fix SMTP_URL or unset it to page without email'): string | undefined {
  const url = env.SMTP_URL?.trim();
  if (!url) return undefined;
  if (!/^smtps?:\/\/[^/]/i.test(url)) throw new ConfigError('SMTP_URL must look like smtp://user:pass@host:587 or smtps://host:465', unsetHint);
  return url;
}

/**
 * The webhook from `DRBOT_WEBHOOK_URL` (or `fallbackUrl` from a config file), its secret and
 * PagerDuty key; undefined when no URL is set. Misconfiguration throws a ConfigError that says
 * what to set.
 */
export function webhookTargetFromEnv(env: NotifyEnv, format: WebhookFormat, fallbackUrl?: string): WebhookTarget | undefined {
  const url = env.DRBOT_WEBHOOK_URL?.trim() || fallbackUrl;
  if (!url) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ConfigError('DRBOT_WEBHOOK_URL (or notify.webhook.url) is not a URL', 'give the full http(s) URL of the webhook receiver');
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw new ConfigError('the webhook URL must be http or https', 'fix DRBOT_WEBHOOK_URL');
  const secret = env.DRBOT_WEBHOOK_SECRET || undefined;
  const routingKey = env.DRBOT_PAGERDUTY_ROUTING_KEY || undefined;
  if (format === 'drbot' && !secret) {
    throw new ConfigError('a webhook URL is set but DRBOT_WEBHOOK_SECRET is not', 'set DRBOT_WEBHOOK_SECRET to the HMAC key the receiver checks');
  }
  if (format === 'pagerduty-v2' && !routingKey) {
    throw new ConfigError('the webhook format is pagerduty-v2 but DRBOT_PAGERDUTY_ROUTING_KEY is not set', 'set it to the integration key of the PagerDuty service');
  }
  return { url, secret, routingKey, format };
}
