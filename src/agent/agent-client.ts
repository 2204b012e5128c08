import type { Logger } from 'pino';
import { WebSocket } from 'ws';
import { AGENT_ID_HEADER, MAX_MESSAGE_CHARS, parseHubMessage, type AgentMessage, type HubMessage, type LinkSocket, type WatchdogReport } from '../agentlink/agent-protocol.js';
import { WsLinkSocket } from '../agentlink/ws-link-socket.js';
import type { ActionExecutor } from './action-executor.js';

/** Opens one link to drbot (a WebSocket, or an in-memory pair); rejects when it cannot, or when `signal` aborts the attempt. */
export type AgentTransport = (signal?: AbortSignal) => Promise<LinkSocket>;

/** Thrown by the WebSocket transport when drbot refuses the agent's id or token. */
export class AgentAuthRejected extends Error {
  constructor(readonly statusCode: number) {
    super(`drbot refused this agent (HTTP ${statusCode}): check the agent id and token, and that drbot.yaml lists sha256(token) under agents:`);
    this.name = 'AgentAuthRejected';
  }
}

/** The WebSocket transport: connects to drbot's `/agent` (ws:// or wss://, trusting `ca` too) with the agent id and token in the upgrade headers. */
export function wsTransport(url: string, id: string, token: string, tls: { ca?: Buffer } = {}): AgentTransport {
  return (signal) =>
    new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(new Error('agent stopping'));
      const ws = new WebSocket(url, { headers: { authorization: `Bearer ${token}`, [AGENT_ID_HEADER]: id }, handshakeTimeout: 10_000, maxPayload: MAX_MESSAGE_CHARS, ...(tls.ca ? { ca: tls.ca } : {}) });
      // stopping mid-connect drops the half-open connection at once instead of waiting for the handshake timeout
      const abort = () => {
        ws.terminate();
        reject(new Error('agent stopping'));
      };
      signal?.addEventListener('abort', abort, { once: true });
      ws.once('open', () => {
        signal?.removeEventListener('abort', abort);
        resolve(new WsLinkSocket(ws));
      });
      ws.once('unexpected-response', (_req, res) => {
        reject(res.statusCode === 401 || res.statusCode === 403 ? new AgentAuthRejected(res.statusCode) : new Error(`drbot answered HTTP ${res.statusCode} instead of upgrading`));
        ws.terminate();
      });
      ws.once('error', (err) => reject(err));
    });
}

/**
 * Several drbot replicas: each attempt starts with the replica that answered last and tries the
 * others in turn until one takes the link, so an agent whose replica died is back on another one
 * within one reconnect. Refused credentials stop the round (every replica checks the same list).
 * Returns the index of the replica connected to through `onConnected`, for the log.
 */
export function failoverTransport(transports: readonly AgentTransport[], onConnected?: (index: number) => void): AgentTransport {
  if (transports.length === 1) return transports[0]!;
  let current = 0;
  return async (signal) => {
    let lastError: unknown;
    for (let i = 0; i < transports.length; i++) {
      const index = (current + i) % transports.length;
      try {
        const socket = await transports[index]!(signal);
        current = index;
        onConnected?.(index);
        return socket;
      } catch (err) {
        if (err instanceof AgentAuthRejected || signal?.aborted) throw err;
        lastError = err;
      }
    }
    throw lastError instanceof Error ? lastError : new Error('no drbot replica answered');
  };
}

/** Reconnect delays when agent.yaml does not set them: half a second first, at most 30 s. */
export const DEFAULT_BACKOFF_MS = { min: 500, max: 30_000 };

/** Delay before reconnect attempt `attempt` (0-based): `min·2^attempt`, jittered ±50 %, capped at `max`. */
export function reconnectDelay(attempt: number, backoff: { min: number; max: number }, random: () => number): number {
  const base = Math.min(backoff.max, backoff.min * 2 ** Math.min(attempt, 52));
  return Math.round(Math.min(backoff.max, base * (0.5 + random())));
}

/** Options of the client loop. */
export interface AgentClientOptions {
  host: string;
  version: string;
  actions: string[];
  log?: Logger;
  /** First reconnect delay and the cap: each attempt doubles the delay, jittered ±50 % and never above `max`. */
  backoffMs?: { min: number; max: number };
  random?: () => number;
  /** Told when drbot welcomes the agent (`up`) and when the link is lost or cannot be made (with why): the watchdog listens. */
  onLink?: (up: boolean, reason?: string) => void;
  /** The watchdog's state, sent in hello and every heartbeat. */
  watchdog?: () => WatchdogReport;
  /** How the service runs on this host (agent.yaml `deployment`), said in hello. */
  deployment?: 'docker' | 'local' | 'both';
}

/**
 * The agent's side of the link: says hello, sends heartbeats, runs what drbot asks through the
 * executor, answers re-queries from the ledger, and reconnects with exponential backoff and jitter
 * for as long as drbot is away. The pending reconnect keeps the process alive (an agent whose
 * drbot restarts must still be there when it is back). Results go out on whichever link is up when
 * they finish; drbot re-queries what it missed.
 */
export class AgentClient {
  private socket?: LinkSocket;
  private stopped = false;
  private attempt = 0;
  private heartbeat?: NodeJS.Timeout;
  private lastHeard = 0;
  private retry?: NodeJS.Timeout;
  private connecting?: AbortController;
  private readyResolve!: () => void;
  /** Resolves once drbot has welcomed the agent the first time. */
  readonly ready: Promise<void> = new Promise((r) => (this.readyResolve = r));
  private readonly inflight = new Set<Promise<unknown>>();

