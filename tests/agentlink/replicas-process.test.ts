import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it, jest } from '@jest/globals';
import type { PostgresStore } from '../../src/store/postgres-store.js';
import { blockActionsPayload, slashCommandPayload, SLACK_USERS } from '../adapters/slack/support/slack-harness.js';
import { describeOnPostgres } from '../store/store-backends.js';
import { DrbotReplicas, freePort, until } from '../support/drbot-replicas.js';

jest.setTimeout(180_000);

const STEP = 'restart-backend-local';

describeOnPostgres('three drbot replicas on one PostgreSQL database (real processes, kill -9)', (url) => {
  const replicas = new DrbotReplicas(url, 'drbot_three');
  const { fake } = replicas;
  const healthz = (id: string) => replicas.healthz(id);
  let store: PostgresStore;
  let health: Server;
  let healthy = false;
  const marker = `drbot-replicas-test-backend-${randomBytes(4).toString('hex')}`;
  let startsFile: string;

  const post = async (id: string, body: string) => (await replicas.post(id, body)).status;
  const slash = (id: string, text: string, user: string) => post(id, new URLSearchParams(slashCommandPayload(fake, text, user)).toString());
  const click = (id: string, command: string, user: string) => post(id, new URLSearchParams({ payload: JSON.stringify(blockActionsPayload(fake, command, user)) }).toString());

  /** The reply `/incident status` gets on one replica (in its ack or at its response_url), times and durations masked. */
  async function card(id: string, incidentId: string): Promise<string> {
    const { status, answer } = await replicas.slash(id, slashCommandPayload(fake, `status ${incidentId}`, SLACK_USERS.kim));
    expect(status).toBe(200);
    expect(answer).toBeDefined();
    return JSON.stringify(answer).replace(/\d+/g, '#');
  }

  beforeAll(async () => {
    await replicas.setUp();
    health = createServer((_req, res) => {
      res.writeHead(healthy ? 200 : 503, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ status: healthy ? 'ok' : 'starting' }));
    });
    await new Promise<void>((r) => health.listen(0, '127.0.0.1', r));
    const healthUrl = `http://127.0.0.1:${(health.address() as AddressInfo).port}/health`;
    const ports = [await freePort(), await freePort(), await freePort()];
    for (const [i, id] of ['r1', 'r2', 'r3'].entries()) await replicas.start(id, ports[i]!);
    store = await replicas.openStore();

    const home = replicas.home.home;
    startsFile = join(home, 'backend-starts.log');
    await replicas.startAgent({
      drbot: { urls: ports.map((p) => `ws://127.0.0.1:${p}/agent`), reconnect: { minSeconds: 0.2, maxSeconds: 1 } },
      processes: { uvicorn: { match: marker } },
      logs: { backend: join(home, 'backend.log') },
      ports: [8000],
      targets: { backend: { url: healthUrl, timeoutMs: 1000 } },
      restarts: {
        backend: {
          // the "backend": writes one line per start, then runs for a minute
          recipe: { command: process.execPath, args: ['-e', "require('fs').appendFileSync(process.argv[1], 'started\\n'); setTimeout(() => {}, 60000)", startsFile, marker] },
          log: join(home, 'backend-restart.log'),
          match: marker,
          readyTarget: 'backend',
        },
      },
    });
  });

  afterAll(async () => {
    await replicas.stopReplicas();
    await replicas.tearDown();
    await new Promise((r) => health?.close(r));
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
    const r1 = replicas.proc('r1');
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
    const metrics = await (await fetch(`http://127.0.0.1:${replicas.port(holder)}/metrics`)).text();
    expect(metrics).toMatch(new RegExp(`drbot_agent_links_held\\{host="routing-ml",replica="${holder}"\\} 1`));
    expect(metrics).toMatch(new RegExp(`drbot_agents_connected\\{host="routing-ml",replica="${holder}"\\} 1`));
  });
});
