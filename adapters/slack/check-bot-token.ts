import { WebClient, type WebClientOptions } from '@slack/web-api';
import { ConfigError } from '../../src/errors/drbot-error.js';
import type { Logger } from '../../src/logging/create-logger.js';
import { slackErrorCode } from './slack-error.js';

/** The bot's own ids, so Bolt can ignore drbot's own messages. */
export interface BotIdentity {
  botId?: string;
  botUserId?: string;
}

/**
 * Asks Slack who the bot token belongs to. A token Slack refuses stops the start with a message
 * naming the variable; Slack being unreachable does not (drbot starts, deliveries wait in the outbox).
 */
export async function checkBotToken(token: string, options: WebClientOptions, log: Logger): Promise<BotIdentity> {
  const client = new WebClient(token, { ...options, retryConfig: { retries: 1, minTimeout: 200, maxTimeout: 1_000 } });
  try {
    const res = await client.auth.test();
    return { botId: res.bot_id, botUserId: res.user_id };
  } catch (err) {
    const code = slackErrorCode(err);
    if (code) throw new ConfigError(`Slack refused SLACK_BOT_TOKEN (${code})`, 'check SLACK_BOT_TOKEN: OAuth & Permissions → Bot User OAuth Token (xoxb-…) of an installed app');
    log.warn({ err: (err as Error).message }, 'Slack is not reachable at start; continuing (replies fail until it is, deliveries wait in the outbox)');
    return {};
  }
}
