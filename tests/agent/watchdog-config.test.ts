import { describe, expect, it } from '@jest/globals';
import { parseAgentConfig } from '../../src/agent/agent-config.js';
import { watchdogChannelsFromEnv } from '../../src/agent/watchdog-channels.js';
import { AGENT_TEST_TOKEN, AgentProcess, anAgentHome } from './agent-process.js';

const base = { id: 'routing-ml', stateDir: 'state' };
const parse = (watchdog: unknown) => parseAgentConfig({ ...base, watchdog }, '/etc/drbot/agent.yaml', '/srv');

describe('agent.yaml watchdog', () => {
  it('defaults to 5 and 60 minutes and accepts fractions', () => {
    expect(parse({ emails: ['a@example.com'] }).watchdog).toMatchObject({ afterMinutes: 5, repeatMinutes: 60, emails: ['a@example.com'], webhookFormat: 'drbot' });
    expect(parse({ afterMinutes: 0.05, repeatMinutes: 0.5 }).watchdog).toMatchObject({ afterMinutes: 0.05, repeatMinutes: 0.5 });
    expect(parseAgentConfig(base, 'agent.yaml', '/srv').watchdog).toBeUndefined();
  });

  it.each([
    [{ afterMinutes: 0 }, 'watchdog.afterMinutes'],
    [{ afterMinutes: -1 }, 'watchdog.afterMinutes'],
    [{ repeatMinutes: 'soon' }, 'watchdog.repeatMinutes'],
    [{ emails: ['not an address'] }, 'watchdog.emails.0: an email address'],
    [{ webhookFormat: 'slack' }, 'watchdog.webhookFormat'],
    [{ afterMinute: 5 }, 'watchdog: Unrecognized key'],
  ])('refuses %j, naming the field', (watchdog, message) => {
    expect(() => parse(watchdog)).toThrow(message);
  });

  it('needs somewhere to page, and a mail server for its addresses', () => {
    const w = parse({ emails: ['oncall@example.com'] }).watchdog!;
    expect(() => watchdogChannelsFromEnv(w, {})).toThrow('watchdog.emails lists addresses but SMTP_URL is not set');
    expect(() => watchdogChannelsFromEnv(parse({}).watchdog!, { SMTP_URL: 'smtp://mail:25' })).toThrow('has a watchdog but nowhere to page');
    expect(() => watchdogChannelsFromEnv(parse({}).watchdog!, { DRBOT_WEBHOOK_URL: 'https://hooks.example.com/x' })).toThrow('DRBOT_WEBHOOK_SECRET is not');
    expect(() => watchdogChannelsFromEnv(parse({ webhookFormat: 'pagerduty-v2' }).watchdog!, { DRBOT_WEBHOOK_URL: 'https://events.pagerduty.com/v2/enqueue' })).toThrow('DRBOT_PAGERDUTY_ROUTING_KEY is not set');
    const { channels, secrets } = watchdogChannelsFromEnv(w, { SMTP_URL: 'smtp://user:mail-password@mail:587', DRBOT_WEBHOOK_URL: 'https://hooks.example.com/x', DRBOT_WEBHOOK_SECRET: 'hook-secret' });
    expect(channels.email?.to).toEqual(['oncall@example.com']);
    expect(channels.webhook).toMatchObject({ url: 'https://hooks.example.com/x', format: 'drbot', secret: 'hook-secret' });
    expect(secrets).toEqual(expect.arrayContaining(['hook-secret', 'mail-password']));
  });

  it('stops the agent at start with what to set when the watchdog has nowhere to page (real process)', async () => {
    const home = anAgentHome({ drbot: { url: 'ws://127.0.0.1:9/agent' }, watchdog: { afterMinutes: 1 } });
    try {
      const agent = new AgentProcess(['--config', home.configPath], { DRBOT_AGENT_TOKEN: AGENT_TEST_TOKEN });
      expect(await agent.exited).toEqual({ code: 1, signal: null });
      expect(agent.stderr).toContain('agent.yaml has a watchdog but nowhere to page when drbot is unreachable');
      expect(agent.stderr).toContain('→ give the agent SMTP_URL');
    } finally {
      home.cleanup();
    }
  }, 30_000);
});
