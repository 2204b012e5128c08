import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from 'pino';
import { WebSocketServer } from 'ws';
import type { AgentRepository } from '../store/agent-repository.js';
import { AgentOfflineError, type ActionRequest, type ActionResult, type AgentPort, type AgentPresence, type AgentRefusal } from './agent-port.js';
import { AGENT_ID_HEADER, AGENT_PATH, MAX_MESSAGE_CHARS, MalformedMessage, parseAgentMessage, type AgentMessage, type HubMessage, type Deployment, type LinkSocket, type WatchdogReport, type WireResult } from './agent-protocol.js';
import { WsLinkSocket } from './ws-link-socket.js';
import { refuseUpgrade, routeUpgrade } from '../http/route-upgrade.js';

/** SHA-256 (hex) of a token: what drbot's config stores instead of the token. */
export function sha256Hex(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

interface Connection {
  id: string;
  host: string;
  socket: LinkSocket;
  lastSeenAt: number;
  /** What the agent last said about its watchdog (hello, heartbeats). */
  watchdog?: WatchdogReport;
  /** How the service runs on the host (hello). */
  deployment?: Deployment;
  remote?: string;
}

/** Refusals kept for `/incident agents` (the newest; an agent that keeps retrying counts up one entry). */
const MAX_REFUSALS = 20;

interface Pending {
  request: ActionRequest;
  host: string;
  socket?: LinkSocket;
  resolve(result: ActionResult): void;
  onProgress?: (line: string) => void;
  timer: NodeJS.Timeout;
}

/** Options of the hub; every outside dependency comes in here. */
export interface AgentHubOptions {
  /** Agents allowed to connect: id, SHA-256 of the token, and the hosts it may serve (default: the host named like the id). */
  agents: readonly { id: string; tokenSha256: string; hosts?: readonly string[] }[];
  log: Logger;
  now?: () => number;
  repository?: AgentRepository;
  /** How often agents send heartbeats; a link silent for three of them is closed. */
  heartbeatMs?: number;
  /** Extra time after a request's own timeout before its outcome is declared unknown. */
  graceMs?: number;
}

/**
 * drbot's side of the host-agent link: authenticates agents on the `/agent` WebSocket (id + token,
 * compared by SHA-256), tracks presence and last-seen time, sends requests with ids and matches the
 * answers. A request whose link drops is re-queried by id when the agent returns, never re-sent.
 */
export class AgentHub implements AgentPort {
  private readonly tokens = new Map<string, Buffer>();
  private readonly hostsOf = new Map<string, ReadonlySet<string>>();
  private readonly refused = new Map<string, AgentRefusal>();
  private readonly known = new Map<string, { host: string; lastSeenAt?: number; watchdog?: WatchdogReport; deployment?: Deployment }>();
  private readonly byHost = new Map<string, Connection>();
  private readonly pending = new Map<string, Pending>();
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_CHARS });
  private readonly now: () => number;
  private readonly heartbeatMs: number;
  private readonly graceMs: number;
  private sweeper?: NodeJS.Timeout;
  private readonly progressListeners: ((request: ActionRequest, line: string) => void)[] = [];
  private readonly settledListeners: ((request: ActionRequest) => void)[] = [];
  private readonly connectedListeners: ((host: string, id: string) => void)[] = [];
  private readonly disconnectedListeners: ((host: string, id: string) => void)[] = [];
  private expected: Promise<unknown> = Promise.resolve();
  private shuttingDown = false;

  constructor(private readonly options: AgentHubOptions) {
    for (const a of options.agents) this.allow(a.id, a.tokenSha256, a.hosts);
    this.now = options.now ?? Date.now;
    this.heartbeatMs = options.heartbeatMs ?? 15_000;
    this.graceMs = options.graceMs ?? 10_000;
  }

  /**
   * Allows an agent id with the SHA-256 (hex) of its token and the hosts it may serve (default: the
   * host named like the id); the embedded agent registers its generated token here.
   */
  allow(id: string, tokenSha256: string, hosts: readonly string[] = [id]): void {
    this.tokens.set(id, Buffer.from(tokenSha256, 'hex'));
    this.hostsOf.set(id, new Set(hosts.length ? hosts : [id]));
  }

  /** Agents refused lately, newest first. */
  refusals(): AgentRefusal[] {
    return [...this.refused.values()].sort((a, b) => b.at - a.at);
  }

  /** True when `token` is the token of agent `id`. */
  authenticate(id: string, token: string): boolean {
    const expected = this.tokens.get(id);
    const got = Buffer.from(sha256Hex(token), 'hex');
    return expected !== undefined && expected.length === got.length && timingSafeEqual(expected, got);
  }

  /** Subscribes to every progress line of every request (the agent link streams them to the incident's timeline). */
  onProgress(listener: (request: ActionRequest, line: string) => void): void {
    this.progressListeners.push(listener);
  }

  /** Subscribes to the end of every request (its result arrived, or it was declared unknown). */
  onSettled(listener: (request: ActionRequest) => void): void {
    this.settledListeners.push(listener);
  }

  /** Tells the hub an agent is on its way (the embedded one); `arrivals()` waits for it, `maxMs` at most. */
  expectArrival(arrival: Promise<unknown>, maxMs: number): void {
    let timer: NodeJS.Timeout | undefined;
    const waited = Promise.race([arrival, new Promise((resolve) => (timer = setTimeout(resolve, maxMs)))]);
    void waited.finally(() => clearTimeout(timer));
    this.expected = waited;
  }

  /** Resolves once the agents expected at start have connected (or were waited for long enough). */
  arrivals(): Promise<unknown> {
    return this.expected;
  }

  /** Subscribes to agents connecting (after the welcome), e.g. to settle runs a drbot restart orphaned. */
  onConnected(listener: (host: string, id: string) => void): void {
    this.connectedListeners.push(listener);
  }

  /** Subscribes to agents whose link this process held going away (replicas record that they no longer hold it). */
  onDisconnected(listener: (host: string, id: string) => void): void {
    this.disconnectedListeners.push(listener);
  }

  /** True while this process holds an open link to the host's agent. */
  holds(host: string): boolean {
    return this.byHost.get(host)?.socket.open === true;
  }

  /** The agent links this process holds now. */
  held(): { id: string; host: string; lastSeenAt: number }[] {
    return [...this.byHost.values()].filter((c) => c.socket.open).map((c) => ({ id: c.id, host: c.host, lastSeenAt: c.lastSeenAt }));
  }

  /** True while a request with this id waits for its agent's answer here. */
  isPending(requestId: string): boolean {
    return this.pending.has(requestId);
  }

  /**
   * Asks the host's agent what became of a request sent by an earlier drbot process (it crashed or
   * restarted mid-run); never runs it. Resolves with the recorded result, or `unknown` when the
   * agent never finished it.
   */
  requery(request: ActionRequest): Promise<ActionResult> {
    const conn = this.byHost.get(request.host);
    if (!conn || !conn.socket.open) return Promise.reject(new AgentOfflineError(request.host));
    if (this.pending.has(request.requestId)) return Promise.reject(new Error(`request ${request.requestId} is already in flight`));
    return new Promise<ActionResult>((resolve) => {
      const timer = setTimeout(() => {
        this.pending.delete(request.requestId);
        resolve({ status: 'unknown', summary: `the agent did not say what became of request ${request.requestId}; outcome unknown, not re-run`, output: '' });
      }, request.timeoutMs + this.graceMs);
      timer.unref();
      this.pending.set(request.requestId, { request, host: request.host, socket: conn.socket, resolve, timer });
      this.send(conn.socket, { type: 'query', requestId: request.requestId });
    });
  }

  /** Loads last-seen times from the store (agents are offline until they connect again). */
  async load(): Promise<void> {
    for (const row of (await this.options.repository?.all()) ?? []) {
      this.known.set(row.id, { host: row.host, lastSeenAt: row.lastSeenAt });
      if (row.connected) this.persist(row.id, row.host, false, row.lastSeenAt);
    }
  }

  /**
   * Serves the agent WebSocket on exactly `path` of a plain Node server (tests; drbot itself
   * registers `upgrade` with its HttpServer). Upgrades to any other path are refused at once.
   */
  attach(server: Server, path = AGENT_PATH): void {
    const routes = new Map([[path, (req: IncomingMessage, socket: Duplex, head: Buffer) => this.upgrade(req, socket, head)]]);
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => routeUpgrade(routes, req, socket, head, this.options.log));
  }

  /** One upgrade request to the agent path: bad credentials are refused before the upgrade. */
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const id = String(req.headers[AGENT_ID_HEADER] ?? '');
    const auth = String(req.headers.authorization ?? '');
    const token = auth.startsWith('Bearer ') ? auth.slice(7) : '';
    if (!id || !token || !this.authenticate(id, token)) {
      this.options.log.warn(
        { agentId: id.slice(0, 64) || undefined, remote: req.socket.remoteAddress },
        'agent authentication failed: unknown agent id or wrong token; the hash of its token must be listed under agents: in drbot.yaml (echo -n TOKEN | sha256sum)',
      );
      refuseUpgrade(socket, '401 Unauthorized');
      return;
    }
    const remote = req.socket.remoteAddress;
    this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(id, new WsLinkSocket(ws), remote));
  }

  /** Takes an authenticated link from agent `id` (the WebSocket route and the in-memory embedded link call this). */
  accept(id: string, socket: LinkSocket, remote?: string): void {
    this.sweeper ??= setInterval(() => this.sweep(), this.heartbeatMs).unref();
    let conn: Connection | undefined;
    // an authenticated link that never says hello holds a socket: it gets three heartbeats to do so
    const helloTimer = setTimeout(() => {
      if (conn) return;
      this.options.log.warn({ agentId: id }, 'agent sent no hello; closing its link');
      socket.close(1008, 'no hello');
    }, 3 * this.heartbeatMs);
    helloTimer.unref();
    socket.onMessage((text) => {
      let msg: AgentMessage;
      try {
        msg = parseAgentMessage(text);
      } catch (err) {
        const reason = err instanceof MalformedMessage ? err.message : 'malformed message';
        this.options.log.warn({ agentId: id, reason }, 'agent sent a malformed message; closing the link');
        socket.close(err instanceof MalformedMessage ? err.closeCode : 1008, reason.slice(0, 120));
        return;
      }
      if (!conn) {
        if (msg.type !== 'hello') {
          socket.close(1008, 'hello first');
          return;
        }
        clearTimeout(helloTimer);
        const refusal = this.refusalOf(id, msg.host);
        if (refusal) {
          this.refuse(id, msg.host, refusal, remote);
          socket.close(1008, refusal.slice(0, 120));
          return;
        }
        conn = this.register(id, msg.host, socket, remote, msg.watchdog, msg.deployment);
        return;
      }
      conn.lastSeenAt = this.now();
      this.handle(conn, msg);
    });
    socket.onClose(() => {
      clearTimeout(helloTimer);
      if (!conn || this.byHost.get(conn.host) !== conn) return;
      this.byHost.delete(conn.host);
      this.known.set(conn.id, { host: conn.host, lastSeenAt: conn.lastSeenAt, watchdog: conn.watchdog, deployment: conn.deployment });
      this.persist(conn.id, conn.host, false, conn.lastSeenAt, conn.deployment);
      if (this.shuttingDown) this.options.log.info({ agentId: conn.id, host: conn.host }, 'agent disconnected while drbot stops');
      else this.options.log.warn({ agentId: conn.id, host: conn.host }, 'agent disconnected');
      for (const p of this.pending.values()) if (p.socket === conn.socket) p.socket = undefined;
      for (const l of this.disconnectedListeners) l(conn.host, conn.id);
    });
  }

  presence(host: string): AgentPresence {
    const conn = this.byHost.get(host);
    if (conn) return { host, online: true, lastSeenAt: conn.lastSeenAt, ...(conn.watchdog ? { watchdog: conn.watchdog } : {}), ...(conn.deployment ? { deployment: conn.deployment } : {}) };
    const seen = [...this.known.values()].filter((k) => k.host === host && k.lastSeenAt !== undefined).sort((a, b) => b.lastSeenAt! - a.lastSeenAt!);
    const watchdog = seen[0]?.watchdog;
    const deployment = seen[0]?.deployment;
    return { host, online: false, lastSeenAt: seen[0]?.lastSeenAt, ...(watchdog ? { watchdog } : {}), ...(deployment ? { deployment } : {}) };
  }

  list(): AgentPresence[] {
    const hosts = new Set([...this.known.values()].map((k) => k.host));
    for (const [id, allowed] of this.hostsOf) if (!this.known.has(id)) for (const h of allowed) hosts.add(h);
    for (const h of this.byHost.keys()) hosts.add(h);
    return [...hosts].sort().map((h) => this.presence(h));
  }

  run(request: ActionRequest, onProgress?: (line: string) => void): Promise<ActionResult> {
    const conn = this.byHost.get(request.host);
    if (!conn || !conn.socket.open) return Promise.reject(new AgentOfflineError(request.host));
    if (this.pending.has(request.requestId)) return Promise.reject(new Error(`request ${request.requestId} is already in flight`));
    return new Promise<ActionResult>((resolve) => {
      const timer = setTimeout(() => {
        this.pending.delete(request.requestId);
        for (const l of this.settledListeners) l(request);
        resolve({ status: 'unknown', summary: `no result within ${Math.round((request.timeoutMs + this.graceMs) / 1000)} s; outcome unknown (request ${request.requestId}, not re-run)`, output: '' });
      }, request.timeoutMs + this.graceMs);
      timer.unref();
      this.pending.set(request.requestId, { request, host: request.host, socket: conn.socket, resolve, onProgress, timer });
      this.send(conn.socket, { type: 'run', request });
    });
  }

  /** drbot is stopping: agents leaving from now on are expected, not warnings. */
  beginShutdown(): void {
    this.shuttingDown = true;
  }

  /** Closes every link and stops the heartbeat sweeper; pending requests end as unknown. */
  async close(): Promise<void> {
    this.shuttingDown = true;
    if (this.sweeper) clearInterval(this.sweeper);
    const conns = [...this.byHost.values()];
    this.byHost.clear();
    for (const conn of conns) conn.socket.close(1001, 'drbot stopping');
    await Promise.all(conns.map((c) => this.options.repository?.save({ id: c.id, host: c.host, connected: false, lastSeenAt: c.lastSeenAt, deployment: c.deployment }).catch(() => undefined)));
    for (const id of [...this.pending.keys()]) this.settle(id, { status: 'unknown', summary: `drbot stopped while request ${id} was in flight; outcome unknown`, output: '' });
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }

  /**
   * Why agent `id` may not serve `host` now, or undefined when it may: the host must be one drbot's
   * config binds to the id, and no other live link may serve it. A link of the same agent that has
   * been silent for more than a heartbeat is taken to be dead (a dropped network) and is replaced.
   */
  private refusalOf(id: string, host: string): string | undefined {
    const allowed = this.hostsOf.get(id) ?? new Set([id]);
    if (!allowed.has(host)) return `agent ${id} may not serve host ${host} (drbot.yaml allows it ${[...allowed].join(', ')})`;
    const current = this.byHost.get(host);
    if (!current || !current.socket.open) return undefined;
    if (current.id !== id) return `host ${host} is already served by agent ${current.id}`;
    if (this.now() - current.lastSeenAt <= 1.5 * this.heartbeatMs) return `agent ${id} is already connected for host ${host}; a second copy is refused`;
    return undefined;
  }

  private refuse(id: string, host: string, reason: string, remote: string | undefined): void {
    this.options.log.warn({ agentId: id, host, remote }, `agent refused: ${reason}`);
    const key = `${id}\u0000${host}`;
    const before = this.refused.get(key);
    this.refused.delete(key);
    this.refused.set(key, { agentId: id, host, reason, at: this.now(), count: (before?.count ?? 0) + 1 });
    while (this.refused.size > MAX_REFUSALS) this.refused.delete(this.refused.keys().next().value!);
  }

  private register(id: string, host: string, socket: LinkSocket, remote: string | undefined, watchdog?: WatchdogReport, deployment?: Deployment): Connection {
    const previous = this.byHost.get(host);
    if (previous && previous.socket !== socket) {
      this.options.log.warn({ agentId: id, host, remote, previousRemote: previous.remote, silentMs: this.now() - previous.lastSeenAt }, 'agent reconnected while its older link was silent; the older link is closed');
      previous.socket.close(1000, 'replaced by a newer connection of the same agent');
      // what was in flight on the older link is asked about on this one below
      for (const p of this.pending.values()) if (p.socket === previous.socket) p.socket = undefined;
    }
    for (const [key, r] of this.refused) if (r.agentId === id) this.refused.delete(key);
    const conn: Connection = { id, host, socket, lastSeenAt: this.now(), remote, watchdog, ...(deployment ? { deployment } : {}) };
    this.byHost.set(host, conn);
    this.known.set(id, { host, lastSeenAt: conn.lastSeenAt, deployment });
    this.persist(id, host, true, conn.lastSeenAt, deployment);
    this.options.log.info({ agentId: id, host }, 'agent connected');
    this.send(socket, { type: 'welcome', heartbeatMs: this.heartbeatMs });
    // requests whose link dropped: ask what became of them, never send them again
    for (const [requestId, p] of this.pending) {
      if (p.host === host && !p.socket) {
        p.socket = socket;
        this.send(socket, { type: 'query', requestId });
      }
    }
    for (const l of this.connectedListeners) l(host, id);
    return conn;
  }

  private handle(conn: Connection, msg: AgentMessage): void {
    if (msg.type === 'progress' || msg.type === 'result' || msg.type === 'status') {
      const p = this.pending.get(msg.requestId);
      if (!p) return;
      if (p.socket !== conn.socket) {
        // only the link the request (or its re-query) went to may answer it
        this.options.log.warn({ agentId: conn.id, host: conn.host, requestId: msg.requestId, requestHost: p.host, type: msg.type }, 'agent answered a request that was not sent to it; dropped');
        return;
      }
    }
    switch (msg.type) {
      case 'heartbeat':
        if (msg.watchdog) conn.watchdog = msg.watchdog;
        this.send(conn.socket, { type: 'heartbeat' });
        this.persist(conn.id, conn.host, true, conn.lastSeenAt);
        return;
      case 'progress': {
        const p = this.pending.get(msg.requestId);
        if (!p) return;
        p.onProgress?.(msg.line);
        for (const l of this.progressListeners) l(p.request, msg.line);
        return;
      }
      case 'result':
        this.settle(msg.requestId, toResult(msg.result));
        return;
      case 'status':
        if (msg.state === 'done' && msg.result) this.settle(msg.requestId, toResult(msg.result));
        else if (msg.state === 'unknown') {
          this.settle(msg.requestId, { status: 'unknown', summary: `the link dropped and the agent has no finished record of request ${msg.requestId}; outcome unknown, not re-run`, output: '' });
        }
        return;
      case 'hello':
        return;
    }
  }

  private settle(requestId: string, result: ActionResult): void {
    const p = this.pending.get(requestId);
    if (!p) return;
    this.pending.delete(requestId);
    clearTimeout(p.timer);
    for (const l of this.settledListeners) l(p.request);
    p.resolve(result);
  }

  private sweep(): void {
    const limit = this.now() - 3 * this.heartbeatMs;
    for (const conn of this.byHost.values()) {
      if (conn.lastSeenAt < limit) {
        this.options.log.warn({ agentId: conn.id }, 'agent missed three heartbeats; closing its link');
        conn.socket.close(1001, 'heartbeat timeout');
      }
    }
  }

  private send(socket: LinkSocket, msg: HubMessage): void {
    socket.send(JSON.stringify(msg));
  }

  private persist(id: string, host: string, connected: boolean, lastSeenAt?: number, deployment?: Deployment): void {
    this.options.repository?.save({ id, host, connected, lastSeenAt, deployment }).catch((err: unknown) => this.options.log.error({ err, agentId: id }, 'could not record agent presence'));
  }
}

function toResult(r: WireResult): ActionResult {
  return { status: r.status, summary: r.summary, output: r.output, data: r.data };
}
