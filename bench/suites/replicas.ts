import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { pino } from 'pino';
import { stringify } from 'yaml';
import { AgentHub, sha256Hex } from '../../src/agentlink/agent-hub.js';
import type { ActionRequest } from '../../src/agentlink/agent-port.js';
import { ReplicaAgentPort } from '../../src/agentlink/replica-agent-port.js';
import { packageRoot } from '../../src/config/package-root.js';
import { PostgresStore } from '../../src/store/postgres-store.js';
import { percentile, type BenchRow, type BenchSuite } from '../bench-suite.js';

const ROUND_TRIPS = 1_000;
const STATUS_COMMANDS = 300;
const CONCURRENCY = 24;
const TOKEN = 'bench-replicas-token';
const SIGNING_SECRET = 'bench-replicas-signing-secret';

/** The PostgreSQL server the suite runs on (CI: postgres://postgres@127.0.0.1:5432/test). */
const DATABASE_URL = process.env.DATABASE_URL || process.env.DRBOT_TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';

async function until(what: string, probe: () => boolean | Promise<boolean>, limitMs = 60_000): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`bench: timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

async function dropSchema(schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: DATABASE_URL });
  await client.connect();
  try {
    await client.query(`drop schema if exists ${schema} cascade`);
  } finally {
    await client.end();
  }
}

/** Agent round trip through the replica holding the link vs one that does not (the request travels as a row, NOTIFY both ways). */
export async function roundTrips(dir: string, schema: string): Promise<BenchRow[]> {
  const log = pino({ level: 'silent' });
  mkdirSync(join(dir, 'logs'), { recursive: true });
  writeFileSync(join(dir, 'logs/backend.log'), Array.from({ length: 200 }, (_, i) => `INFO request ${i}`).join('\n') + '\n');
  const stores = [await PostgresStore.open(DATABASE_URL, { schema, max: 4 }), await PostgresStore.open(DATABASE_URL, { schema, max: 4 })];
  const hubs = stores.map(() => new AgentHub({ agents: [{ id: 'routing-ml', tokenSha256: sha256Hex(TOKEN) }], log }));
  const ports = stores.map((s, i) => new ReplicaAgentPort(hubs[i]!, s.cluster, { replicaId: `bench-${i}`, log }));
  for (const p of ports) await p.start();
  const server = createServer();
  hubs[0]!.attach(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  writeFileSync(
    join(dir, 'agent.yaml'),
    stringify({ id: 'routing-ml', stateDir: join(dir, 'state'), logs: { backend: join(dir, 'logs/backend.log') }, drbot: { url: `ws://127.0.0.1:${(server.address() as AddressInfo).port}/agent` } }),
  );
  const agent = spawn(process.execPath, [join(packageRoot(), 'dist/src/agent/cli.js'), '--config', join(dir, 'agent.yaml')], {
    env: { ...process.env, DRBOT_AGENT_TOKEN: TOKEN, LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  try {
    await until('the agent on replica 0, seen by replica 1', async () => (await ports[1]!.refresh(), ports[1]!.presence('routing-ml').online));
    const request = (): ActionRequest => ({ requestId: `bench-${randomBytes(8).toString('hex')}`, host: 'routing-ml', action: 'log_tail', params: { log: 'backend', lines: 10 }, timeoutMs: 10_000 });
    const times: [number[], number[]] = [[], []];
    for (let i = 0; i < 20; i++) for (const p of ports) await p.run(request());
    // interleaved, so both see the same machine load
    for (let i = 0; i < ROUND_TRIPS; i++) {
      for (const [k, p] of ports.entries()) {
        const t0 = performance.now();
        const r = await p.run(request());
        if (r.status !== 'ok' && r.status !== 'warn') throw new Error(`bench: log_tail answered ${r.status}: ${r.summary}`);
        times[k as 0 | 1].push(performance.now() - t0);
      }
    }
    const [holding, other] = times;
    const added = percentile(other, 99) - percentile(holding, 99);
    return [
      { metric: 'agent round trip via the holding replica p50', value: percentile(holding, 50), unit: 'ms' },
      { metric: 'agent round trip via the holding replica p99', value: percentile(holding, 99), unit: 'ms' },
      { metric: 'agent round trip via another replica p50', value: percentile(other, 50), unit: 'ms' },
      { metric: 'agent round trip via another replica p99', value: percentile(other, 99), unit: 'ms' },
      { metric: 'added p99 through another replica', value: added, unit: 'ms', goal: '< 20', pass: added < 20 },
    ];
  } finally {
    agent.kill('SIGTERM');
    await new Promise((r) => agent.once('exit', r));
    for (const p of ports) p.beginShutdown();
    for (const h of hubs) await h.close();
    for (const p of ports) await p.stop();
    server.close();
    for (const s of stores) await s.close();
  }
}

/** A stand-in for the Slack Web API that counts the replies drbot posts to response_url. */
async function fakeSlack(): Promise<{ server: Server; url: string; replies: () => number }> {
  let replies = 0;
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      if (req.url?.startsWith('/response/')) replies++;
      const body = req.url === '/api/auth.test' ? { ok: true, user_id: 'UDRBOT', bot_id: 'BDRBOT', team_id: 'TBENCH' } : req.url === '/api/chat.postMessage' ? { ok: true, channel: 'CBENCH', ts: `${Date.now() / 1000}` } : { ok: true };
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    });
  });
  // drbot keeps connections to Slack alive; a server closing an idle one just as drbot reuses it loses a reply
  server.keepAliveTimeout = 120_000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, replies: () => replies };
}

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

