import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import { pino } from 'pino';
import { TeamsModule } from '../../adapters/teams/teams-module.js';
import { createHandlers } from '../../handlers/index.js';
import { buildRuntime } from '../../src/app/build-runtime.js';
import { loadConfig } from '../../src/config/load-config.js';
import { HttpServer } from '../../src/http/http-server.js';
import { Router } from '../../src/router/router.js';
import { percentile, type BenchRow, type BenchSuite } from '../bench-suite.js';

const COUNT = 200;
const CHANNEL = '19:bench@thread.tacv2';

/** A minimal Bot Connector that resolves a waiter when the reply to an activity arrives. */
export async function startConnector(): Promise<{ url: string; replyTo(id: string): Promise<void>; close(): Promise<void> }> {
  const waiting = new Map<string, () => void>();
  const app = express();
  app.use(express.json({ limit: '2mb' }));
  let seq = 0;
  app.post('/v3/conversations/:conv/activities/:id', (req, res) => {
    res.status(201).json({ id: `m-${++seq}` });
    waiting.get(req.params.id)?.();
  });
  app.post('/v3/conversations/:conv/activities', (_req, res) => void res.status(201).json({ id: `m-${++seq}` }));
  app.put('/v3/conversations/:conv/activities/:id', (req, res) => void res.json({ id: req.params.id }));
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const addr = server.address();
  return {
    url: `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}/`,
    replyTo: (id) => new Promise((resolve) => waiting.set(id, resolve)),
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * Teams round trip through the real CloudAdapter endpoint: HTTP acknowledgement time (Teams gives
 * up after 15 s; drbot acknowledges before it works) and command-to-reply time at a local Bot
 * Connector, for `incident open` (posts the live card too) and `incident list`.
 */
export const teamsRoundTrip: BenchSuite = {
  name: 'teams-round-trip',
  description: `${COUNT} activities (half "incident open", half "incident list") to /api/messages with a local fake Bot Connector, SQLite file`,
  async run(): Promise<BenchRow[]> {
    const dataDir = mkdtempSync(join(tmpdir(), 'drbot-bench-teams-'));
    const config = loadConfig({ ...process.env, DATA_DIR: dataDir, DRBOT_LANG: 'en', DRBOT_TEAMS_INSECURE: '1', DRBOT_LISTEN_HOST: '127.0.0.1' });
    const log = pino({ level: 'silent' });
    const core = await buildRuntime(config, log);
    const http = new HttpServer(log);
    const teams = new TeamsModule();
    await teams.start({ runtime: core, router: new Router(core, createHandlers()), http, config });
    http.seal();
    const endpoint = `http://127.0.0.1:${await http.listen(0, '127.0.0.1')}/api/messages`;
    const connector = await startConnector();
    const acks: number[] = [];
    const replies: { open: number[]; list: number[] } = { open: [], list: [] };
    try {
      for (let i = 0; i < COUNT; i++) {
        const verb = i % 2 === 0 ? 'open' : 'list';
        const id = `bench-${randomUUID()}`;
        const activity = {
          type: 'message',
          id,
          serviceUrl: connector.url,
          channelId: 'msteams',
          from: { id: '29:devops-kim', name: 'Kim DevOps' },
          recipient: { id: '28:drbot', name: 'drbot' },
          conversation: { id: CHANNEL, conversationType: 'channel' },
          text: `<at>drbot</at> incident ${verb === 'open' ? `open type${(i % 5) + 1} partial bench ${i}` : 'list'}`,
          entities: [{ type: 'mention', text: '<at>drbot</at>', mentioned: { id: '28:drbot', name: 'drbot' } }],
        };
        const replied = connector.replyTo(id);
        const t0 = performance.now();
        const res = await fetch(endpoint, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(activity) });
        acks.push(performance.now() - t0);
        if (res.status !== 200) throw new Error(`/api/messages answered ${res.status}`);
        await replied;
        replies[verb].push(performance.now() - t0);
        await teams.idle();
      }
    } finally {
      await teams.stop(Date.now() + 5000);
      http.server.closeAllConnections();
      await http.close();
      await connector.close();
      await core.store.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
    const ackP99 = percentile(acks, 99);
    const openP99 = percentile(replies.open, 99);
    return [
      { metric: 'HTTP ack p50', value: percentile(acks, 50), unit: 'ms' },
      { metric: 'HTTP ack p99', value: ackP99, unit: 'ms', goal: '< 100', pass: ackP99 < 100 },
      { metric: 'open → reply p50 (card posted too)', value: percentile(replies.open, 50), unit: 'ms' },
      { metric: 'open → reply p99', value: openP99, unit: 'ms', goal: '< 1000', pass: openP99 < 1000 },
      { metric: 'list → reply p50', value: percentile(replies.list, 50), unit: 'ms' },
      { metric: 'list → reply p99', value: percentile(replies.list, 99), unit: 'ms' },
    ];
  },
};
