import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import bolt from '@slack/bolt';
import { pino } from 'pino';
import { SlackModule } from '../../adapters/slack/slack-module.js';
import { createHandlers } from '../../handlers/index.js';
import { resolveActor } from '../../src/app/actor.js';
import { buildRuntime } from '../../src/app/build-runtime.js';
import { loadConfig } from '../../src/config/load-config.js';
import { HttpServer } from '../../src/http/http-server.js';
import { Router } from '../../src/router/router.js';
import { percentile, type BenchRow, type BenchSuite } from '../bench-suite.js';
import { SlackFakeApi } from './slack-fake-api.js';
import type { LoadOrder } from './slack-load-worker.js';

const REQUESTS = 2_000;
const WARMUP = 200;
const CONCURRENCY = 50;
const SECRET = 'bench-signing-secret-1234';

interface LoadResult {
  throughput: number;
  p50: number;
  p99: number;
}

/** Signed `/incident status` slash commands at concurrency 50 into drbot's Slack endpoint and into a bare Bolt app that only acks. */
export const slackAck: BenchSuite = {
  name: 'slack-ack',
  description: `${REQUESTS} signed "/incident status" requests at concurrency ${CONCURRENCY} from a worker thread (node:http, kept-alive connections), loopback: drbot's Slack endpoint (answering in the ack when the answer is ready within the ack budget) vs a bare Bolt app that only acks`,
  async run(): Promise<BenchRow[]> {
    const fake = await new SlackFakeApi().start();
    const bare = await startBareBolt(fake.url);
    const drbot = await startDrbotSlack(fake.url);
    try {
      await load(bare.url, fake.url, WARMUP);
      await load(drbot.url, fake.url, WARMUP);
      await drbot.idle();
      // Alternate halves so drift (GC, CPU neighbours) falls on both alike.
      const b1 = await load(bare.url, fake.url, REQUESTS / 2);
      const d1 = await load(drbot.url, fake.url, REQUESTS / 2);
      await drbot.idle();
      const answersBefore = fake.calls;
      const d2 = await load(drbot.url, fake.url, REQUESTS / 2);
      // Answers reach Slack in the ack's body (ready within the ack's budget) or at the response_url (later).
      // Sustained end to end: from the first request of this half until its last answer reached the (fake) Slack API.
      const settleStart = performance.now();
      await drbot.idle();
      const settleMs = performance.now() - settleStart;
      const answered = d2.answeredInAck + fake.calls - answersBefore;
      const e2eRate = REQUESTS / 2 / ((d2.times.length / d2.throughput) + settleMs / 1000);
      const b2 = await load(bare.url, fake.url, REQUESTS / 2);
      const b = merge(b1, b2);
      const d = merge(d1, d2);
      const ratio = d.throughput / b.throughput;
      const e2eRatio = e2eRate / b.throughput;
      if (answered < REQUESTS / 2) throw new Error(`only ${answered} of ${REQUESTS / 2} answers reached Slack`);
      return [
        { metric: 'bare Bolt: acks per second', value: b.throughput, unit: 'req/s' },
        { metric: 'drbot: acks per second (the answer in the ack when ready in time)', value: d.throughput, unit: 'req/s' },
        { metric: 'drbot / bare throughput', value: ratio, unit: 'ratio', goal: '>= 0.9', pass: ratio >= 0.9 },
        { metric: 'bare Bolt: ack p50', value: b.p50, unit: 'ms' },
        { metric: 'drbot: ack p50', value: d.p50, unit: 'ms' },
        { metric: 'bare Bolt: ack p99', value: b.p99, unit: 'ms' },
        { metric: 'drbot: ack p99', value: d.p99, unit: 'ms', goal: '< 50', pass: d.p99 < 50 },
        { metric: 'drbot: answers reaching Slack per second (in acks or at response_url), end to end', value: e2eRate, unit: 'req/s' },
        { metric: 'drbot: answers that rode in their ack', value: d2.answeredInAck / (REQUESTS / 2), unit: 'share' },
        { metric: 'drbot end-to-end rate / bare ack rate', value: e2eRatio, unit: 'ratio', goal: '>= 0.8', pass: e2eRatio >= 0.8 },
        { metric: 'drbot: answers still to send after the last ack', value: settleMs, unit: 'ms', goal: '< 100', pass: settleMs < 100 },
      ];
    } finally {
      await drbot.stop();
      await bare.stop();
      await fake.stop();
    }
  },
};

