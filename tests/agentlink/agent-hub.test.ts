import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { WebSocket } from 'ws';
import { AgentAuthRejected, wsTransport, type AgentTransport } from '../../src/agent/agent-client.js';
import { startAgent, type RunningAgent } from '../../src/agent/start-agent.js';
import { AgentHub, sha256Hex } from '../../src/agentlink/agent-hub.js';
import { AgentOfflineError } from '../../src/agentlink/agent-port.js';
import type { LinkSocket } from '../../src/agentlink/agent-protocol.js';
import { memoryLinkPair } from '../../src/agentlink/memory-link.js';
import { SqliteStore } from '../../src/store/sqlite-store.js';
import type { Store } from '../../src/store/store.js';
import { aRequest } from '../agent/a-request.js';
import { anAgentConfig, type AgentConfigBuilder } from '../support/an-agent-config.js';
import { serveAgentHub, type AgentHubServer } from '../support/agent-hub-server.js';

const TOKEN = 'agent-token-for-tests-0123456789abcdef';

let served: AgentHubServer;
let url: string;
let hub: AgentHub;
let store: Store;
let logLines: string[];
let host: AgentConfigBuilder;
let agent: RunningAgent | undefined;

beforeEach(async () => {
  logLines = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      logLines.push(chunk.toString());
      done();
    },
  });
  store = await SqliteStore.open(':memory:');
  hub = new AgentHub({ agents: [{ id: 'routing-ml', tokenSha256: sha256Hex(TOKEN) }], log: pino({ level: 'info' }, sink), repository: store.agents, heartbeatMs: 200 });
  served = await serveAgentHub(hub);
  url = served.url;
  host = anAgentConfig().file('logs/backend.log', 'started\nERROR model load failed\n');
});

afterEach(async () => {
  await agent?.stop();
  agent = undefined;
  await served.close();
  await store.close();
  host.cleanup();
});

async function connectAgent(transport: AgentTransport = wsTransport(url, 'routing-ml', TOKEN)): Promise<RunningAgent> {
  agent = startAgent(host.build(), transport);
  await agent.client.ready;
  return agent;
}

