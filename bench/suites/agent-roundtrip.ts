import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { stringify } from 'yaml';
import { ActionExecutor } from '../../src/agent/action-executor.js';
import { parseAgentConfig } from '../../src/agent/agent-config.js';
import { createHostTools } from '../../src/agent/host-tools.js';
import { RequestLedger } from '../../src/agent/request-ledger.js';
import { AgentHub, sha256Hex } from '../../src/agentlink/agent-hub.js';
import type { WireRequest } from '../../src/agentlink/agent-protocol.js';
import { packageRoot } from '../../src/config/package-root.js';
import { loadRunbookPack } from '../../src/runbook/load-runbook-pack.js';
import { percentile, type BenchRow, type BenchSuite } from '../bench-suite.js';

const RUNS = 200;
const BUNDLES = 60;
const TOKEN = 'bench-token';

/**
 * Agent round-trip overhead: each Type 1 diagnostic sent through drbot's hub over a real WebSocket
 * to a real drbot-agent process, against the same probe executed in-process; and the Type 1 diagnostic bundle
 * (all probes concurrently, as StepRunner.diagnose sends them) against its slowest probe.
 */
export const agentRoundtrip: BenchSuite = {
  name: 'agent-roundtrip',
  description: `Type 1 diagnostics over a real WebSocket vs in-process, ${RUNS} runs each; bundle of ${BUNDLES}`,
  async run(): Promise<BenchRow[]> {
    const dir = mkdtempSync(join(tmpdir(), 'drbot-bench-agent-'));
    const health = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}'));
    await new Promise<void>((r) => health.listen(0, '127.0.0.1', () => r()));
    const healthPort = (health.address() as AddressInfo).port;
    mkdirSync(join(dir, 'logs'), { recursive: true });
    writeFileSync(join(dir, 'logs/backend.log'), Array.from({ length: 2000 }, (_, i) => `2026-11-26 INFO request ${i} served in 12 ms`).join('\n') + '\n');
    const raw = {
      id: 'routing-ml',
      stateDir: join(dir, 'state'),
      processes: { uvicorn: { match: 'uvicorn' } },
      logs: { backend: join(dir, 'logs/backend.log') },
      ports: [8000],
      portMap: { 8000: healthPort },
      targets: { backend: { url: `http://127.0.0.1:${healthPort}/api/health` } },
    };
    const config = parseAgentConfig(raw, join(dir, 'agent.yaml'), dir);
    const log = pino({ level: 'silent' });
    const hub = new AgentHub({ agents: [{ id: 'routing-ml', tokenSha256: sha256Hex(TOKEN) }], log });
    const server = createServer();
    hub.attach(server);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    // the real drbot-agent process, as on the Routing ML server
    writeFileSync(join(dir, 'agent.yaml'), stringify({ ...raw, drbot: { url: `ws://127.0.0.1:${(server.address() as AddressInfo).port}/agent` } }));
    const agent = spawn(process.execPath, [join(packageRoot(), 'dist/src/agent/cli.js'), '--config', join(dir, 'agent.yaml')], {
      env: { ...process.env, DRBOT_AGENT_TOKEN: TOKEN, LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    for (let i = 0; i < 200 && !hub.presence('routing-ml').online; i++) await new Promise((r) => setTimeout(r, 25));
    if (!hub.presence('routing-ml').online) {
      agent.kill('SIGKILL');
      throw new Error('drbot-agent did not connect within 5 s (run npm run build first)');
    }
    const local = new ActionExecutor({ ...config, stateDir: join(dir, 'state-local') }, createHostTools(config), new RequestLedger(join(dir, 'state-local')));

    const type1 = loadRunbookPack(join(packageRoot(), 'runbooks/routing-ml.yaml')).types.find((t) => t.id === 1)!;
    let n = 0;
    const request = (action: string, params: WireRequest['params']): WireRequest => ({ requestId: `bench-${++n}`, host: 'routing-ml', action, params, timeoutMs: 10_000 });
    const rows: BenchRow[] = [];
    try {
      for (const step of type1.diagnostics) {
        const remote: number[] = [];
        const inProcess: number[] = [];
        for (let i = 0; i < RUNS; i++) {
          let t = performance.now();
          await local.execute(request(step.action, step.params));
          inProcess.push(performance.now() - t);
          t = performance.now();
          await hub.run(request(step.action, step.params));
          remote.push(performance.now() - t);
        }
        // paired samples: each remote call against the in-process run just before it
        const overhead = remote.map((r, i) => r - inProcess[i]!);
        const p50 = percentile(overhead, 50);
        const p99 = percentile(overhead, 99);
        rows.push(
          { metric: `${step.id} (${step.action}) in-process p50`, value: percentile(inProcess, 50), unit: 'ms' },
          { metric: `${step.id} in-process p99`, value: percentile(inProcess, 99), unit: 'ms' },
          { metric: `${step.id} through the agent link p50`, value: percentile(remote, 50), unit: 'ms' },
          { metric: `${step.id} round-trip overhead p50`, value: p50, unit: 'ms', goal: '< 5', pass: p50 < 5 },
          { metric: `${step.id} round-trip overhead p99`, value: p99, unit: 'ms', goal: '< 20', pass: p99 < 20 },
        );
      }
      // bundle wall time (all probes at once, as StepRunner.diagnose sends them) against the slowest
      // probe run alone; medians over the runs, alternating bundle and solo runs so load affects both alike
      const walls: number[] = [];
      const solo = new Map<string, number[]>(type1.diagnostics.map((s) => [s.id, []]));
      for (let b = 0; b < BUNDLES; b++) {
        const t0 = performance.now();
        await Promise.all(type1.diagnostics.map((step) => hub.run(request(step.action, step.params))));
        walls.push(performance.now() - t0);
        for (const step of type1.diagnostics) {
          const t = performance.now();
          await hub.run(request(step.action, step.params));
          solo.get(step.id)!.push(performance.now() - t);
        }
      }
      // the same bundle executed in-process: separates the probes' own concurrency from the link's cost
      const localWalls: number[] = [];
      const localSolo = new Map<string, number[]>(type1.diagnostics.map((s) => [s.id, []]));
      for (let b = 0; b < BUNDLES; b++) {
        const t0 = performance.now();
        await Promise.all(type1.diagnostics.map((step) => local.execute(request(step.action, step.params))));
        localWalls.push(performance.now() - t0);
        for (const step of type1.diagnostics) {
          const t = performance.now();
          await local.execute(request(step.action, step.params));
          localSolo.get(step.id)!.push(performance.now() - t);
        }
      }
      const localSlowest = Math.max(...[...localSolo.values()].map((xs) => percentile(xs, 50)));
      rows.push({ metric: 'Type 1 bundle / slowest probe, in-process (no link)', value: percentile(localWalls, 50) / localSlowest, unit: '×' });
      const slowest = Math.max(...[...solo.values()].map((xs) => percentile(xs, 50)));
      const ratio = percentile(walls, 50) / slowest;
      rows.push(
        { metric: 'Type 1 bundle wall p50', value: percentile(walls, 50), unit: 'ms' },
        { metric: 'Type 1 slowest probe alone p50', value: slowest, unit: 'ms' },
        { metric: 'Type 1 bundle wall / slowest probe', value: ratio, unit: '×', goal: '<= 1.2', pass: ratio <= 1.2 },
      );
    } finally {
      const exited = once(agent, 'exit');
      agent.kill('SIGTERM');
      await exited;
      await hub.close();
      server.close();
      health.close();
      rmSync(dir, { recursive: true, force: true });
    }
    return rows;
  },
};
