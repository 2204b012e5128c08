import { afterEach, describe, expect, it } from '@jest/globals';
import { rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sha256Hex } from '../../src/agentlink/agent-hub.js';
import { aDrbotHome, DrbotProcess } from '../cli/drbot-process.js';
import { freePort } from '../e2e/support/free-port.js';
import { startLocalSmtpServer, type ReceivedMail } from '../notify/support/local-smtp-server.js';
import { startLocalWebhookReceiver, type ReceivedHook } from '../notify/support/local-webhook-receiver.js';
import { AGENT_TEST_TOKEN, AgentProcess, anAgentHome } from './agent-process.js';

const cleanups: (() => void | Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const SECRET = 'watchdog-webhook-secret-0123456789';
const AFTER_MINUTES = 0.05; // 3 s
const REPEAT_MINUTES = 0.4; // 24 s

/** The host's own health targets: the backend answers 503, the frontend is fine. */
async function startHostTargets(): Promise<{ backend: string; frontend: string; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    if (req.url === '/api/health') return void res.writeHead(503, { 'content-type': 'application/json' }).end('{"status":"down"}');
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    backend: `${base}/api/health`,
    frontend: `${base}/health`,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/** Waits until `check` holds; rejects with `what` after `limitMs`. */
async function until(what: string, check: () => boolean, limitMs = 60_000): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** The text body of a received mail, quoted-printable soft breaks and escapes undone. */
function mailText(mail: ReceivedMail): string {
  const body = mail.raw.split(/\r?\n\r?\n/).slice(1).join('\n\n');
  return body.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16)));
}