describe('AgentHub over a real WebSocket', () => {
  it('closes a connection with a wrong token before upgrading, and logs it without the token', async () => {
    await expect(wsTransport(url, 'routing-ml', 'wrong-token')()).rejects.toBeInstanceOf(AgentAuthRejected);
    await expect(wsTransport(url, 'someone-else', TOKEN)()).rejects.toBeInstanceOf(AgentAuthRejected);
    const failures = logLines.filter((l) => l.includes('agent authentication failed'));
    expect(failures).toHaveLength(2);
    expect(failures.join('')).not.toContain('wrong-token');
    expect(failures.join('')).not.toContain(TOKEN);
    expect(hub.presence('routing-ml').online).toBe(false);
  });

  it('runs a diagnostic round trip and records presence with last-seen in the agents table', async () => {
    expect(hub.presence('routing-ml')).toEqual({ host: 'routing-ml', online: false, lastSeenAt: undefined });
    await connectAgent();
    expect(hub.presence('routing-ml').online).toBe(true);

    const r = await hub.run(aRequest('log_tail', { log: 'backend', lines: 10 }));
    expect(r.status).toBe('warn');
    expect(r.output).toContain('ERROR model load failed');

    const rows = await store.agents.all();
    expect(rows).toEqual([expect.objectContaining({ id: 'routing-ml', host: 'routing-ml', connected: true })]);

    await agent!.stop();
    agent = undefined;
    for (let i = 0; i < 50 && hub.presence('routing-ml').online; i++) await new Promise((res) => setTimeout(res, 20));
    const offline = hub.presence('routing-ml');
    expect(offline.online).toBe(false);
    expect(offline.lastSeenAt).toEqual(expect.any(Number));
    expect(hub.list()).toEqual([offline]);
  });

  it('carries agent.yaml deployment from the real agent\'s hello into presence, online and after it goes away', async () => {
    host.with({ deployment: 'local' });
    await connectAgent();
    expect(hub.presence('routing-ml')).toMatchObject({ online: true, deployment: 'local' });
    await agent!.stop();
    agent = undefined;
    for (let i = 0; i < 50 && hub.presence('routing-ml').online; i++) await new Promise((res) => setTimeout(res, 20));
    expect(hub.presence('routing-ml')).toMatchObject({ online: false, deployment: 'local' });
  });

  it('refuses an agent.yaml deployment that is not docker, local or both', () => {
    host.with({ deployment: 'kubernetes' });
    expect(() => host.build()).toThrow(/deployment/);
  });

  it('refuses to send anything when no agent serves the host', async () => {
    await expect(hub.run(aRequest('log_tail', { log: 'backend' }))).rejects.toBeInstanceOf(AgentOfflineError);
  });

  it('re-queries a request in flight when the link drops instead of re-running it', async () => {
    const runs = host.path('runs.txt');
    host.file('data/train.csv', 'a\n').with({
      retrain: {
        recipe: { command: process.execPath, args: ['-e', `require('fs').appendFileSync(${JSON.stringify(runs)}, 'run\\n'); console.log('training'); setTimeout(() => console.log('done'), 600)`] },
        datasets: { training: 'data/train.csv' },
      },
    });
    const sockets: LinkSocket[] = [];
    const ws = wsTransport(url, 'routing-ml', TOKEN);
    await connectAgent(async () => {
      const s = await ws();
      sockets.push(s);
      return s;
    });
    const progress: string[] = [];
    const request = aRequest('retrain_model', { dataset: 'training', name: 'emergency-retrain' }, { approvalId: 'apr-1', timeoutMs: 30_000 });
    const pending = hub.run(request, (line) => {
      progress.push(line);
      if (line === 'training') sockets[0]!.close(); // the link drops mid-run
    });
    const result = await pending;
    expect(result.status).toBe('ok');
    expect(result.summary).toContain('retrain emergency-retrain finished');
    expect(sockets.length).toBeGreaterThanOrEqual(2); // the agent reconnected
    expect(readFileSync(runs, 'utf8')).toBe('run\n'); // ran once
    expect(agent!.executor.status(request.requestId)).toMatchObject({ state: 'done' });
  });
});

describe('AgentHub over the in-memory link', () => {
  it('serves the embedded agent the same way when no port could be bound', async () => {
    await connectAgent(async () => {
      const [hubEnd, agentEnd] = memoryLinkPair();
      hub.accept('routing-ml', hubEnd);
      return agentEnd;
    });
    expect(hub.presence('routing-ml').online).toBe(true);
    const r = await hub.run(aRequest('log_tail', { log: 'backend', lines: 1 }));
    expect(r.output).toBe('ERROR model load failed');
    const dup = await hub.run({ ...aRequest('log_tail', { log: 'backend' }), requestId: 'req-same' });
    const again = await hub.run({ ...aRequest('log_tail', { log: 'backend' }), requestId: 'req-same' });
    expect(dup.status).toBe('warn');
    expect(again.summary).toContain('never run twice');
  });
});

describe('AgentHub.requery (runs an earlier drbot process left running)', () => {
  it('returns what the agent recorded for a request it already ran, without running it again, and unknown for one it never got', async () => {
    await connectAgent();
    const first = await hub.run({ ...aRequest('log_tail', { log: 'backend', lines: 1 }), requestId: 'req-before-crash' });
    const settled: string[] = [];
    hub.onConnected((h) => settled.push(h));
    const again = await hub.requery({ ...aRequest('log_tail', { log: 'backend', lines: 1 }), requestId: 'req-before-crash' });
    expect(again).toMatchObject({ status: first.status, summary: first.summary, output: first.output });
    const never = await hub.requery({ ...aRequest('log_tail', { log: 'backend' }), requestId: 'req-never-sent' });
    expect(never.status).toBe('unknown');
    expect(never.summary).toContain('not re-run');
    // a fresh connection is announced to onConnected listeners
    await agent!.stop();
    agent = undefined;
    await connectAgent();
    expect(settled).toEqual(['routing-ml']);
  });

  it('refuses to requery when no agent serves the host', async () => {
    await expect(hub.requery(aRequest('log_tail', { log: 'backend' }))).rejects.toBeInstanceOf(AgentOfflineError);
  });
});

