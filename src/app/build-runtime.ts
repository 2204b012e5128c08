import { randomUUID } from 'node:crypto';
import { AgentHub } from '../agentlink/agent-hub.js';
import { newReplicaId, ReplicaAgentPort } from '../agentlink/replica-agent-port.js';
import type { AgentPort } from '../agentlink/agent-port.js';
import { ScrubbedAgentPort } from '../agentlink/scrubbed-agent-port.js';
import type { Clock } from '../clock/clock.js';
import { ScaledClock } from '../clock/scaled-clock.js';
import { SystemClock } from '../clock/system-clock.js';
import type { DrbotConfig } from '../config/load-config.js';
import { ContactDirectory } from '../contacts/contact-directory.js';
import type { ContactsFile } from '../contacts/contact-schema.js';
import { loadContacts } from '../contacts/load-contacts.js';
import { IncidentEvents } from '../incident/incident-events.js';
import { IncidentService } from '../incident/incident-service.js';
import { StepRunner } from '../incident/step-runner.js';
import { secretsFromEnv, type Logger } from '../logging/create-logger.js';
import { addSecretValues } from '../logging/scrub-secrets.js';
import { DrbotMetrics } from '../metrics/drbot-metrics.js';
import { TimedAgentPort } from '../metrics/timed-agent-port.js';
import { createNotifyChannels } from '../notify/create-notify-channels.js';
import { OpsChannels } from '../notify/ops-channel.js';
import { ChatPager, type Pager } from '../notify/pager.js';
import { IncidentReportWriter } from '../report/incident-report-writer.js';
import { loadRunbookPack } from '../runbook/load-runbook-pack.js';
import type { RunbookPack } from '../runbook/pack-schema.js';
import { checkTimer } from '../scheduler/check-timer.js';
import { ScheduledChecks } from '../scheduler/scheduled-checks.js';
import { Scheduler } from '../scheduler/scheduler.js';
import { missedWorkTimer } from '../scheduler/missed-work.js';
import { INCIDENT_TIMER_HANDLERS } from '../escalation/incident-timer-handlers.js';
import { openStore } from '../store/open-store.js';
import type { Store } from '../store/store.js';
import { HistoryStatsCache } from '../history/history-stats-cache.js';
import { WebLinks } from '../web/web-links.js';
import type { Core } from './core.js';
import { DrillService } from '../drill/drill-service.js';
import type { Runtime } from './runtime.js';

/** Picks the clock: scaled for drills (`DRBOT_TIME_SCALE`), else the system clock. */
export function clockFor(config: Pick<DrbotConfig, 'timeScale' | 'clockEpoch'>, processStart = Date.now()): Clock {
  return config.timeScale === 1 && config.clockEpoch === undefined ? new SystemClock() : new ScaledClock(config.timeScale, config.clockEpoch ?? processStart);
}

/** What a caller may give instead of what the configuration would make (tests: a virtual clock, in-memory SQLite, a fake agent). */
export interface RuntimeOverrides {
  clock?: Clock;
  store?: Store;
  /** Another agent port instead of the agent link (then the runtime has no `hub`). */
  agents?: AgentPort;
  /** The contact list itself instead of the file `config.contactsPath` names. */
  contacts?: ContactsFile;
  /** Another pager instead of the chat → email → webhook fallback chain the configuration sets up. */
  pager?: (chat: ChatPager, pack: RunbookPack) => Pager;
  /** Metrics for `/metrics` (default on, with the process metrics); `false` leaves them out. */
  metrics?: false | { processMetrics: boolean };
  /** Where failing incident listeners and ops-channel posts end up (default: logged). */
  onListenerError?: (err: unknown, what: string) => void;
}

/**
 * The composition root: loads the pack and contacts, opens the store, and makes every service once.
 * The result is frozen; production and tests both build it here.
 */
export async function buildRuntime(config: DrbotConfig, log: Logger, overrides: RuntimeOverrides = {}): Promise<Runtime> {
  // drbot's own tokens and passwords join the scrubber every escaper in src/markup runs, so nothing drbot posts or writes carries them.
  addSecretValues(secretsFromEnv(config.env));
  const pack = loadRunbookPack(config.runbookPath);
  const timeZone = config.timeZone || pack.timeZone;
  const contacts = new ContactDirectory(overrides.contacts ?? loadContacts(config.contactsPath), timeZone, new Set(config.holidays));
  const store = overrides.store ?? (await openStore(config, (err) => log.warn({ err: err.message }, 'a PostgreSQL connection dropped while idle; the next query reconnects')));
  const chat = new ChatPager();
  const notify = createNotifyChannels(config, chat, pack);
  if (!overrides.pager) log.info({ pageChannels: notify.pageChannels, noticeChannels: notify.notices.channels() }, 'page and notice channels set up');
  // On PostgreSQL several replicas may share the database: which one holds each agent's link is a leased row, not this process's memory.
  const cluster = store.cluster;
  const hub = overrides.agents ? undefined : new AgentHub({ agents: config.agents, log, repository: cluster ? undefined : store.agents });
  const replica = hub && cluster ? new ReplicaAgentPort(hub, cluster, { replicaId: newReplicaId(config.replicaId), log, info: { port: config.port } }) : undefined;
  if (replica) log.info({ replica: replica.replicaId }, 'PostgreSQL store: this process is one replica among those sharing the database');
  // Host output is scrubbed of secrets where it enters drbot, before it is stored or shown.
  const linked: AgentPort = new ScrubbedAgentPort(overrides.agents ?? replica ?? hub!);
  const metrics =
    overrides.metrics === false
      ? undefined
      : new DrbotMetrics(
          { store, agents: () => linked, faultTypes: pack.types.map((t) => t.id), log, ...(replica ? { replica: replica.replicaId, heldHosts: () => replica.heldHosts() } : {}) },
          overrides.metrics ?? { processMetrics: true },
        );
  const onListenerError = overrides.onListenerError ?? ((err: unknown, what: string) => log.error({ err, what }, 'incident listener or ops post failed'));
  const clock = overrides.clock ?? clockFor(config);
  const events = new IncidentEvents((err, event) => onListenerError(err, `incident listener (${event})`));
  const history = new HistoryStatsCache(store.history, pack, clock);
  history.subscribe(events);
  const core: Core = Object.freeze({
    lang: config.lang,
    timeZone,
    pack,
    contacts,
    store,
    clock,
    agents: metrics ? new TimedAgentPort(linked, metrics) : linked,
    events,
    log,
    chat,
    pager: overrides.pager ? overrides.pager(chat, pack) : notify.pager,
    notices: notify.notices,
    ops: new OpsChannels((err) => onListenerError(err, 'ops channel post')),
    reportsDir: config.reportsDir,
    procedureDocument: config.procedureDocument,
    metrics,
    history,
    newId: () => randomUUID(),
  });
  const incidents = new IncidentService(core);
  const steps = new StepRunner(core, incidents);
  const checks = new ScheduledChecks(core);
  const timerHandlers = Object.freeze([...INCIDENT_TIMER_HANDLERS, checkTimer(core, checks), missedWorkTimer(core)]);
  return Object.freeze({
    ...core,
    metrics,
    hub,
    replica,
    incidents,
    steps,
    drills: new DrillService(core, incidents),
    reports: new IncidentReportWriter(core, incidents),
    checks,
    timerHandlers,
    scheduler: new Scheduler(core, { handlers: timerHandlers }),
    web: WebLinks.fromConfig(config),
  });
}
