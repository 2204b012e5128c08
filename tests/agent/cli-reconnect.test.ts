import { afterEach, describe, expect, it } from '@jest/globals';
import { createServer, type Socket } from 'node:net';
import { rmSync } from 'node:fs';
import { sha256Hex } from '../../src/agentlink/agent-hub.js';
import { aDrbotHome, DrbotProcess } from '../cli/drbot-process.js';
import { freePort } from '../e2e/support/free-port.js';
import { startAgentProcess, type Cleanups } from '../support/agent-hub-server.js';
import { AGENT_TEST_TOKEN } from './agent-process.js';

const cleanups: Cleanups = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A real agent process pointed at `url`, removed (and killed if still running) after the test. */
const startAgent = (url: string, reconnect: { minSeconds: number; maxSeconds: number }) => startAgentProcess({ drbot: { url, reconnect } }, { DRBOT_AGENT_TOKEN: AGENT_TEST_TOKEN, LOG_LEVEL: 'info' }, cleanups);

describe('drbot-agent outlives drbot (real processes)', () => {
  it('starts before drbot, stays up, and reconnects after each kill -9 of drbot; /incident agents shows it back', async () => {
    const port = await freePort();
    const { home, dataDir, configPath } = aDrbotHome(['agents:', `  - { id: routing-ml, tokenSha256: ${sha256Hex(AGENT_TEST_TOKEN)} }`]);
    cleanups.push(() => rmSync(home, { recursive: true, force: true }));
    const env = { DATA_DIR: dataDir, DRBOT_CONFIG: configPath, PORT: String(port), DRBOT_LANG: 'en', LOG_LEVEL: 'warn' };
    const agent = startAgent(`ws://127.0.0.1:${port}/agent`, { minSeconds: 0.05, maxSeconds: 0.5 });

    // drbot is not there yet: the agent keeps trying instead of exiting
    await agent.waitForLog('cannot reach drbot; retrying', 4);
    expect(agent.exit).toBeUndefined();

    for (let round = 1; round <= 3; round++) {
      const drbot = new DrbotProcess([], env);
      cleanups.push(() => void drbot.child.kill('SIGKILL'));
      await drbot.waitFor(/drbot ready/);
      await agent.waitForLog('connected to drbot', round);
      const mark = drbot.stdout.length;
      drbot.send('/incident agents');
      await drbot.waitFor(/Agents \(1\/1 online\)[\s\S]*routing-ml: online/, mark);
      if (round === 3) break;

      const failedBefore = agent.count('cannot reach drbot; retrying');
      drbot.child.kill('SIGKILL');
      await drbot.exited;
      await agent.waitForLog('link to drbot closed; reconnecting', round);
      // several failed attempts while drbot is gone, and the agent is still running
      await agent.waitForLog('cannot reach drbot; retrying', failedBefore + 3);
      expect(agent.exit).toBeUndefined();
    }
    expect(await agent.signal('SIGTERM')).toEqual({ code: 0, signal: null });
  }, 120_000);

  it('backs off with jitter up to the cap while drbot stays away', async () => {
    const agent = startAgent(`ws://127.0.0.1:${await freePort()}/agent`, { minSeconds: 0.01, maxSeconds: 0.08 });
    await agent.waitForLog('cannot reach drbot; retrying', 10);
    const delays = agent.logs().filter((l) => l.msg === 'cannot reach drbot; retrying').map((l) => l.retryInMs as number);
    expect(delays[0]).toBeGreaterThanOrEqual(5);
    expect(delays[0]).toBeLessThanOrEqual(15);
    expect(Math.max(...delays)).toBeLessThanOrEqual(80);
    expect(delays.slice(5).every((d) => d >= 40)).toBe(true);
    expect(await agent.signal('SIGINT')).toEqual({ code: 0, signal: null });
  }, 30_000);

  it('exits 0 on SIGTERM while it waits a long backoff to reconnect', async () => {
    const agent = startAgent(`ws://127.0.0.1:${await freePort()}/agent`, { minSeconds: 120, maxSeconds: 120 });
    const line = await agent.waitForLog('cannot reach drbot; retrying');
    expect(line.retryInMs).toBeGreaterThanOrEqual(60_000);
    expect(await agent.signal('SIGTERM', 5_000)).toEqual({ code: 0, signal: null });
  }, 30_000);

  it('exits 0 on SIGINT in the middle of a connect that drbot never answers', async () => {
    // a port that accepts TCP but never answers the WebSocket upgrade (the handshake would wait 10 s)
    const sockets: Socket[] = [];
    const silent = createServer((s) => sockets.push(s));
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    cleanups.push(() => {
      for (const s of sockets) s.destroy();
      return new Promise<void>((r) => silent.close(() => r()));
    });
    const agent = startAgent(`ws://127.0.0.1:${(silent.address() as { port: number }).port}/agent`, { minSeconds: 0.05, maxSeconds: 0.5 });
    await agent.waitForLog('drbot-agent started');
    for (let i = 0; i < 500 && sockets.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(sockets).toHaveLength(1);
    expect(await agent.signal('SIGINT', 5_000)).toEqual({ code: 0, signal: null });
    expect(agent.count('cannot reach drbot; retrying')).toBe(0);
  }, 30_000);
});