/** Combines two runs: throughput over both, percentiles over every latency. */
function merge(a: LoadResult & { times?: number[] }, b: LoadResult & { times?: number[] }): LoadResult {
  const times = [...(a.times ?? []), ...(b.times ?? [])];
  const seconds = (a.times!.length / a.throughput + b.times!.length / b.throughput) || 1;
  return { throughput: times.length / seconds, p50: percentile(times, 50), p99: percentile(times, 99) };
}

/** Runs one load in a worker thread (see slack-load-worker.ts). */
async function load(url: string, fakeUrl: string, count: number): Promise<LoadResult & { times: number[]; answeredInAck: number }> {
  const order: LoadOrder = { url, responseBase: fakeUrl, secret: SECRET, count, concurrency: CONCURRENCY };
  const worker = new Worker(new URL('./slack-load-worker.js', import.meta.url), { workerData: order });
  try {
    const result = await new Promise<{ ok: boolean; times?: number[]; ms?: number; answeredInAck?: number; error?: string }>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    if (!result.ok || !result.times || result.ms === undefined) throw new Error(`load failed: ${result.error}`);
    const { times, ms } = result;
    return { throughput: count / (ms / 1000), p50: percentile(times, 50), p99: percentile(times, 99), times, answeredInAck: result.answeredInAck ?? 0 };
  } finally {
    await worker.terminate();
  }
}

async function startBareBolt(fakeUrl: string): Promise<{ url: string; stop(): Promise<void> }> {
  const receiver = new bolt.ExpressReceiver({ signingSecret: SECRET, processBeforeResponse: false, logLevel: bolt.LogLevel.ERROR });
  const app = new bolt.App({ token: 'xoxb-bench', receiver, botId: 'BDRBOT', botUserId: 'UDRBOT', clientOptions: { slackApiUrl: `${fakeUrl}/api/` }, logLevel: bolt.LogLevel.ERROR });
  app.command('/incident', async ({ ack }) => {
    await ack();
  });
  const server = (await receiver.start(0)) as Server;
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    stop: async () => {
      server.closeAllConnections();
      await receiver.stop();
    },
  };
}

async function startDrbotSlack(fakeUrl: string): Promise<{ url: string; idle(): Promise<void>; stop(): Promise<void> }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'drbot-bench-slack-'));
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, DRBOT_LANG: 'en', SLACK_BOT_TOKEN: 'xoxb-bench', SLACK_SIGNING_SECRET: SECRET, SLACK_API_URL: `${fakeUrl}/api/` };
  delete env.SLACK_APP_TOKEN;
  const config = loadConfig(env);
  const log = pino({ level: 'silent' });
  const core = await buildRuntime(config, log);
  const router = new Router(core, createHandlers());
  // One open incident, so `status` renders a whole card.
  await router.dispatch('/incident open type1 full bench', resolveActor(core.contacts, 'console', 'Kim DevOps'));
  const http = new HttpServer(log);
  const slack = new SlackModule({ env });
  await slack.start({ runtime: core, router, http, config });
  http.seal();
  const port = await http.listen(0, '127.0.0.1');
  return {
    url: `http://127.0.0.1:${port}`,
    idle: async () => {
      await slack.idle();
      await core.events.settled();
    },
    stop: async () => {
      await slack.stop(Date.now() + 5_000);
      await http.close();
      await core.store.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