describe('AgentHub heartbeats', () => {
  it('closes a link that stops sending heartbeats and marks the agent offline', async () => {
    const [hubEnd, agentEnd] = memoryLinkPair();
    let closed = false;
    agentEnd.onClose(() => (closed = true));
    hub.accept('routing-ml', hubEnd);
    agentEnd.send(JSON.stringify({ type: 'hello', host: 'routing-ml', version: 'test', actions: [] }));
    for (let i = 0; i < 50 && !hub.presence('routing-ml').online; i++) await new Promise((r) => setTimeout(r, 10));
    expect(hub.presence('routing-ml').online).toBe(true);
    // a silent agent: three heartbeat intervals (200 ms each here) pass without a message
    for (let i = 0; i < 200 && !closed; i++) await new Promise((r) => setTimeout(r, 10));
    expect(closed).toBe(true);
    expect(hub.presence('routing-ml').online).toBe(false);
    expect(logLines.some((l) => l.includes('missed three heartbeats'))).toBe(true);
  });

  it('closes a link that sends a result nested deeper than the protocol allows, and keeps serving', async () => {
    const ws = new WebSocket(url, { headers: { authorization: `Bearer ${TOKEN}`, 'x-drbot-agent-id': 'routing-ml' } });
    const welcomed = new Promise((r) => ws.once('message', r));
    await new Promise((r) => ws.once('open', r));
    ws.send(JSON.stringify({ type: 'hello', host: 'routing-ml', version: 'test', actions: [] }));
    await welcomed;
    const closed = new Promise<[number, string]>((r) => ws.once('close', (code, reason) => r([code, reason.toString()])));
    const depth = 500_000;
    ws.send(`{"type":"result","requestId":"req-x","result":{"status":"ok","summary":"","output":"","data":${'['.repeat(depth)}${']'.repeat(depth)}}}`);
    const [code, reason] = await closed;
    expect(code).toBe(1008);
    expect(reason).toContain('nested deeper than 32 levels');
    expect(logLines.some((l) => l.includes('nested deeper than 32 levels'))).toBe(true);
    // the hub still serves the next agent
    await connectAgent();
    expect((await hub.run(aRequest('log_tail', { log: 'backend', lines: 1 }))).status).toBe('warn');
  });

  it('closes a link whose first message is not a hello, and one that sends garbage', async () => {
    for (const first of [JSON.stringify({ type: 'heartbeat' }), 'not json']) {
      const [hubEnd, agentEnd] = memoryLinkPair();
      let closed = false;
      agentEnd.onClose(() => (closed = true));
      hub.accept('routing-ml', hubEnd);
      agentEnd.send(first);
      for (let i = 0; i < 50 && !closed; i++) await new Promise((r) => setTimeout(r, 10));
      expect(closed).toBe(true);
      expect(hub.presence('routing-ml').online).toBe(false);
    }
  });
});

