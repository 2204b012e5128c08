import { z } from 'zod';
import { ConfigError } from '../../src/errors/drbot-error.js';

/** Slack settings from the environment (secrets never come from the config file). */
export interface SlackSettings {
  botToken: string;
  /** Required for the HTTP receiver; Socket Mode does not sign requests. */
  signingSecret?: string;
  /** When set, drbot connects out over Socket Mode instead of serving `/slack/events`. */
  appToken?: string;
  /** Web API base URL (proxies, tests), ending in `/`. */
  apiUrl?: string;
}

const SlackEnv = z.object({
  SLACK_BOT_TOKEN: z.string().regex(/^xoxb-\S+$/, 'a bot token starting with xoxb-'),
  SLACK_SIGNING_SECRET: z.string().regex(/^\S{8,}$/, 'the app\'s signing secret (Basic Information → App Credentials)').optional(),
  SLACK_APP_TOKEN: z.string().regex(/^xapp-\S+$/, 'an app-level token starting with xapp- (scope connections:write)').optional(),
  SLACK_API_URL: z.url({ protocol: /^https?$/ }).optional(),
});

/** Reads and checks the Slack environment variables; the error names the variable to fix. */
export function slackSettings(env: NodeJS.ProcessEnv): SlackSettings {
  const pick = (k: string) => (env[k] ? env[k] : undefined);
  const parsed = SlackEnv.safeParse({
    SLACK_BOT_TOKEN: pick('SLACK_BOT_TOKEN'),
    SLACK_SIGNING_SECRET: pick('SLACK_SIGNING_SECRET'),
    SLACK_APP_TOKEN: pick('SLACK_APP_TOKEN'),
    SLACK_API_URL: pick('SLACK_API_URL'),
  });
  if (!parsed.success) {
    // Only the variable names and rules are reported, never the values.
    const issues = parsed.error.issues.map((i) => `${String(i.path[0])}: ${i.message}`).join('; ');
    throw new ConfigError(`Slack settings are invalid: ${issues}`, 'fix the named environment variable');
  }
  const e = parsed.data;
  if (!e.SLACK_APP_TOKEN && !e.SLACK_SIGNING_SECRET) {
    throw new ConfigError('SLACK_SIGNING_SECRET is not set', 'set SLACK_SIGNING_SECRET for the HTTP endpoint, or SLACK_APP_TOKEN for Socket Mode');
  }
  const apiUrl = e.SLACK_API_URL ? (e.SLACK_API_URL.endsWith('/') ? e.SLACK_API_URL : e.SLACK_API_URL + '/') : undefined;
  return { botToken: e.SLACK_BOT_TOKEN, signingSecret: e.SLACK_SIGNING_SECRET, appToken: e.SLACK_APP_TOKEN, apiUrl };
}
