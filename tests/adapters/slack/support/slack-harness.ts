import { createHmac, randomUUID } from 'node:crypto';
import { pino } from 'pino';
import { SlackModule, type SlackModuleOptions } from '../../../../adapters/slack/slack-module.js';
import type { AgentPort } from '../../../../src/agentlink/agent-port.js';
import type { AppContext } from '../../../../src/app/drbot-module.js';
import { loadConfig } from '../../../../src/config/load-config.js';
import { HttpServer } from '../../../../src/http/http-server.js';
import type { Store } from '../../../../src/store/store.js';
import { buildTestRuntime, type TestRuntime } from '../../../support/test-runtime.js';
import { FakeSlackApi } from './fake-slack-api.js';

/** The signing secret the harness's Slack app is configured with. */
export const SIGNING_SECRET = 'test-signing-secret-8f3a';

/** Slack user ids from config/contacts.yaml, plus someone not on the list. */
export const SLACK_USERS = { kim: 'U0DEVOPS01', park: 'U0DEVOPS02', lee: 'U0BACKEND1', choi: 'U0ITSUPP01', stranger: 'UNOBODY99' } as const;

/** drbot with the Slack module, composed like startDrbot (test core, shared HTTP server), against a fake Slack. */
export interface SlackHarness {
  core: TestRuntime;
  slack: SlackModule;
  fake: FakeSlackApi;
  /** drbot's base URL. */
  url: string;
  /** Posts a body signed as Slack would (form-encoded unless it starts with `{`); resolves with the HTTP status. */
  post(body: string, sign?: SignOptions): Promise<number>;
  /** Posts a signed `/incident` slash command; resolves with the HTTP status once acknowledged. */
  slash(text: string, user: string, options?: SignOptions & { triggerId?: string; channel?: string }): Promise<number>;
  /** Posts a signed block_actions payload for a click on a button with this value. */
  click(value: string, user: string, options?: SignOptions & { actionTs?: string; menu?: boolean }): Promise<number>;
  /** Stops the Slack module as a shutdown would and starts a new one over the same store (a restart). */
  restart(): Promise<void>;
  /** Waits until every command and delivery in flight is done. */
  settle(): Promise<void>;
  stop(): Promise<void>;
}

/** How to sign a request: a different secret (forged), an older timestamp, a retry number. */
export interface SignOptions {
  secret?: string;
  timestamp?: number;
  retryNum?: number;
}

/** Reads drbot's ack as Slack would: a JSON body (a command's answer, or a refusal) is shown to the typer, so the fake notes it. Resolves with the HTTP status. */
export async function readAck(fake: FakeSlackApi, res: Response): Promise<number> {
  const text = await res.text();
  if (res.status === 200 && res.headers.get('content-type')?.startsWith('application/json')) fake.recordAck(JSON.parse(text));
  return res.status;
}

/** Signs a body the way Slack does: `v0=` + HMAC-SHA256(secret, `v0:${ts}:${body}`). */
export function slackSignature(secret: string, timestamp: number, body: string): string {
  return 'v0=' + createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex');
}

