import { randomBytes } from 'node:crypto';
import { SYSTEM_ACTOR } from '../app/actor.js';
import type { AppContext, DrbotModule } from '../app/drbot-module.js';
import { loadAgentConfig, type AgentConfig } from '../agent/agent-config.js';
import { wsTransport, type AgentTransport } from '../agent/agent-client.js';
import { seedDemoHost } from '../agent/demo-host.js';
import { settleOrphanResult, settleOrphanRuns } from '../incident/settle-orphan-runs.js';
import { startAgent, type RunningAgent } from '../agent/start-agent.js';
import { AgentHub, sha256Hex } from './agent-hub.js';
import type { ActionRequest } from './agent-port.js';
import { AGENT_PATH } from './agent-protocol.js';
import { memoryLinkPair } from './memory-link.js';

/** How long the diagnostics of a just-opened incident wait for the embedded agent's first connection. */
const EMBEDDED_WAIT_MS = 5_000;
/** Progress lines of long steps (retraining) are posted to the incident at most this often. */
const PROGRESS_EVERY_MS = 5_000;
const PROGRESS_LINES = 10;

/**
 * The agent link inside drbot: serves `/agent` on the shared HTTP server, posts long steps'
 * progress and settles runs a previous drbot left running, and in console mode starts the embedded
 * demo agent against this machine (over a real WebSocket to the local server, or in memory when
 * the HTTP port could not be bound).
 */
export class AgentLinkModule implements DrbotModule {
  readonly name = 'agent-link';
  private embedded?: RunningAgent;
  private embeddedReady?: Promise<void>;
  private hub?: AgentHub;
  private readonly work = new Set<Promise<unknown>>();
  private app?: AppContext;
  private readonly progress = new Map<string, { request: ActionRequest; lines: string[]; dropped: number }>();
  private progressTimer?: NodeJS.Timeout;

  constructor(private readonly options: { embeddedConfigPath?: string } = {}) {}

  async start(app: AppContext): Promise<void> {
    this.app = app;
    const { runtime } = app;
    const hub = runtime.hub;
    if (hub) {
      this.hub = hub;
      hub.onProgress((request, line) => this.bufferProgress(request, line));
      hub.onSettled((request) => {
        if (this.progress.has(request.requestId)) this.track(this.flushProgress(request.requestId));
      });
      await hub.load();
      const replica = runtime.replica;
      if (replica) {
        // Several replicas: a run whose asking replica died is settled by the replica holding the agent, by asking it.
        replica.onOrphanResult(async (request, result) => {
          await settleOrphanResult(runtime, runtime.steps, runtime.incidents, request, result);
        });
        await replica.start();
        app.http.addHealthCheck({ name: 'replica', critical: false, check: () => replica.health() });
      } else {
        // Runs an earlier drbot process left "running" are settled by asking the agent, never re-run.
        const startedAt = runtime.clock.now();
        hub.onConnected((host) => {
          void this.track(
            settleOrphanRuns(runtime, runtime.steps, runtime.incidents, host, startedAt, (request) => hub.requery(request)).catch((err: unknown) => runtime.log.error({ err, host }, 'settling step runs left by a previous drbot failed')),
          );
        });
      }
      app.http.onUpgrade(AGENT_PATH, (req, socket, head) => hub.upgrade(req, socket, head));
    }
    if (this.options.embeddedConfigPath && hub) {
      await this.startEmbedded(app, hub, this.options.embeddedConfigPath);
      // The diagnostics of an incident opened at once wait for the embedded agent (a few seconds at most).
      if (this.embeddedReady) hub.expectArrival(this.embeddedReady, EMBEDDED_WAIT_MS);
    }
  }

  /** Waits (a few seconds at most) for the embedded agent's first connection, so the first incident card already shows it online. */
  async ready(): Promise<void> {
    if (this.embeddedReady) await Promise.race([this.embeddedReady, new Promise((r) => setTimeout(r, EMBEDDED_WAIT_MS).unref())]);
  }

