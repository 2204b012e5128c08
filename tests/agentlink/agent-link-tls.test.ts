import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { pino } from 'pino';
import { wsTransport } from '../../src/agent/agent-client.js';
import { startAgent, type RunningAgent } from '../../src/agent/start-agent.js';
import { AgentHub, sha256Hex } from '../../src/agentlink/agent-hub.js';
import { startDrbot } from '../../src/app/start-drbot.js';
import { packageRoot } from '../../src/config/package-root.js';
import { HttpServer } from '../../src/http/http-server.js';
import { SqliteStore } from '../../src/store/sqlite-store.js';
import type { Store } from '../../src/store/store.js';
import { aRequest } from '../agent/a-request.js';
import { anAgentConfig, type AgentConfigBuilder } from '../support/an-agent-config.js';

const TOKEN = 'tls-agent-token-0123456789abcdef0123';
// A self-signed certificate for localhost / 127.0.0.1, made for these tests only.
const TLS_DIR = join(packageRoot(), 'tests/fixtures/tls');
const cert = readFileSync(join(TLS_DIR, 'localhost.crt'));
const key = readFileSync(join(TLS_DIR, 'localhost.key'));
const silent = pino({ level: 'silent' });

let http: HttpServer;
let hub: AgentHub;
let store: Store;
let host: AgentConfigBuilder;
let agent: RunningAgent | undefined;
let port: number;

beforeEach(async () => {
  store = await SqliteStore.open(':memory:');
  hub = new AgentHub({ agents: [{ id: 'routing-ml', tokenSha256: sha256Hex(TOKEN) }], log: silent, repository: store.agents, heartbeatMs: 200 });
  http = new HttpServer(silent, { cert, key });
  http.onUpgrade('/agent', (req, socket, head) => hub.upgrade(req, socket, head));
  port = await http.listen(0, '127.0.0.1');
  host = anAgentConfig().file('logs/backend.log', 'started\n');
});

afterEach(async () => {
  await agent?.stop();
  agent = undefined;
  await hub.close();
  await http.close();
  await store.close();
  host.cleanup();
});

describe('the agent link over TLS', () => {
  it('connects an agent over wss:// when it trusts the certificate, and runs diagnostics through it', async () => {
    agent = startAgent(host.build(), wsTransport(`wss://127.0.0.1:${port}/agent`, 'routing-ml', TOKEN, { ca: cert }), { log: silent });
    await agent.client.ready;
    expect(hub.presence('routing-ml').online).toBe(true);
    const result = await hub.run(aRequest('log_tail', { log: 'backend', lines: 5 }));
    expect(result.status).toBe('ok');
    expect(result.output).toContain('started');
  });

  it('refuses a certificate the agent does not trust, and plain ws:// to a TLS server', async () => {
    await expect(wsTransport(`wss://127.0.0.1:${port}/agent`, 'routing-ml', TOKEN)()).rejects.toThrow(/self[- ]signed|certificate/i);
    await expect(wsTransport(`ws://127.0.0.1:${port}/agent`, 'routing-ml', TOKEN)()).rejects.toThrow();
    expect(hub.presence('routing-ml').online).toBe(false);
  });
});

describe('drbot serving HTTPS', () => {
  it('serves /healthz over TLS with DRBOT_TLS_CERT/KEY and still connects its embedded agent', async () => {
    const dataDir = (await import('node:fs')).mkdtempSync(join((await import('node:os')).tmpdir(), 'drbot-tls-'));
    const drbot = await startDrbot({
      env: { ...process.env, DATA_DIR: dataDir, PORT: '0', DRBOT_LANG: 'en', DRBOT_TLS_CERT: join(TLS_DIR, 'localhost.crt'), DRBOT_TLS_KEY: join(TLS_DIR, 'localhost.key') },
      console: true,
      output: new PassThrough(),
      log: silent,
    });
    try {
      const body = await new Promise<string>((resolve, reject) => {
        const req = request({ host: '127.0.0.1', port: drbot.port, path: '/healthz', ca: cert }, (res) => {
          let text = '';
          res.on('data', (c: Buffer) => (text += c.toString()));
          res.on('end', () => resolve(text));
        });
        req.on('error', reject);
        req.end();
      });
      expect(JSON.parse(body).checks.store.ok).toBe(true);
      expect(drbot.app.runtime.agents.presence('routing-ml').online).toBe(true);
    } finally {
      await drbot.stop(1000);
      (await import('node:fs')).rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('refuses to start with only one of DRBOT_TLS_CERT and DRBOT_TLS_KEY', async () => {
    await expect(startDrbot({ env: { ...process.env, DATA_DIR: '/tmp/drbot-tls-never', PORT: '0', DRBOT_TLS_CERT: join(TLS_DIR, 'localhost.crt') }, console: true, output: new PassThrough(), log: silent })).rejects.toThrow(
      /DRBOT_TLS_CERT and DRBOT_TLS_KEY go together/,
    );
  });
});
