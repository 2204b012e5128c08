import { DrbotError, ErrorCode } from '../errors/drbot-error.js';
import type { Deployment, WatchdogReport } from './agent-protocol.js';
/** How a step ended on the host, as the agent reports it. `unknown`: the link dropped mid-run and a re-query did not settle it. */
export type ActionStatus = 'ok' | 'warn' | 'fail' | 'unknown';

/** One request to a host agent: an action name and symbolic parameters, never a path or a shell string. */
export interface ActionRequest {
  /** Unique per execution; the agent never runs the same id twice. */
  requestId: string;
  host: string;
  action: string;
  params: Record<string, string | number | boolean>;
  incidentId?: string;
  /** Required for actions that change the host. */
  approvalId?: string;
  /** The incident is a drill (the agent injects faults only then). */
  drill?: boolean;
  timeoutMs: number;
}

/** What came back. `output` is capped by the agent (64 kB). */
export interface ActionResult {
  status: ActionStatus;
  summary: string;
  output: string;
  data?: unknown;
}

/** Whether a host's agent is connected, and when it was last heard from. */
export interface AgentPresence {
  host: string;
  online: boolean;
  lastSeenAt?: number;
  /** The agent's watchdog as it last reported it (absent when agent.yaml has none). */
  watchdog?: WatchdogReport;
  /** How the service runs on the host, as agent.yaml says (absent: not said; every step fits). */
  deployment?: Deployment;
  /** The drbot replica holding the agent's link (several replicas on PostgreSQL). */
  replica?: string;
}

/** An agent whose hello drbot refused (it claimed a host it may not serve, or one another link serves), for `/incident agents`. */
export interface AgentRefusal {
  agentId: string;
  /** The host its hello claimed. */
  host: string;
  reason: string;
  at: number;
  /** How many times in a row (the agent keeps reconnecting). */
  count: number;
}

/** The bot side of the host-agent link, as the core sees it. */
export interface AgentPort {
  /** Presence of the agent serving `host`. */
  presence(host: string): AgentPresence;
  /** Every agent drbot knows of. */
  list(): AgentPresence[];
  /** Agents refused lately, newest first (only the hub has any). */
  refusals?(): AgentRefusal[];
  /**
   * Runs an action on the host. Resolves with the agent's result; rejects with AgentOfflineError
   * (nothing was sent) when no agent serves the host.
   */
  run(request: ActionRequest, onProgress?: (line: string) => void): Promise<ActionResult>;
  /** Re-reads presence kept elsewhere (another replica may hold the link); `presence` and `list` answer from what was read last. */
  refresh?(): Promise<void>;
}

/** Thrown by `AgentPort.run` when no agent for the host is connected: nothing was sent, nothing ran. */
export class AgentOfflineError extends DrbotError {
  constructor(readonly host: string) {
    super(ErrorCode.AgentOffline, `no agent is connected for host ${host}`, `start drbot-agent on ${host} (see /incident agents)`);
  }
}

/** The port used when no agent has ever been configured: every host is offline. */
export class NoAgentPort implements AgentPort {
  presence(host: string): AgentPresence {
    return { host, online: false };
  }
  list(): AgentPresence[] {
    return [];
  }
  async run(request: ActionRequest): Promise<ActionResult> {
    throw new AgentOfflineError(request.host);
  }
}
