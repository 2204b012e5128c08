import { afterEach, describe, expect, it } from '@jest/globals';
import { networkInterfaces } from 'node:os';
import { isLoopbackUrl } from '../../src/agent/check-agent-transport.js';
import { aTestAgentHub, serveAgentHub, startAgentProcess, type Cleanups } from '../support/agent-hub-server.js';
import { AGENT_TEST_TOKEN, AgentProcess } from './agent-process.js';

const cleanups: Cleanups = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const runAgent = (url: string, args: string[] = []) => startAgentProcess({ drbot: { url, reconnect: { minSeconds: 0.05, maxSeconds: 0.2 } } }, { DRBOT_AGENT_TOKEN: AGENT_TEST_TOKEN }, cleanups, args);

/** This machine's first address that is not loopback (a real "other machine" URL still reaching a local drbot). */
function outsideAddress(): string | undefined {
  return Object.values(networkInterfaces())
    .flat()
    .find((a) => a && a.family === 'IPv4' && !a.internal)?.address;
}

describe('isLoopbackUrl', () => {
  it('knows this machine by name and address, and nothing else', () => {
    for (const u of ['ws://localhost:3000/agent', 'ws://127.0.0.1/agent', 'ws://127.9.9.9/agent', 'ws://[::1]:3000/agent', 'ws://[::ffff:127.0.0.1]/agent']) expect(isLoopbackUrl(u)).toBe(true);
    for (const u of ['ws://10.0.0.5/agent', 'ws://drbot.example.com/agent', 'ws://localhost.example.com/agent', 'ws://[fd00::2]/agent', 'ws://128.0.0.1/agent']) expect(isLoopbackUrl(u)).toBe(false);
  });
});

describe('drbot-agent refuses plain ws:// to another machine (real CLI)', () => {
  it('exits without connecting and says why and what to use instead', async () => {
    const agent = runAgent('ws://drbot.example.com:3000/agent');
    expect(await agent.exited).toEqual({ code: 1, signal: null });
    expect(agent.stderr).toContain('refusing ws://drbot.example.com:3000/agent');
    expect(agent.stderr).toContain('agent token');
    expect(agent.stderr).toContain('in clear');
    expect(agent.stderr).toMatch(/use a wss:\/\/ URL.*drbot\.ca.*--insecure-transport/);
    expect(agent.count('cannot reach drbot; retrying')).toBe(0);
    expect(agent.stderr).not.toContain(AGENT_TEST_TOKEN);
  }, 30_000);

  it('connects over ws:// to another address with --insecure-transport, warning about it', async () => {
    const address = outsideAddress();
    if (!address) throw new Error('this test needs a non-loopback IPv4 interface (a local drbot is reached through it)');
    const hub = aTestAgentHub();
    const { url, close } = await serveAgentHub(hub, address);
    cleanups.push(close);

    const refused = runAgent(url);
    expect(await refused.exited).toEqual({ code: 1, signal: null });
    expect(refused.stderr).toContain(`refusing ${url}`);
    expect(hub.presence('routing-ml').online).toBe(false);

    const agent = runAgent(url, ['--insecure-transport']);
    await agent.waitForLog('connected to drbot');
    expect(agent.logs().find((l) => l.level === 40 && String(l.msg).includes('--insecure-transport'))).toBeDefined();
    expect(hub.presence('routing-ml').online).toBe(true);
    expect(await agent.signal('SIGTERM')).toEqual({ code: 0, signal: null });
  }, 30_000);

  it('rejects an unknown option with the usage', async () => {
    const agent = new AgentProcess(['--config', 'x.yaml', '--insecure'], {});
    expect(await agent.exited).toEqual({ code: 2, signal: null });
    expect(agent.stderr).toContain("Unknown option '--insecure'");
    expect(agent.stderr).toContain('usage: drbot-agent');
  });
});
