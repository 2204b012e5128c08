import { ErrorCode as SlackErrorCode } from '@slack/web-api';

/** Slack platform error codes that will not change on retry: the delivery is dropped, not retried. */
const PERMANENT = new Set([
  'channel_not_found',
  'is_archived',
  'not_in_channel',
  'user_not_found',
  'cannot_dm_bot',
  'msg_too_long',
  'no_text',
  'invalid_blocks',
  'invalid_blocks_format',
  'cant_update_message',
  'message_not_found',
  'edit_window_closed',
  'restricted_action',
  'missing_scope',
  'not_allowed_token_type',
]);

/** The Slack platform error code (`channel_not_found`, …) of a Web API error; undefined for transport errors (network, 5xx, rate limits). */
export function slackErrorCode(err: unknown): string | undefined {
  const e = err as { code?: string; data?: { error?: string } };
  if (e?.code === SlackErrorCode.PlatformError) return e.data?.error ?? 'unknown_error';
  return undefined;
}

/** True when retrying the same call cannot succeed. */
export function isPermanentSlackError(err: unknown): boolean {
  const code = slackErrorCode(err);
  return code !== undefined && PERMANENT.has(code);
}