/** Starts the harness; `env` adds or overrides Slack variables (e.g. SLACK_APP_TOKEN for Socket Mode). */
export async function startSlackHarness(
  options: { agents?: AgentPort; store?: Store; env?: Record<string, string>; slack?: Partial<SlackModuleOptions>; createChannels?: boolean; opsChannel?: string; noticeChannels?: string[]; fake?: FakeSlackApi } = {},
): Promise<SlackHarness> {
  const fake = options.fake ?? (await new FakeSlackApi().start());
  // With a store of the test's own (a replica of another harness), the test closes it.
  const core = await buildTestRuntime({ agents: options.agents, store: options.store });
  const closeCore = () => (options.store ? Promise.resolve() : core.close());
  const env = {
    SLACK_BOT_TOKEN: 'xoxb-test-token',
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: fake.apiUrl,
    DRBOT_LANG: 'en',
    ...options.env,
  };
  const base = loadConfig(env);
  const config = {
    ...base,
    lang: 'en' as const,
    slack: { createChannels: options.createChannels ?? true, opsChannel: options.opsChannel },
    notices: { ...base.notices, slackChannels: options.noticeChannels ?? [] },
  };
  const http = new HttpServer(pino({ level: 'silent' }));
  const app: AppContext = { runtime: core, router: core.router, http, config };
  const newModule = () =>
    new SlackModule({
      env,
      retryConfig: { retries: 2, minTimeout: 5, maxTimeout: 20, factor: 2 },
      outboxPolicy: { firstRetryMs: 5_000, maxRetryMs: 60_000, maxAttempts: 100, idlePollMs: 30_000 },
      ...options.slack,
    });
  let slack = newModule();
  try {
    await slack.start(app);
  } catch (err) {
    await closeCore();
    await fake.stop();
    throw err;
  }
  http.seal();
  const port = await http.listen(0, '127.0.0.1');
  const url = `http://127.0.0.1:${port}`;

  const post = async (body: string, sign: SignOptions): Promise<number> => {
    const ts = sign.timestamp ?? Math.floor(Date.now() / 1000);
    const headers: Record<string, string> = {
      'content-type': body.startsWith('{') ? 'application/json' : 'application/x-www-form-urlencoded',
      'x-slack-request-timestamp': String(ts),
      'x-slack-signature': slackSignature(sign.secret ?? SIGNING_SECRET, ts, body),
    };
    if (sign.retryNum !== undefined) {
      headers['x-slack-retry-num'] = String(sign.retryNum);
      headers['x-slack-retry-reason'] = 'http_timeout';
    }
    return readAck(fake, await fetch(`${url}/slack/events`, { method: 'POST', headers, body }));
  };

  const harness: SlackHarness = {
    core,
    slack,
    fake,
    url,
    restart: async () => {
      await slack.stop(Date.now() + 2_000);
      slack = newModule();
      await slack.start({ runtime: core, router: core.router, http: new HttpServer(pino({ level: 'silent' })), config });
      harness.slack = slack;
    },
    post: (body, sign = {}) => post(body, sign),
    slash: (text, user, o = {}) => post(new URLSearchParams(slashCommandPayload(fake, text, user, o)).toString(), o),
    click: (value, user, o = {}) => post(new URLSearchParams({ payload: JSON.stringify(blockActionsPayload(fake, value, user, o.actionTs, o.menu)) }).toString(), o),
    settle: async () => {
      await slack.idle();
      await core.events.settled();
      await slack.idle();
    },
    stop: async () => {
      await slack.stop(Date.now() + 2_000);
      await http.close();
      await closeCore();
      await fake.stop();
    },
  };
  return harness;
}

/** The fields Slack posts for a slash command. */
export function slashCommandPayload(fake: FakeSlackApi, text: string, user: string, o: { triggerId?: string; channel?: string } = {}): Record<string, string> {
  return {
    token: 'legacy-verification-token',
    team_id: 'TFAKE',
    team_domain: 'fake',
    channel_id: o.channel ?? 'COPS00001',
    channel_name: 'ops',
    user_id: user,
    user_name: user.toLowerCase(),
    command: '/incident',
    text,
    api_app_id: 'AFAKE',
    response_url: fake.responseUrl(randomUUID()),
    trigger_id: o.triggerId ?? `trig-${randomUUID()}`,
  };
}

/** A block_actions payload for a click on one of drbot's buttons. */
export function blockActionsPayload(fake: FakeSlackApi, value: string, user: string, actionTs = `${Date.now() / 1000}`, menu = false): Record<string, unknown> {
  const action = menu
    ? { type: 'static_select', action_id: 'drbot:menu', block_id: 'b2', selected_option: { text: { type: 'plain_text', text: 'item' }, value }, action_ts: actionTs }
    : { type: 'button', action_id: 'drbot:3', block_id: 'b1', text: { type: 'plain_text', text: 'Approve' }, value, action_ts: actionTs };
  return {
    type: 'block_actions',
    team: { id: 'TFAKE', domain: 'fake' },
    user: { id: user, username: user.toLowerCase(), name: user.toLowerCase(), team_id: 'TFAKE' },
    api_app_id: 'AFAKE',
    token: 'legacy-verification-token',
    container: { type: 'message', message_ts: '1790000000.000001', channel_id: 'CINC1', is_ephemeral: false },
    trigger_id: `trig-${randomUUID()}`,
    channel: { id: 'CINC1', name: 'inc' },
    message: { type: 'message', ts: '1790000000.000001', text: 'card' },
    response_url: fake.responseUrl(randomUUID()),
    actions: [action],
  };
}