  constructor(
    private readonly executor: ActionExecutor,
    private readonly transport: AgentTransport,
    private readonly options: AgentClientOptions,
  ) {}

  /** True while a welcomed link is up. */
  get connected(): boolean {
    return this.socket?.open === true && this.heartbeat !== undefined;
  }

  /** Starts connecting (and keeps reconnecting until `stop`). */
  start(): void {
    void this.connect();
  }

  /** Closes the link, stops reconnecting and waits for running requests to finish. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retry);
    this.connecting?.abort();
    clearInterval(this.heartbeat);
    this.socket?.close(1000, 'agent stopping');
    await Promise.allSettled([...this.inflight]);
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    let socket: LinkSocket;
    const connecting = (this.connecting = new AbortController());
    try {
      socket = await this.transport(connecting.signal);
    } catch (err) {
      if (this.stopped) return;
      this.options.onLink?.(false, (err as Error).message);
      const delay = this.scheduleReconnect();
      this.options.log?.warn({ err: (err as Error).message, failedAttempts: this.attempt, retryInMs: delay }, 'cannot reach drbot; retrying');
      return;
    } finally {
      if (this.connecting === connecting) this.connecting = undefined;
    }
    if (this.stopped) {
      socket.close(1000, 'agent stopping');
      return;
    }
    this.socket = socket;
    socket.onMessage((text) => this.onMessage(socket, text));
    socket.onClose((code, reason) => {
      if (this.socket !== socket) return;
      clearInterval(this.heartbeat);
      this.heartbeat = undefined;
      this.socket = undefined;
      if (!this.stopped) {
        this.options.onLink?.(false, 'the link to drbot closed');
        const delay = this.scheduleReconnect();
        // 1008: drbot refused this agent's hello (a host its config does not bind to this id, or one another agent serves)
        if (code === 1008 && reason) this.options.log?.error({ reason, retryInMs: delay }, 'drbot refused this agent; check agents: in drbot.yaml and host: in agent.yaml');
        else this.options.log?.warn({ code, reason: reason || undefined, retryInMs: delay }, 'link to drbot closed; reconnecting');
      }
    });
    this.send(socket, { type: 'hello', host: this.options.host, version: this.options.version, actions: this.options.actions, watchdog: this.options.watchdog?.(), ...(this.options.deployment ? { deployment: this.options.deployment } : {}) });
  }

  /** Arms the next attempt and returns its delay. The timer is deliberately not unref'd: it is what keeps a waiting agent process alive. */
  private scheduleReconnect(): number {
    const delay = reconnectDelay(this.attempt, this.options.backoffMs ?? DEFAULT_BACKOFF_MS, this.options.random ?? Math.random);
    this.attempt++;
    clearTimeout(this.retry);
    this.retry = setTimeout(() => void this.connect(), delay);
    return delay;
  }

  private onMessage(socket: LinkSocket, text: string): void {
    let msg: HubMessage;
    try {
      msg = parseHubMessage(text);
    } catch (err) {
      this.options.log?.warn({ reason: (err as Error).message }, 'drbot sent a malformed message; ignored');
      return;
    }
    this.lastHeard = Date.now();
    if (msg.type === 'heartbeat') return;
    if (msg.type === 'welcome') {
      this.attempt = 0;
      clearInterval(this.heartbeat);
      const every = msg.heartbeatMs;
      this.heartbeat = setInterval(() => {
        // drbot answers every heartbeat; three unanswered ones mean the link is dead even if TCP has not noticed
        if (Date.now() - this.lastHeard > 3 * every) {
          this.options.log?.warn('drbot stopped answering heartbeats; reconnecting');
          socket.close(1001, 'heartbeat timeout');
          return;
        }
        this.send(socket, { type: 'heartbeat', watchdog: this.options.watchdog?.(), ...(this.options.deployment ? { deployment: this.options.deployment } : {}) });
      }, every);
      this.heartbeat.unref?.();
      this.options.log?.info({ host: this.options.host }, 'connected to drbot');
      this.options.onLink?.(true);
      // the watchdog's state changed with the welcome (armed again): drbot hears it now, not a heartbeat later
      if (this.options.watchdog) this.send(socket, { type: 'heartbeat', watchdog: this.options.watchdog() });
      this.readyResolve();
    } else if (msg.type === 'query') {
      const s = this.executor.status(msg.requestId);
      this.send(socket, { type: 'status', requestId: msg.requestId, state: s.state, result: s.state === 'done' ? s.result : undefined });
    } else if (msg.type === 'run') {
      const { requestId } = msg.request;
      const job = this.executor
        .execute(msg.request, (line) => this.sendCurrent({ type: 'progress', requestId, line: line.slice(0, 4096) }))
        .then((result) => this.sendCurrent({ type: 'result', requestId, result }));
      this.inflight.add(job);
      void job.finally(() => this.inflight.delete(job));
    }
  }

  private sendCurrent(msg: AgentMessage): void {
    if (this.socket?.open) this.send(this.socket, msg);
  }

  private send(socket: LinkSocket, msg: AgentMessage): void {
    socket.send(JSON.stringify(msg));
  }
}