describe('the agent watchdog pages when drbot is unreachable (real processes)', () => {
  it('pages once by webhook and email with the host health, says "reachable again", respects repeatMinutes across outages, and survives an agent kill -9', async () => {
    const [smtp, hook, targets, port] = await Promise.all([startLocalSmtpServer(), startLocalWebhookReceiver(SECRET), startHostTargets(), freePort()]);
    cleanups.push(() => smtp.close(), () => hook.close(), () => targets.close());

    const agentHome = anAgentHome({
      drbot: { url: `ws://127.0.0.1:${port}/agent`, reconnect: { minSeconds: 0.05, maxSeconds: 0.3 } },
      targets: { backend: { url: targets.backend }, frontend: { url: targets.frontend } },
      watchdog: { afterMinutes: AFTER_MINUTES, repeatMinutes: REPEAT_MINUTES, emails: ['oncall@example.com'] },
    });
    cleanups.push(() => agentHome.cleanup());
    const agentEnv = { DRBOT_AGENT_TOKEN: AGENT_TEST_TOKEN, LOG_LEVEL: 'info', SMTP_URL: smtp.url, DRBOT_WEBHOOK_URL: hook.url, DRBOT_WEBHOOK_SECRET: SECRET };
    const startAgentProcess = () => {
      const agent = new AgentProcess(['--config', agentHome.configPath], agentEnv);
      cleanups.push(async () => {
        agent.kill();
        await agent.exited;
      });
      return agent;
    };
    const drbotHome = aDrbotHome(['agents:', `  - { id: routing-ml, tokenSha256: ${sha256Hex(AGENT_TEST_TOKEN)} }`]);
    cleanups.push(() => rmSync(drbotHome.home, { recursive: true, force: true }));
    const drbotEnv = { DATA_DIR: drbotHome.dataDir, DRBOT_CONFIG: drbotHome.configPath, PORT: String(port), DRBOT_LANG: 'en', LOG_LEVEL: 'warn' };
    const startDrbot = async () => {
      const drbot = new DrbotProcess([], drbotEnv);
      cleanups.push(() => void drbot.child.kill('SIGKILL'));
      await drbot.waitFor(/drbot ready/);
      return drbot;
    };
    const hooks = (state: string): ReceivedHook[] => hook.received.filter((h) => h.json.state === state);

    // 1. No drbot at all: after 3 s, one page by webhook and one by email, with the host's health.
    let agent = startAgentProcess();
    await until('the first page', () => hook.received.length >= 1 && smtp.received.length >= 1);
    const first = hook.received[0]!;
    expect(first.signatureValid).toBe(true);
    expect(first.json).toMatchObject({ event: 'watchdog', state: 'unreachable', agent: 'routing-ml', host: 'routing-ml', page: 1 });
    expect(first.json.targets).toEqual([
      { name: 'backend', ok: false, detail: expect.stringContaining('HTTP 503') },
      { name: 'frontend', ok: true, detail: expect.stringContaining('HTTP 200 status ok') },
    ]);
    expect(first.json.subject).toMatch(/^drbot unreachable from routing-ml since \d{4}-\d{2}-\d{2} \d{2}:\d{2}; backend \/api\/health failing$/);
    expect(Date.parse(first.json.at as string) - Date.parse(first.json.since as string)).toBeGreaterThanOrEqual(AFTER_MINUTES * 60_000);
    const mail = smtp.received[0]!;
    expect(mail.to).toEqual(['oncall@example.com']);
    expect(mail.subject).toBe(first.json.subject);
    expect(mailText(mail)).toContain(`- backend ${targets.backend}: FAILING (HTTP 503`);
    expect(mailText(mail)).toContain(`- frontend ${targets.frontend}: ok (HTTP 200 status ok`);
    expect(mailText(mail)).toMatch(/Last error: .*ECONNREFUSED/);

    // 2. drbot starts: the agent reconnects and says so, once per channel; nobody was paged twice meanwhile.
    let drbot = await startDrbot();
    await agent.waitForLog('connected to drbot');
    await until('"reachable again"', () => hooks('reachable').length >= 1 && smtp.received.length >= 2);
    expect(hooks('unreachable')).toHaveLength(1);
    expect(hooks('reachable')[0]!.json).toMatchObject({ event: 'watchdog', host: 'routing-ml', since: first.json.since, pages: 1 });
    expect(smtp.received.map((m) => m.subject)).toEqual([first.json.subject, expect.stringMatching(/^drbot reachable again from routing-ml \(unreachable since /)]);

    // /incident agents shows the watchdog armed, with the outage it paged about
    await until('the watchdog state on drbot', () => {
      if (!drbot.stdout.includes('watchdog armed')) drbot.send('/incident agents');
      return /routing-ml: online[\s\S]*watchdog armed: pages via email, webhook after 3 s without drbot, again every 24 s · last outage .*paged 1×/.test(drbot.stdout);
    });

    // 3. drbot is killed again: a new outage, but the next page waits for repeatMinutes after the last one.
    drbot.child.kill('SIGKILL');
    await drbot.exited;
    await until('the page of the second outage', () => hooks('unreachable').length >= 2, 90_000);
    const second = hooks('unreachable')[1]!;
    expect(second.json.since).not.toBe(first.json.since);
    expect(second.json.page).toBe(1);
    expect(Date.parse(second.json.at as string) - Date.parse(first.json.at as string)).toBeGreaterThanOrEqual(REPEAT_MINUTES * 60_000);
    await until('its email', () => smtp.received.length >= 3);
    expect(smtp.received).toHaveLength(3);

    // 4. kill -9 of the agent mid-outage: the restarted agent continues the same outage and pages nobody again early…
    agent.child.kill('SIGKILL');
    await agent.exited;
    agent = startAgentProcess();
    await agent.waitForLog('watchdog: continuing the drbot outage recorded before this agent started');
    await agent.waitForLog('cannot reach drbot; retrying', 3);
    await new Promise((r) => setTimeout(r, 3 * AFTER_MINUTES * 60_000));
    expect(hooks('unreachable')).toHaveLength(2);
    // …and says "reachable again" for it when drbot is back
    drbot = await startDrbot();
    await until('"reachable again" after the agent restart', () => hooks('reachable').length >= 2);
    expect(hooks('reachable')[1]!.json).toMatchObject({ since: second.json.since, pages: 1 });
    expect(hook.received.every((h) => h.signatureValid)).toBe(true);
    expect(hooks('unreachable')).toHaveLength(2);
    expect(await agent.signal('SIGTERM')).toEqual({ code: 0, signal: null });
    // nothing the watchdog was given shows in the agent's logs
    expect(agent.stderr).not.toContain(SECRET);
  }, 180_000);
});