  async stop(deadline: number): Promise<void> {
    // settling and progress posts in flight finish first (bounded by the deadline)
    await Promise.race([Promise.allSettled([...this.work]), new Promise((r) => setTimeout(r, Math.max(0, deadline - Date.now())).unref())]);
    clearTimeout(this.progressTimer);
    await this.flushProgress();
    // drbot is the one leaving: links closing from here on are expected, not warnings.
    this.hub?.beginShutdown();
    this.app?.runtime.replica?.beginShutdown();
    await this.embedded?.stop();
    this.embedded = undefined;
    await this.hub?.close();
    // after the links closed: let go of the agents' rows and leave the replicas (survivors settle what was in flight)
    await this.app?.runtime.replica?.stop();
  }

  private track<T>(job: Promise<T>): Promise<T> {
    this.work.add(job);
    void job.finally(() => this.work.delete(job)).catch(() => undefined);
    return job;
  }

  /** Keeps a progress line of a long step; they go to the incident's timeline in batches. */
  private bufferProgress(request: ActionRequest, line: string): void {
    if (!request.incidentId || !line.trim()) return;
    const buf = this.progress.get(request.requestId) ?? { request, lines: [], dropped: 0 };
    buf.lines.push(line);
    if (buf.lines.length > PROGRESS_LINES) {
      buf.lines.shift();
      buf.dropped++;
    }
    this.progress.set(request.requestId, buf);
    this.progressTimer ??= setTimeout(() => {
      this.progressTimer = undefined;
      void this.flushProgress();
    }, PROGRESS_EVERY_MS);
    this.progressTimer.unref();
  }

  private async flushProgress(requestId?: string): Promise<void> {
    const app = this.app;
    const batches = requestId ? [this.progress.get(requestId)!] : [...this.progress.values()];
    if (requestId) this.progress.delete(requestId);
    else this.progress.clear();
    if (!app) return;
    for (const { request, lines, dropped } of batches) {
      const incident = await app.runtime.store.incidents.get(request.incidentId!);
      if (!incident) continue;
      const more = dropped ? (app.runtime.lang === 'ko' ? `(앞의 ${dropped}줄 생략)\n` : `(${dropped} earlier lines left out)\n`) : '';
      await app.runtime.incidents
        .record(incident, SYSTEM_ACTOR, 'step', `⏳ ${request.action}:\n${more}${lines.join('\n')}`, { request: request.requestId, progress: true })
        .catch((err: unknown) => app.runtime.log.error({ err, incidentId: incident.id }, 'could not post step progress'));
    }
  }

  private async startEmbedded(app: AppContext, hub: AgentHub, configPath: string): Promise<void> {
    const { log } = app.runtime;
    let config: AgentConfig;
    try {
      config = loadAgentConfig(configPath);
    } catch (err) {
      log.warn({ err: (err as Error).message }, 'embedded agent not started: its config is invalid');
      return;
    }
    if (config.demoHost) await seedDemoHost(config.demoHost);
    const token = randomBytes(32).toString('hex');
    hub.allow(config.id, sha256Hex(token), [config.host]);
    const server = app.http.server;
    const memory: AgentTransport = async () => {
      const [hubEnd, agentEnd] = memoryLinkPair();
      hub.accept(config.id, hubEnd);
      return agentEnd;
    };
    const launch = (transport: AgentTransport) => {
      this.embedded = startAgent(config, transport, { log: log.child({ embeddedAgent: config.id }) });
      return this.embedded.client.ready;
    };
    this.embeddedReady = new Promise<void>((resolve) => {
      const onListening = () => {
        server.off('error', onError);
        const addr = server.address();
        const port = typeof addr === 'object' && addr ? addr.port : 0;
        void launch(wsTransport(`ws://127.0.0.1:${port}${AGENT_PATH}`, config.id, token)).then(resolve);
      };
      const onError = () => {
        server.off('listening', onListening);
        void launch(memory).then(resolve);
      };
      // Over TLS the certificate names drbot's public host, not 127.0.0.1: the in-process agent uses the in-memory link.
      if (app.http.tls) void launch(memory).then(resolve);
      else if (server.listening) onListening();
      else {
        server.once('listening', onListening);
        server.once('error', onError);
      }
    });
  }
}