/** `/incident status` answered per second by `n` real drbot replicas sharing one schema, commands spread over them. */
async function statusThroughput(dir: string, n: number): Promise<number> {
  const schema = `drbot_bench_status_${n}_${randomBytes(3).toString('hex')}`;
  const slack = await fakeSlack();
  const root = packageRoot();
  const configPath = join(dir, `drbot-${n}.yaml`);
  writeFileSync(configPath, stringify({ runbook: join(root, 'runbooks/routing-ml.yaml'), contacts: join(root, 'config/contacts.yaml'), lang: 'en', embeddedAgent: { enabled: false } }));
  const children: ChildProcess[] = [];
  const ports: number[] = [];
  try {
    for (let i = 0; i < n; i++) {
      const port = await freePort();
      ports.push(port);
      children.push(
        spawn(process.execPath, [join(root, 'dist/src/cli/drbot.js')], {
          env: {
            PATH: process.env.PATH,
            HOME: process.env.HOME,
            DRBOT_CONFIG: configPath,
            DATA_DIR: join(dir, 'data'),
            DATABASE_URL,
            DATABASE_SCHEMA: schema,
            PORT: String(port),
            SLACK_BOT_TOKEN: 'xoxb-bench',
            SLACK_SIGNING_SECRET: SIGNING_SECRET,
            SLACK_API_URL: `${slack.url}/api/`,
            LOG_LEVEL: 'warn',
          },
          stdio: ['ignore', 'ignore', 'inherit'],
        }),
      );
      await until(`replica ${i} to answer /healthz`, async () => fetch(`http://127.0.0.1:${port}/healthz`).then(() => true, () => false));
    }
    const slash = async (port: number, text: string) => {
      const body = new URLSearchParams({ team_id: 'TBENCH', channel_id: 'COPS00001', user_id: 'U0DEVOPS01', user_name: 'kim', command: '/incident', text, response_url: `${slack.url}/response/${randomBytes(6).toString('hex')}`, trigger_id: 'trig' }).toString();
      const ts = Math.floor(Date.now() / 1000);
      const sig = 'v0=' + createHmac('sha256', SIGNING_SECRET).update(`v0:${ts}:${body}`).digest('hex');
      const res = await fetch(`http://127.0.0.1:${port}/slack/events`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-slack-request-timestamp': String(ts), 'x-slack-signature': sig }, body });
      // An answer ready within the ack's budget rides in the ack (a message with blocks); later ones go to the response_url.
      if ((await res.text()).includes('"blocks"')) answeredInAck++;
    };
    let answeredInAck = 0;
    const answers = () => answeredInAck + slack.replies();
    await slash(ports[0]!, 'open 1 bench status throughput');
    await until('the open to be answered', () => answers() >= 1);
    const base = answers();
    const started = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < STATUS_COMMANDS) {
          const i = next++;
          await slash(ports[i % n]!, 'status');
        }
      }),
    );
    await until('every status reply', () => answers() >= base + STATUS_COMMANDS, 120_000);
    return STATUS_COMMANDS / ((performance.now() - started) / 1000);
  } finally {
    for (const c of children) c.kill('SIGTERM');
    await Promise.all(children.map((c) => (c.exitCode === null ? new Promise((r) => c.once('exit', r)) : undefined)));
    slack.server.closeAllConnections();
    slack.server.close();
    await dropSchema(schema);
  }
}

/**
 * Several replicas on one PostgreSQL database (issue 13): the agent round trip through a replica
 * that does not hold the agent's link against the one that does (same run), and `/incident status`
 * throughput of three real replicas against one.
 */
export const replicas: BenchSuite = {
  name: 'replicas',
  description: `agent round trip via a replica without the link vs with it (${ROUND_TRIPS} each); /incident status throughput, 3 replicas vs 1 (${STATUS_COMMANDS} commands, ${CONCURRENCY} at once)`,
  async run(): Promise<BenchRow[]> {
    const dir = mkdtempSync(join(tmpdir(), 'drbot-bench-replicas-'));
    const schema = `drbot_bench_rt_${createHash('sha256').update(dir).digest('hex').slice(0, 8)}`;
    try {
      const rows = await roundTrips(dir, schema);
      const one = await statusThroughput(dir, 1);
      const three = await statusThroughput(dir, 3);
      rows.push(
        { metric: '/incident status with 1 replica', value: one, unit: 'commands/s' },
        { metric: '/incident status with 3 replicas', value: three, unit: 'commands/s' },
        { metric: '3 replicas vs 1', value: three / one, unit: '×' },
      );
      return rows;
    } finally {
      await dropSchema(schema).catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