describe('AgentHub binds agents to their hosts (issue 12, finding 2)', () => {
  const OTHER = 'other-agent-token-0123456789abcdef';
  let bound: AgentHub;
  let boundServer: AgentHubServer;
  let boundUrl: string;

  beforeEach(async () => {
    bound = new AgentHub({
      agents: [
        { id: 'routing-ml', tokenSha256: sha256Hex(TOKEN) },
        { id: 'web-1', tokenSha256: sha256Hex(OTHER) },
        { id: 'standby', tokenSha256: sha256Hex(OTHER), hosts: ['routing-ml', 'standby'] },
      ],
      log: pino({ level: 'info' }, new Writable({ write: (c: Buffer, _e, done) => (logLines.push(c.toString()), done()) })),
      heartbeatMs: 5_000,
    });
    boundServer = await serveAgentHub(bound);
    boundUrl = boundServer.url;
  });

  afterEach(() => boundServer.close());

  /** A raw WebSocket that authenticates as `id` and says hello for `hostName`; resolves with the welcome or the close. */
  async function hello(id: string, token: string, hostName: string): Promise<{ ws: WebSocket; welcomed: boolean; close?: [number, string] }> {
    const ws = new WebSocket(boundUrl, { headers: { authorization: `Bearer ${token}`, 'x-drbot-agent-id': id } });
    await new Promise((r) => ws.once('open', r));
    const outcome = new Promise<{ welcomed: boolean; close?: [number, string] }>((resolve) => {
      ws.once('message', () => resolve({ welcomed: true }));
      ws.once('close', (code, reason) => resolve({ welcomed: false, close: [code, reason.toString()] }));
    });
    ws.send(JSON.stringify({ type: 'hello', host: hostName, version: 'test', actions: [] }));
    return { ws, ...(await outcome) };
  }

  it('refuses a hello that claims a host the agent may not serve, logs it and lists the refusal', async () => {
    const r = await hello('web-1', OTHER, 'routing-ml');
    expect(r.welcomed).toBe(false);
    expect(r.close).toEqual([1008, 'agent web-1 may not serve host routing-ml (drbot.yaml allows it web-1)']);
    expect(bound.presence('routing-ml').online).toBe(false);
    expect(logLines.some((l) => l.includes('agent refused: agent web-1 may not serve host routing-ml'))).toBe(true);
    const again = await hello('web-1', OTHER, 'routing-ml');
    expect(again.welcomed).toBe(false);
    expect(bound.refusals()).toEqual([expect.objectContaining({ agentId: 'web-1', host: 'routing-ml', count: 2 })]);
    // its own host is fine, and then its refusals are history
    const own = await hello('web-1', OTHER, 'web-1');
    expect(own.welcomed).toBe(true);
    expect(bound.refusals()).toEqual([]);
    own.ws.close();
  });

  it('a second agent allowed the same host does not take it over from the one serving it', async () => {
    const first = await hello('routing-ml', TOKEN, 'routing-ml');
    expect(first.welcomed).toBe(true);
    const second = await hello('standby', OTHER, 'routing-ml');
    expect(second.close).toEqual([1008, 'host routing-ml is already served by agent routing-ml']);
    // nor does a second copy of the same agent while the first is alive
    const copy = await hello('routing-ml', TOKEN, 'routing-ml');
    expect(copy.close?.[1]).toBe('agent routing-ml is already connected for host routing-ml; a second copy is refused');
    expect(first.ws.readyState).toBe(WebSocket.OPEN);
    // once the first has left, the standby may serve it
    const gone = new Promise((r) => first.ws.once('close', r));
    first.ws.close();
    await gone;
    for (let i = 0; i < 100 && bound.presence('routing-ml').online; i++) await new Promise((r) => setTimeout(r, 10));
    const standby = await hello('standby', OTHER, 'routing-ml');
    expect(standby.welcomed).toBe(true);
    standby.ws.close();
  });

  it('accepts results only from the link the request went to; others are dropped and logged', async () => {
    const target = await hello('routing-ml', TOKEN, 'routing-ml');
    const intruder = await hello('web-1', OTHER, 'web-1');
    const sent = new Promise<{ request: { requestId: string } }>((r) => target.ws.on('message', (d) => {
      const m = JSON.parse(d.toString()) as { type: string; request: { requestId: string } };
      if (m.type === 'run') r(m);
    }));
    const pending = bound.run(aRequest('log_tail', { log: 'backend' }));
    const { request } = await sent;
    const forged = { status: 'ok', summary: 'forged by web-1', output: '' };
    intruder.ws.send(JSON.stringify({ type: 'progress', requestId: request.requestId, line: 'forged progress' }));
    intruder.ws.send(JSON.stringify({ type: 'result', requestId: request.requestId, result: forged }));
    intruder.ws.send(JSON.stringify({ type: 'status', requestId: request.requestId, state: 'done', result: forged }));
    for (let i = 0; i < 200 && logLines.filter((l) => l.includes('agent answered a request that was not sent to it')).length < 3; i++) await new Promise((r) => setTimeout(r, 10));
    expect(logLines.filter((l) => l.includes('agent answered a request that was not sent to it'))).toHaveLength(3);
    target.ws.send(JSON.stringify({ type: 'result', requestId: request.requestId, result: { status: 'warn', summary: 'the real one', output: '' } }));
    expect(await pending).toMatchObject({ status: 'warn', summary: 'the real one' });
    target.ws.close();
    intruder.ws.close();
  });
});
