import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Writable } from 'node:stream';
import { pino } from 'pino';
import { stringify } from 'yaml';
import { sha256Hex } from '../../../src/agentlink/agent-hub.js';
import { startDrbot, type RunningDrbot } from '../../../src/app/start-drbot.js';
import { packageRoot } from '../../../src/config/package-root.js';
import { AGENT_TEST_TOKEN, AgentProcess } from '../../agent/agent-process.js';
import { until } from './page-receivers.js';

/**
 * Writes `dir`/config/drbot.yaml (English, the shipped runbook and contacts unless `config` says
 * otherwise, data and docs/incident_reports under `dir`, HTTP on 127.0.0.1, no embedded agent: the
 * test agent routing-ml connects as a real process) and starts drbot in this process. `env` is added
 * to PATH, HOME, DRBOT_CONFIG and DRBOT_LANG; `start()` starts it again on the same config.
 */
export async function startDrbotForAgentProcess(
  dir: string,
  o: { config?: Record<string, unknown>; env?: NodeJS.ProcessEnv; console: boolean; output?: Writable },
): Promise<{ drbot: RunningDrbot; start(): Promise<RunningDrbot> }> {
  mkdirSync(join(dir, 'config'), { recursive: true });
  const drbotPath = join(dir, 'config/drbot.yaml');
  writeFileSync(
    drbotPath,
    stringify({
      lang: 'en',
      runbook: join(packageRoot(), 'runbooks/routing-ml.yaml'),
      contacts: join(packageRoot(), 'config/contacts.yaml'),
      dataDir: join(dir, 'data'),
      reportsDir: join(dir, 'docs/incident_reports'),
      port: 0,
      listenHost: '127.0.0.1',
      embeddedAgent: { enabled: false },
      agents: [{ id: 'routing-ml', tokenSha256: sha256Hex(AGENT_TEST_TOKEN) }],
      ...o.config,
    }),
  );
  const env = { PATH: process.env.PATH, HOME: process.env.HOME, DRBOT_CONFIG: drbotPath, DRBOT_LANG: 'en', ...o.env } as NodeJS.ProcessEnv;
  const start = () => startDrbot({ env, console: o.console, output: o.output, log: pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }) });
  return { drbot: await start(), start };
}

/**
 * The agent.yaml of the routing-ml host whose files live under `host`, connected to drbot on
 * `drbotPort`, its backend's port 8000 on `backendPort`: its logs, Access file and backups.
 */
export function hostAgentConfig(o: { host: string; drbotPort: number; backendPort: number }) {
  const path = (rel: string) => join(o.host, rel);
  return {
    id: 'routing-ml',
    host: 'routing-ml',
    stateDir: path('agent-state'),
    drbot: { url: `ws://127.0.0.1:${o.drbotPort}/agent`, reconnect: { minSeconds: 0.2, maxSeconds: 2 } },
    logs: { backend: path('logs/backend.log') },
    ports: [8000],
    portMap: { 8000: o.backendPort },
    targets: { backend: { url: `http://127.0.0.1:${o.backendPort}/api/health`, timeoutMs: 5000 } },
    files: { access_db: path('db/routing.accdb') },
    dirs: { backup: path('backup') },
    backups: { access_db: { dir: path('backup'), match: '\\.accdb$', goalHours: 24, limitHours: 72 } },
    restoreFiles: { access_db: { backup: 'access_db' } },
  };
}

/** The real drbot-agent process (dist/) of the e2e host, config `dir`/config/agent.yaml, and the drbot it connects to (`drbot()`: drbot may be restarted). */
export class HostAgent {
  process!: AgentProcess;
  readonly configPath: string;

  constructor(
    dir: string,
    config: Record<string, unknown>,
    private readonly drbot: () => RunningDrbot,
  ) {
    this.configPath = join(dir, 'config/agent.yaml');
    writeFileSync(this.configPath, stringify(config));
  }

  /** Starts the agent; resolves once it logged its connection and drbot sees it online. */
  async start(): Promise<AgentProcess> {
    this.process = new AgentProcess(['--config', this.configPath], { DRBOT_AGENT_TOKEN: AGENT_TEST_TOKEN, LOG_LEVEL: 'info' });
    await this.process.waitForLog('connected to drbot', 1, 60_000);
    await until('drbot to see the agent', () => this.drbot().app.runtime.agents.presence('routing-ml').online);
    return this.process;
  }

  /** kill -9; resolves once it exited and drbot sees it gone. */
  async kill(): Promise<void> {
    await this.stop();
    await until('drbot to see the agent gone', () => !this.drbot().app.runtime.agents.presence('routing-ml').online);
  }

  /** kill -9 if it runs; resolves once it exited. */
  async stop(): Promise<void> {
    this.process?.child.kill('SIGKILL');
    await this.process?.exited;
  }
}
