import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { createHandlers } from '../../handlers/index.js';
import { resolveActor } from '../../src/app/actor.js';
import { buildRuntime } from '../../src/app/build-runtime.js';
import { loadConfig } from '../../src/config/load-config.js';
import { Router } from '../../src/router/router.js';
import { replyViews } from '../../src/views/view.js';
import { percentile, type BenchRow, type BenchSuite } from '../bench-suite.js';

const COUNT = 1000;

/** Opens 1,000 incidents through the router into a SQLite file, as console users would (goal < 0.5 ms each). */
export const openThroughRouter: BenchSuite = {
  name: 'open-through-router',
  description: `${COUNT} × "/incident open typeN" through the router into a SQLite file (WAL)`,
  async run(): Promise<BenchRow[]> {
    const dataDir = mkdtempSync(join(tmpdir(), 'drbot-bench-open-'));
    const core = await buildRuntime(loadConfig({ ...process.env, DATA_DIR: dataDir, DRBOT_LANG: 'en' }), pino({ level: 'silent' }));
    const router = new Router(core, createHandlers());
    const actor = resolveActor(core.contacts, 'console', 'Kim DevOps');
    const times: number[] = [];
    const started = performance.now();
    for (let i = 0; i < COUNT; i++) {
      const t0 = performance.now();
      const reply = await router.dispatch(`/incident open type${(i % 5) + 1} partial bench ${i}`, actor);
      // As the console shows it: the card is built.
      await replyViews(reply);
      times.push(performance.now() - t0);
      if (reply.refused) throw new Error('open was refused: ' + JSON.stringify(reply.views[0]));
    }
    const total = performance.now() - started;
    const n = await core.store.incidents.count();
    await core.store.close();
    rmSync(dataDir, { recursive: true, force: true });
    if (n !== COUNT) throw new Error(`expected ${COUNT} incidents, found ${n}`);
    const mean = total / COUNT;
    return [
      { metric: 'open, mean per incident (incl. card render)', value: mean, unit: 'ms', goal: '< 0.5', pass: mean < 0.5 },
      { metric: 'open p50', value: percentile(times, 50), unit: 'ms' },
      { metric: 'open p99', value: percentile(times, 99), unit: 'ms' },
      { metric: 'total for 1,000', value: total, unit: 'ms' },
    ];
  },
};
