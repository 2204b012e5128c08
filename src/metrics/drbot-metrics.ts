import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { AgentPort } from '../agentlink/agent-port.js';
import type { TimelineEntry } from '../incident/incident.js';
import type { Logger } from '../logging/create-logger.js';
import type { Store } from '../store/store.js';
import type { Metrics } from './metrics.js';

/** Where the scrape-time gauges come from. */
export interface MetricsSources {
  store: Store;
  agents: () => AgentPort;
  /** Fault type ids of the pack, so every type shows (0 when none is open). */
  faultTypes: readonly number[];
  log: Logger;
  /** This process's replica id (several replicas on PostgreSQL): every series is labelled with it. */
  replica?: string;
  /** Hosts whose agent link this replica holds now. */
  heldHosts?: () => string[];
}

/**
 * drbot's Prometheus metrics on their own registry (never prom-client's global one, so tests and
 * several drbots in one process do not collide). Gauges that live in the database are read on scrape.
 */
export class DrbotMetrics implements Metrics {
  readonly registry = new Registry();
  private readonly pages: Counter<'level' | 'channel' | 'outcome'>;
  private readonly timerLateness: Histogram;
  private readonly commandDuration: Histogram<'verb' | 'outcome'>;
  private readonly agentRoundTrip: Histogram<'action' | 'status'>;

  constructor(sources: MetricsSources, options: { processMetrics?: boolean } = {}) {
    const registers = [this.registry];
    if (sources.replica) this.registry.setDefaultLabels({ replica: sources.replica });
    const gauges = sources.store.gauges;
    new Gauge({
      name: 'drbot_store_up',
      help: 'Whether the store answered at this scrape (1) or not (0).',
      registers,
      async collect() {
        this.set(
          await sources.store.ping().then(
            () => 1,
            () => 0,
          ),
        );
      },
    });
    new Gauge({
      name: 'drbot_open_incidents',
      help: 'Incidents currently open, by fault type.',
      labelNames: ['type'],
      registers,
      async collect() {
        this.reset();
        try {
          const open = await gauges.openIncidentsByType();
          for (const type of new Set([...sources.faultTypes, ...open.keys()])) this.set({ type: String(type) }, open.get(type) ?? 0);
        } catch (err) {
          sources.log.warn({ err: (err as Error).message }, 'metrics: cannot read open incidents from the store');
        }
      },
    });
    new Gauge({
      name: 'drbot_outbox_depth',
      help: 'Messages waiting in the outbox for delivery, by platform.',
      labelNames: ['platform'],
      registers,
      async collect() {
        this.reset();
        try {
          for (const [platform, n] of await gauges.outboxDepth()) this.set({ platform }, n);
        } catch (err) {
          sources.log.warn({ err: (err as Error).message }, 'metrics: cannot read the outbox depth from the store');
        }
      },
    });
    new Gauge({
      name: 'drbot_agents_connected',
      help: 'Host agents connected now (1) or known but offline (0), by host.',
      labelNames: ['host'],
      registers,
      collect() {
        this.reset();
        for (const a of sources.agents().list()) this.set({ host: a.host }, a.online ? 1 : 0);
      },
    });
    if (sources.heldHosts) {
      const heldHosts = sources.heldHosts;
      new Gauge({
        name: 'drbot_agent_links_held',
        help: 'Agent links this replica holds now (1), by host; the other replicas route requests for them here.',
        labelNames: ['host'],
        registers,
        collect() {
          this.reset();
          for (const host of heldHosts()) this.set({ host }, 1);
        },
      });
    }
    this.pages = new Counter({ name: 'drbot_pages_total', help: 'Pages sent by the escalation ladder, by rung, channel and outcome.', labelNames: ['level', 'channel', 'outcome'], registers });
    this.timerLateness = new Histogram({
      name: 'drbot_timer_lateness_seconds',
      help: 'How long after its due time a durable timer was claimed.',
      buckets: [0.05, 0.25, 1, 5, 15, 60, 300, 900, 3600],
      registers,
    });
    this.commandDuration = new Histogram({
      name: 'drbot_command_duration_seconds',
      help: 'Time to handle a command, by verb and outcome.',
      labelNames: ['verb', 'outcome'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10, 60],
      registers,
    });
    this.agentRoundTrip = new Histogram({
      name: 'drbot_agent_round_trip_seconds',
      help: 'Requests to host agents and back, by action and result status.',
      labelNames: ['action', 'status'],
      buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60, 300],
      registers,
    });
    if (options.processMetrics) collectDefaultMetrics({ register: this.registry, prefix: 'drbot_' });
  }

  /** Counts a page from its timeline entry (kind `page`, written by the ladder after each send). */
  countPage(entry: TimelineEntry): void {
    if (entry.kind !== 'page') return;
    const data = entry.data ?? {};
    const level = typeof data.level === 'number' ? String(data.level) : 'unknown';
    const channel = typeof data.via === 'string' && data.via ? data.via : typeof data.channel === 'string' ? data.channel : 'none';
    this.pages.inc({ level, channel, outcome: data.ok === false ? 'failed' : 'sent' });
  }

  /** Records one command (the router's observer). */
  observeCommand(verb: string, outcome: string, ms: number): void {
    this.commandDuration.observe({ verb, outcome }, ms / 1000);
  }

  observeTimerLateness(ms: number): void {
    this.timerLateness.observe(Math.max(0, ms) / 1000);
  }

  observeAgentRoundTrip(action: string, ms: number, status = 'ok'): void {
    this.agentRoundTrip.observe({ action, status }, ms / 1000);
  }

  /** The Prometheus text exposition of every metric, and its content type. */
  async exposition(): Promise<{ contentType: string; text: string }> {
    return { contentType: this.registry.contentType, text: await this.registry.metrics() };
  }
}
