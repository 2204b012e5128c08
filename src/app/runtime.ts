import type { AgentHub } from '../agentlink/agent-hub.js';
import type { ReplicaAgentPort } from '../agentlink/replica-agent-port.js';
import type { IncidentService } from '../incident/incident-service.js';
import type { StepRunner } from '../incident/step-runner.js';
import type { DrbotMetrics } from '../metrics/drbot-metrics.js';
import type { IncidentReportWriter } from '../report/incident-report-writer.js';
import type { ScheduledChecks } from '../scheduler/scheduled-checks.js';
import type { Scheduler } from '../scheduler/scheduler.js';
import type { TimerHandler } from '../scheduler/timer-work.js';
import type { WebLinks } from '../web/web-links.js';
import type { Core } from './core.js';
import type { DrillService } from '../drill/drill-service.js';

/**
 * Everything that exists while drbot runs, made once by `buildRuntime` and frozen: the core values
 * and ports, and the services built from them. The router, the handlers and the modules get it and
 * use what they need; none of them replaces a part of it.
 */
export interface Runtime extends Core {
  /** The incident lifecycle (open, ack, resolve …). */
  readonly incidents: IncidentService;
  /** Approvals, step runs and diagnostics. */
  readonly steps: StepRunner;
  /** Drills: ending one and undoing what it injected. */
  readonly drills: DrillService;
  /** Writes post-incident reports. */
  readonly reports: IncidentReportWriter;
  /** The weekly and monthly checks. */
  readonly checks: ScheduledChecks;
  /** What acts on each timer kind: the incident timers (ladder, RTO alarms, quiet reminder) and the scheduled checks. */
  readonly timerHandlers: readonly TimerHandler[];
  /** The durable timer loop over `timerHandlers`; the scheduler module starts and stops it. */
  readonly scheduler: Scheduler;
  /** The agent link drbot serves at `/agent`; absent when the runtime was given another agent port (tests). */
  readonly hub?: AgentHub;
  /** On PostgreSQL: this replica's side of agent presence and request routing among replicas (the agent port wraps it). */
  readonly replica?: ReplicaAgentPort;
  readonly metrics?: DrbotMetrics;
  /** Sign-in links to the web view; absent unless `web.enabled` with DRBOT_WEB_SECRET. */
  readonly web?: WebLinks;
}
