import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { sha256Hex } from '../../src/agentlink/agent-hub.js';
import { PostgresStore } from '../../src/store/postgres-store.js';
import { FakeSlackApi } from '../adapters/slack/support/fake-slack-api.js';
import { SIGNING_SECRET, slackSignature, SLACK_USERS } from '../adapters/slack/support/slack-harness.js';
import { AGENT_TEST_TOKEN, AgentProcess, anAgentHome } from '../agent/agent-process.js';
import { aDrbotHome, DrbotProcess } from '../cli/drbot-process.js';
import { dropSchemas, uniqueSchema } from '../store/store-backends.js';
import { until } from './until.js';

export { until };

/** A TCP port on 127.0.0.1 that is free right now. */
export async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

/** What a replica's GET /healthz answers. */
export interface Healthz {
  status: string;
  checks: Record<string, { ok: boolean; detail?: string }>;
}

/**
 * Real `drbot` replica processes (dist/) on one PostgreSQL schema, Slack through a fake Web API, one
 * clock for all (720× from one epoch: ladder level 3 comes after 10 s), and a real drbot-agent they
 * know. `setUp()` in beforeAll; in afterAll `stopReplicas()` (kill -9, wait for the exits) before
 * closing what the replicas used, then `tearDown()`.
 */
export class DrbotReplicas {
  readonly fake = new FakeSlackApi();
  readonly schema: string;
  /** drbot.yaml knows the test agent; every contact is always available, so the ladder does not depend on the hour the test runs at. */
  home!: ReturnType<typeof aDrbotHome>;
  agent?: AgentProcess;
  /** The test's own connection to the replicas' schema (after `openStore()`), to read what they wrote. */
  store!: PostgresStore;
  private agentHome?: ReturnType<typeof anAgentHome>;
  private readonly replicas = new Map<string, { port: number; proc: DrbotProcess }>();
  private readonly epoch = new Date(Math.floor(Date.now() / 1000) * 1000).toISOString();

  constructor(
    private readonly url: string,
    schemaPrefix: string,
  ) {
    this.schema = uniqueSchema(schemaPrefix);
  }

  async setUp(): Promise<void> {
    await this.fake.start();
    this.home = aDrbotHome(['agents:', `  - { id: routing-ml, tokenSha256: ${sha256Hex(AGENT_TEST_TOKEN)} }`]);
    const contactsPath = join(this.home.home, 'config/contacts.yaml');
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
    writeFileSync(this.home.configPath, readFileSync(this.home.configPath, 'utf8').replace(/^contacts: .*$/m, `contacts: ${contactsPath}`));
  }

  /** Starts replica `id` on `port`, reaching PostgreSQL at `databaseUrl` (the shared one unless said), and waits until it serves /healthz. */
  async start(id: string, port: number, databaseUrl = this.url): Promise<DrbotProcess> {
    const proc = new DrbotProcess([], {
      DRBOT_CONFIG: this.home.configPath,
      DATA_DIR: this.home.dataDir,
      DATABASE_URL: databaseUrl,
      DATABASE_SCHEMA: this.schema,
      DRBOT_REPLICA_ID: id,
      PORT: String(port),
      SLACK_BOT_TOKEN: 'xoxb-test-token',
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: this.fake.apiUrl,
      DRBOT_LANG: 'en',
      DRBOT_TIME_SCALE: '720',
      DRBOT_CLOCK_EPOCH: this.epoch,
      LOG_LEVEL: 'info',
    });
    this.replicas.set(id, { port, proc });
    await until(`${id} to serve /healthz`, () => this.healthz(id));
    return proc;
  }

  /** Starts the drbot-agent (config `fields`, id routing-ml) and waits until it is connected. */
  async startAgent(fields: Record<string, unknown>): Promise<AgentProcess> {
    this.agentHome = anAgentHome(fields);
    this.agent = new AgentProcess(['--config', this.agentHome.configPath], { DRBOT_AGENT_TOKEN: AGENT_TEST_TOKEN, LOG_LEVEL: 'info' });
    await this.agent.waitForLog('connected to drbot');
    return this.agent;
  }

  /** Opens `store` on the replicas' schema (once the first replica made it); closed by tearDown(). */
  async openStore(): Promise<PostgresStore> {
    this.store = await PostgresStore.open(this.url, { schema: this.schema, max: 2 });
    return this.store;
  }

  proc(id: string): DrbotProcess {
    return this.replicas.get(id)!.proc;
  }

  port(id: string): number {
    return this.replicas.get(id)!.port;
  }

  /** The replica's /healthz, or undefined while it does not answer. */
  async healthz(id: string): Promise<Healthz | undefined> {
    try {
      const res = await fetch(`http://127.0.0.1:${this.port(id)}/healthz`);
      return (await res.json()) as Healthz;
    } catch {
      return undefined;
    }
  }

  /** POSTs a form body to the replica's /slack/events, signed as Slack signs it; resolves with the status and the body drbot answered. */
  async post(id: string, body: string): Promise<{ status: number; text: string }> {
    const ts = Math.floor(Date.now() / 1000);
    const res = await fetch(`http://127.0.0.1:${this.port(id)}/slack/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-slack-request-timestamp': String(ts), 'x-slack-signature': slackSignature(SIGNING_SECRET, ts, body) },
      body,
    });
    return { status: res.status, text: await res.text() };
  }

  /**
   * Sends a signed slash command to replica `id`; resolves with the HTTP status and the answer Slack
   * got, wherever it went: the ack's body (an answer ready within the ack budget, or a refusal), else
   * the post to the command's response_url within `waitMs` (undefined when none came).
   */
  async slash(id: string, payload: Record<string, string>, waitMs = 20_000): Promise<{ status: number; answer?: Record<string, unknown> }> {
    const { status, text } = await this.post(id, new URLSearchParams(payload).toString());
    if (text.trim().startsWith('{')) return { status, answer: JSON.parse(text) as Record<string, unknown> };
    const path = new URL(payload.response_url!).pathname;
    const posted = await until(`${id} to answer "${payload.text}"`, () => this.fake.calls.find((c) => c.method === 'response_url' && c.path === path), waitMs).catch(() => undefined);
    return { status, answer: posted?.args };
  }

  /** kill -9 the agent and every replica still running; resolves once they have all exited. With DRBOT_TEST_DUMP set, prints each replica's last output first. */
  async stopReplicas(): Promise<void> {
    if (process.env.DRBOT_TEST_DUMP) for (const [id, r] of this.replicas) process.stderr.write(`\n--- ${id} exit ${r.proc.child.exitCode}\n${r.proc.stdout.slice(-4000)}\n${r.proc.stderr.slice(-3000)}\n`);
    this.agent?.kill();
    for (const { proc } of this.replicas.values()) if (proc.child.exitCode === null && proc.child.signalCode === null) proc.child.kill('SIGKILL');
    await Promise.all([...this.replicas.values()].map((r) => r.proc.exited));
  }

  /** After stopReplicas(): closes `store`, drops the schema, stops the fake Slack API, removes both homes. */
  async tearDown(): Promise<void> {
    await this.store?.close();
    await dropSchemas(this.url, [this.schema]);
    await this.fake.stop();
    this.agentHome?.cleanup();
    if (this.home) rmSync(this.home.home, { recursive: true, force: true });
  }
}
