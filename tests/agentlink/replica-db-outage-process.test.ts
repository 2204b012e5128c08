import { randomBytes } from 'node:crypto';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it, jest } from '@jest/globals';
import type { PostgresStore } from '../../src/store/postgres-store.js';
import { slashCommandPayload, SLACK_USERS } from '../adapters/slack/support/slack-harness.js';
import { describeOnPostgres } from '../store/store-backends.js';
import { DrbotReplicas, freePort, until } from '../support/drbot-replicas.js';

jest.setTimeout(180_000);

/** How long PostgreSQL stays unreachable for replica r1: longer than a replica's 10 s lease. */
const OUTAGE_MS = 15_000;

/**
 * A TCP proxy between one drbot process and PostgreSQL, so the test can make the database
 * unreachable for that process alone (the shared server keeps running for everyone else). While
 * cut, open connections are reset and new ones are closed at once, as during a failover.
 */
class DatabaseProxy {
  private server?: Server;
  private readonly open = new Set<Socket>();
  private cut = false;
  port = 0;

  constructor(
    private readonly host: string,
    private readonly targetPort: number,
  ) {}

  async start(): Promise<void> {
    this.server = createServer((client) => {
      if (this.cut) {
        client.destroy();
        return;
      }
      const upstream = createConnection({ host: this.host, port: this.targetPort });
      for (const s of [client, upstream]) {
        this.open.add(s);
        s.on('close', () => this.open.delete(s));
        s.on('error', () => undefined);
      }
      client.pipe(upstream).pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    this.port = (this.server!.address() as AddressInfo).port;
  }

  down(): void {
    this.cut = true;
    for (const s of this.open) s.resetAndDestroy();
  }

  up(): void {
    this.cut = false;
  }

  async stop(): Promise<void> {
    this.down();
    await new Promise((r) => this.server?.close(r));
  }
}

describeOnPostgres('a drbot replica whose PostgreSQL is unreachable for longer than a lease (real processes)', (url) => {
  const replicas = new DrbotReplicas(url, 'drbot_outage');
  const { fake } = replicas;
  const healthz = (id: string) => replicas.healthz(id);
  let proxy: DatabaseProxy;
  let store: PostgresStore;

  /** Sends a signed `/incident …` to a replica; resolves with the HTTP status and its answer (in the ack, or at its response_url within `waitMs`), as JSON. */
  async function slash(id: string, text: string, waitMs = 20_000): Promise<{ status: number; reply?: string }> {
    const { status, answer } = await replicas.slash(id, slashCommandPayload(fake, text, SLACK_USERS.kim), waitMs);
    return { status, reply: answer && JSON.stringify(answer) };
  }

  beforeAll(async () => {
    await replicas.setUp();
    const target = new URL(url);
    proxy = new DatabaseProxy(target.hostname, Number(target.port || 5432));
    await proxy.start();
    const viaProxy = new URL(url);
    viaProxy.hostname = '127.0.0.1';
    viaProxy.port = String(proxy.port);
    const [p1, p2] = [await freePort(), await freePort()];
    // r1 reaches PostgreSQL through the proxy, r2 directly
    await replicas.start('r1', p1, viaProxy.toString());
    await replicas.start('r2', p2);
    store = await replicas.openStore();
    await replicas.startAgent({ drbot: { urls: [`ws://127.0.0.1:${p1}/agent`], reconnect: { minSeconds: 0.2, maxSeconds: 1 } } });
  });

  afterAll(async () => {
    await replicas.stopReplicas();
    await proxy?.stop();
    await replicas.tearDown();
  });

  it('answers "store unavailable" meanwhile, writes nothing half, and resumes once it is back: each page once, the agent held again', async () => {
    await until('r2 to see the agent on r1', async () => (await healthz('r2'))?.checks.agents?.ok);
    const opened = await slash('r1', `open 1 backend down (outage ${randomBytes(2).toString('hex')})`);
    expect(opened.status).toBe(200);
    const incident = await until('the incident to open', async () => (await store.incidents.list(undefined, 5))[0]);

    // PostgreSQL becomes unreachable for r1 alone, longer than its lease
    proxy.down();
    const cutAt = Date.now();
    const during = await slash('r1', `note ${incident.id} written while the store is away`);
    expect(during.reply).toMatch(/does not answer right now/);
    await until('r1 to report itself unhealthy', async () => (await healthz('r1'))?.status === 'unhealthy', 20_000);
    // r2 works on: its commands answer, and it sees r1's agent lease run out
    expect((await slash('r2', `note ${incident.id} written on r2 during the outage`)).reply).not.toMatch(/does not answer/);
    await until('r2 to see the agent offline (r1 cannot renew its lease)', async () => (await healthz('r2'))?.checks.replica?.detail?.includes('holds no agent') && !(await store.cluster.agentHoldings()).some((a) => a.online), 30_000);
    await new Promise((r) => setTimeout(r, Math.max(0, OUTAGE_MS - (Date.now() - cutAt))));

    // back: r1 re-registers, holds its agent again, and serves commands
    proxy.up();
    await until('r1 to be healthy again', async () => (await healthz('r1'))?.status === 'ok', 60_000);
    await until('r1 to hold the agent again', async () => (await store.cluster.agentHoldings()).some((a) => a.online && a.replica === 'r1'), 30_000);
    expect((await slash('r1', `note ${incident.id} written after the store came back`)).reply).not.toMatch(/does not answer/);
    // a request from r2 reaches the agent through r1 again, once
    expect((await slash('r2', `diag ${incident.id}`)).status).toBe(200);
    await until('the diagnostics asked on r2', async () => (await store.tableRows('agent_requests')).some((r) => r.origin === 'r2' && r.holder === 'r1' && r.state === 'delivered'), 30_000);

    // nothing half-written: the note refused during the outage is not there; the others are, once each
    const notes = (await store.incidents.timeline(incident.id)).filter((e) => e.kind === 'note').map((e) => e.text);
    expect(notes.filter((t) => t.includes('while the store is away'))).toEqual([]);
    expect(notes.filter((t) => t.includes('on r2 during the outage'))).toHaveLength(1);
    expect(notes.filter((t) => t.includes('after the store came back'))).toHaveLength(1);

    // the ladder climbed on r2 meanwhile and goes on after r1's return (720×: level 3 is 10 s): each page once
    await until('the level-3 page', () => fake.callsOf('chat.postMessage').some((c) => /level 3 page/.test(String(c.args.text))), 90_000);
    const pages = fake
      .callsOf('chat.postMessage')
      .filter((c) => String(c.args.channel).startsWith('U'))
      .map((c) => `${String(c.args.channel)}:${/level (\d+) page/.exec(String(c.args.text))?.[1] ?? '?'}`);
    expect(pages.length).toBeGreaterThanOrEqual(3);
    expect(new Set(pages).size).toBe(pages.length);
    const deliveries = await store.deliveries.forIncident(incident.id);
    expect(new Set(deliveries.map((d) => `${d.level}:${d.person}`)).size).toBe(deliveries.length);
    expect(replicas.proc('r1').child.exitCode).toBeNull();
  });
});
