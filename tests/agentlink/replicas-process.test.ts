import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it, jest } from '@jest/globals';
import { stringify } from 'yaml';
import { sha256Hex } from '../../src/agentlink/agent-hub.js';
import { PostgresStore } from '../../src/store/postgres-store.js';
import { AGENT_TEST_TOKEN, AgentProcess, anAgentHome } from '../agent/agent-process.js';
import { aDrbotHome, DrbotProcess } from '../cli/drbot-process.js';
import { FakeSlackApi } from '../adapters/slack/support/fake-slack-api.js';
import { blockActionsPayload, SIGNING_SECRET, slackSignature, slashCommandPayload, SLACK_USERS } from '../adapters/slack/support/slack-harness.js';
import { describeOnPostgres, dropSchemas, uniqueSchema } from '../store/store-backends.js';

jest.setTimeout(180_000);

const STEP = 'restart-backend-local';

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

async function until<T>(what: string, probe: () => Promise<T | undefined | false> | T | undefined | false, limitMs = 60_000): Promise<T> {
  const deadline = Date.now() + limitMs;
  for (;;) {
    const got = await probe();
    if (got) return got;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describeOnPostgres('three drbot replicas on one PostgreSQL database (real processes, kill -9)', (url) => {
  const schema = uniqueSchema('drbot_three');
  const fake = new FakeSlackApi();
  const replicas = new Map<string, { port: number; proc: DrbotProcess }>();
  let agent: AgentProcess;
  let agentHome: ReturnType<typeof anAgentHome>;
  let home: ReturnType<typeof aDrbotHome>;
  let store: PostgresStore;
  let health: Server;
  let healthy = false;
  const marker = `drbot-replicas-test-backend-${randomBytes(4).toString('hex')}`;
  let startsFile: string;
  const epoch = new Date(Math.floor(Date.now() / 1000) * 1000).toISOString();

  function startReplica(id: string, port: number): DrbotProcess {
    const proc = new DrbotProcess([], {
      DRBOT_CONFIG: home.configPath,
      DATA_DIR: home.dataDir,
      DATABASE_URL: url,
      DATABASE_SCHEMA: schema,
      DRBOT_REPLICA_ID: id,
      PORT: String(port),
      SLACK_BOT_TOKEN: 'xoxb-test-token',
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: fake.apiUrl,
      DRBOT_LANG: 'en',
      DRBOT_TIME_SCALE: '720',
      DRBOT_CLOCK_EPOCH: epoch,
      LOG_LEVEL: 'info',
    });
    replicas.set(id, { port, proc });
    return proc;
  }

  async function healthz(id: string): Promise<{ status: string; checks: Record<string, { ok: boolean; detail?: string }> } | undefined> {
    try {
      const res = await fetch(`http://127.0.0.1:${replicas.get(id)!.port}/healthz`);
      return (await res.json()) as { status: string; checks: Record<string, { ok: boolean; detail?: string }> };
    } catch {
      return undefined;
    }
  }

  async function post(id: string, body: string): Promise<number> {
    const ts = Math.floor(Date.now() / 1000);
    const res = await fetch(`http://127.0.0.1:${replicas.get(id)!.port}/slack/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-slack-request-timestamp': String(ts), 'x-slack-signature': slackSignature(SIGNING_SECRET, ts, body) },
      body,
    });
    await res.text();
    return res.status;
  }
  const slash = (id: string, text: string, user: string) => post(id, new URLSearchParams(slashCommandPayload(fake, text, user)).toString());
  const click = (id: string, command: string, user: string) => post(id, new URLSearchParams({ payload: JSON.stringify(blockActionsPayload(fake, command, user)) }).toString());

  /** The reply `/incident status` gets on one replica (through its response_url), times and durations masked. */
  async function card(id: string, incidentId: string): Promise<string> {
    const payload = slashCommandPayload(fake, `status ${incidentId}`, SLACK_USERS.kim);
    const replies = () => fake.calls.filter((c) => c.method === 'response_url' && c.path === new URL(payload.response_url!).pathname);
    expect(await post(id, new URLSearchParams(payload).toString())).toBe(200);
    const reply = await until(`${id} to answer /incident status`, () => replies()[0]);
    return JSON.stringify(reply.args).replace(/\d+/g, '#');
  }

  beforeAll(async () => {
    await fake.start();
    health = createServer((_req, res) => {
      res.writeHead(healthy ? 200 : 503, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ status: healthy ? 'ok' : 'starting' }));
    });
    await new Promise<void>((r) => health.listen(0, '127.0.0.1', r));
    const healthUrl = `http://127.0.0.1:${(health.address() as AddressInfo).port}/health`;
    home = aDrbotHome(['agents:', `  - { id: routing-ml, tokenSha256: ${sha256Hex(AGENT_TEST_TOKEN)} }`]);
    // everyone always available, so the ladder does not depend on the hour the test runs at
    const contactsPath = join(home.home, 'config/contacts.yaml');
    writeFileSync(
      contactsPath,
      stringify({
        contacts: [
          { name: 'Kim DevOps', roles: ['devops'], slack: SLACK_USERS.kim },
          { name: 'Lee Backend', roles: ['backend'], slack: SLACK_USERS.lee },
          { name: 'Choi Network', roles: ['it_support'], slack: SLACK_USERS.choi },
          { name: 'Jung CTO', roles: ['cto'], slack: 'U0CTO00001' },
        ],
      }),
    );
    writeFileSync(home.configPath, readFileSync(home.configPath, 'utf8').replace(/^contacts: .*$/m, `contacts: ${contactsPath}`));
    const ports = [await freePort(), await freePort(), await freePort()];
    for (const [i, id] of ['r1', 'r2', 'r3'].entries()) {
      startReplica(id, ports[i]!);
      await until(`${id} to serve /healthz`, () => healthz(id));
    }
    store = await PostgresStore.open(url, { schema, max: 2 });

    startsFile = join(home.home, 'backend-starts.log');
    agentHome = anAgentHome({
      drbot: { urls: ports.map((p) => `ws://127.0.0.1:${p}/agent`), reconnect: { minSeconds: 0.2, maxSeconds: 1 } },
      processes: { uvicorn: { match: marker } },
      logs: { backend: join(home.home, 'backend.log') },
      ports: [8000],
      targets: { backend: { url: healthUrl, timeoutMs: 1000 } },
      restarts: {
        backend: {
          // the "backend": writes one line per start, then runs for a minute
          recipe: { command: process.execPath, args: ['-e', "require('fs').appendFileSync(process.argv[1], 'started\\n'); setTimeout(() => {}, 60000)", startsFile, marker] },
          log: join(home.home, 'backend-restart.log'),
          match: marker,
          readyTarget: 'backend',
        },
      },
    });
    agent = new AgentProcess(['--config', agentHome.configPath], { DRBOT_AGENT_TOKEN: AGENT_TEST_TOKEN, LOG_LEVEL: 'info' });
    await agent.waitForLog('connected to drbot');
  });

  afterAll(async () => {
    agent?.kill();
    for (const { proc } of replicas.values()) if (proc.child.exitCode === null && proc.child.signalCode === null) proc.child.kill('SIGKILL');
    await Promise.all([...replicas.values()].map((r) => r.proc.exited));
    await store?.close();
    await dropSchemas(url, [schema]);
    await fake.stop();
    await new Promise((r) => health?.close(r));
    agentHome?.cleanup();
    if (home) rmSync(home.home, { recursive: true, force: true });
  });

  it('any replica serves any request; kill -9 of the replica holding the agent mid-step loses nothing and does nothing twice', async () => {
    // the agent took the first URL; every replica says so
    for (const id of ['r1', 'r2', 'r3']) {
      await until(`${id} to see the agent on r1`, async () => (await healthz(id))?.checks.agents?.ok);
      expect((await healthz(id))!.checks.replica!.detail).toContain(`replica ${id}`);
    }
    expect((await healthz('r1'))!.checks.replica!.detail).toContain('holds agents: routing-ml');
    expect((await healthz('r2'))!.checks.replica!.detail).toContain('holds no agent');

    // open on r2, diagnostics on r3: both reach the agent through r1
    expect(await slash('r2', 'open 1 backend down (three replicas)', SLACK_USERS.kim)).toBe(200);
    const incident = await until('the incident to open', async () => (await store.incidents.list(undefined, 5))[0]);
    await until('the diagnostics of the opening', async () => (await store.incidents.timeline(incident.id)).some((e) => e.kind === 'diagnostics'));
    expect(await slash('r3', `diag ${incident.id}`, SLACK_USERS.kim)).toBe(200);
    await until('the diagnostics asked on r3', async () => (await store.incidents.timeline(incident.id)).filter((e) => e.kind === 'diagnostics').length >= 2);
    const routed = (await store.tableRows('agent_requests')).filter((r) => r.origin !== r.holder);
    expect(routed.length).toBeGreaterThan(0);
    expect(new Set(routed.map((r) => r.holder))).toEqual(new Set(['r1']));

    // two people approve on two replicas at the same moment: the step runs once
    const approve = `/incident approve ${incident.id} ${STEP}`;
    expect(await Promise.all([click('r2', approve, SLACK_USERS.kim), click('r3', approve, SLACK_USERS.lee)])).toEqual([200, 200]);
    await until('the step to start on the host', () => existsSync(startsFile));
    const running = await until('the step run row', async () => (await store.incidents.stepRuns(incident.id)).find((r) => r.stepId === STEP));
    expect(running.status).toBe('running');

    // kill -9 the replica holding the agent while the step runs
    const r1 = replicas.get('r1')!.proc;
    await r1.signal('SIGKILL');
    const holder = await until('the agent to reconnect to another replica', async () => {
      for (const id of ['r2', 'r3']) if ((await healthz(id))?.checks.replica?.detail?.includes('holds agents: routing-ml')) return id;
      return undefined;
    });
    // the backend comes up: the step the agent still runs finishes, and its result reaches the replica that asked
    healthy = true;
    const finished = await until('the step outcome', async () => (await store.incidents.stepRuns(incident.id)).find((r) => r.stepId === STEP && r.status !== 'running'));
    expect(finished.status).toBe('ok');
    const stepRuns = (await store.incidents.stepRuns(incident.id)).filter((r) => r.stepId === STEP);
    expect(stepRuns).toHaveLength(1);
    expect(readFileSync(startsFile, 'utf8')).toBe('started\n');
    const outcomes = async () => (await store.incidents.timeline(incident.id)).filter((e) => e.kind === 'step' && e.data?.step === STEP && e.data?.status && e.data.status !== 'running');
    await until('the step outcome on the timeline', async () => (await outcomes()).length > 0);

    // the ladder keeps climbing on the survivors (720×: level 3 is 120 virtual minutes = 10 s): each page once
    await until('the CTO page', () => fake.callsOf('chat.postMessage').some((c) => c.args.channel === 'U0CTO00001'), 90_000);
    const pages = fake
      .callsOf('chat.postMessage')
      .filter((c) => String(c.args.channel).startsWith('U'))
      .map((c) => `${String(c.args.channel)}:${/level (\d+) page/.exec(String(c.args.text))?.[1] ?? '?'}`);
    expect(pages.length).toBeGreaterThanOrEqual(4);
    expect(new Set(pages).size).toBe(pages.length);
    for (const level of ['0', '1', '2', '3']) expect(pages.some((p) => p.endsWith(`:${level}`))).toBe(true);

    // recorded once, however long the survivors kept sweeping
    expect((await outcomes()).map((e) => e.data?.status)).toEqual(['ok']);

    // every surviving replica shows the same card, with the agent online through the new holder
    // (at 720× a card's durations move by the minute between two requests: one of three pairs must match exactly)
    let cards: string[] = [];
    for (let attempt = 0; attempt < 3; attempt++) {
      cards = await Promise.all([card('r2', incident.id), card('r3', incident.id)]);
      if (cards[0] === cards[1]) break;
    }
    expect(cards[0]).toContain('routing-ml online');
    expect(cards[0]).toBe(cards[1]);
    const agents = (await store.tableRows('agents')).find((a) => a.id === 'routing-ml');
    expect(agents?.replica).toBe(holder);
    // /metrics labels every series with the replica; the holder counts the link it holds
    const metrics = await (await fetch(`http://127.0.0.1:${replicas.get(holder)!.port}/metrics`)).text();
    expect(metrics).toMatch(new RegExp(`drbot_agent_links_held\\{host="routing-ml",replica="${holder}"\\} 1`));
    expect(metrics).toMatch(new RegExp(`drbot_agents_connected\\{host="routing-ml",replica="${holder}"\\} 1`));
  });
});
