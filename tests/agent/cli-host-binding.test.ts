import { afterEach, describe, expect, it } from '@jest/globals';
import { rmSync } from 'node:fs';
import { sha256Hex } from '../../src/agentlink/agent-hub.js';
import { aDrbotHome, DrbotProcess } from '../cli/drbot-process.js';
import { freePort } from '../e2e/support/free-port.js';
import { startAgentProcess, type Cleanups } from '../support/agent-hub-server.js';
import { AGENT_TEST_TOKEN } from './agent-process.js';

const WEB_TOKEN = 'web-1-agent-token-0123456789abcdef';

const cleanups: Cleanups = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const startAgent = (fields: Record<string, unknown>, token: string) => startAgentProcess(fields, { DRBOT_AGENT_TOKEN: token, LOG_LEVEL: 'info' }, cleanups);

describe('an agent cannot pose as another host (real processes, issue 12, finding 2)', () => {
  it('drbot refuses a drbot-agent whose hello claims another agent’s host, says why on both sides and in /incident agents, and the rightful agent keeps its link', async () => {
    const port = await freePort();
    const { home, dataDir, configPath } = aDrbotHome([
      'agents:',
      `  - { id: routing-ml, tokenSha256: ${sha256Hex(AGENT_TEST_TOKEN)} }`,
      `  - { id: web-1, tokenSha256: ${sha256Hex(WEB_TOKEN)} }`,
    ]);
    cleanups.push(() => rmSync(home, { recursive: true, force: true }));
    const drbot = new DrbotProcess([], { DATA_DIR: dataDir, DRBOT_CONFIG: configPath, PORT: String(port), DRBOT_LANG: 'en', LOG_LEVEL: 'warn' });
    cleanups.push(async () => {
      drbot.child.kill('SIGKILL');
      await drbot.exited;
    });
    await drbot.waitFor(/drbot ready/);
    const url = `ws://127.0.0.1:${port}/agent`;
    const reconnect = { minSeconds: 0.05, maxSeconds: 0.5 };

    const rightful = startAgent({ drbot: { url, reconnect } }, AGENT_TEST_TOKEN);
    await rightful.waitForLog('connected to drbot');

    // web-1 authenticates with its own valid token but says it serves routing-ml
    const impostor = startAgent({ id: 'web-1', host: 'routing-ml', drbot: { url, reconnect } }, WEB_TOKEN);
    const refused = await impostor.waitForLog('drbot refused this agent; check agents: in drbot.yaml and host: in agent.yaml', 2);
    expect(refused.reason).toBe('agent web-1 may not serve host routing-ml (drbot.yaml allows it web-1)');
    expect(impostor.count('connected to drbot')).toBe(0);
    expect(impostor.exit).toBeUndefined();

    expect(drbot.stderr).toContain('agent refused: agent web-1 may not serve host routing-ml');
    const mark = drbot.stdout.length;
    drbot.send('/incident agents');
    const shown = await drbot.waitFor(/Agents \(1\/2 online\)[\s\S]*Refused agent connections[\s\S]*web-1 claimed host routing-ml and was refused/, mark);
    expect(shown[0]).toContain('routing-ml: online');
    expect(shown[0]).toContain('web-1: offline');

    // the rightful agent was never displaced
    expect(rightful.count('link to drbot closed; reconnecting')).toBe(0);
    expect(rightful.count('connected to drbot')).toBe(1);
    expect(await impostor.signal('SIGTERM')).toEqual({ code: 0, signal: null });
    expect(await rightful.signal('SIGTERM')).toEqual({ code: 0, signal: null });
  }, 90_000);
});
