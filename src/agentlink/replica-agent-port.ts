import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Logger } from 'pino';
import type { AgentRequestRow, ClusterListener, ClusterNotice, ClusterRepository } from '../store/cluster-repository.js';
import type { AgentHub } from './agent-hub.js';
import { AgentOfflineError, type ActionRequest, type ActionResult, type AgentPort, type AgentPresence, type AgentRefusal } from './agent-port.js';

/** How long a replica's lease (and its agents' leases) lasts without renewal. */
export const DEFAULT_REPLICA_LEASE_MS = 10_000;
/** How often a replica looks for request and result rows when no notification came (the LISTEN fallback). */
export const DEFAULT_POLL_MS = 1_000;

/** Options of the replica port. */
export interface ReplicaAgentPortOptions {
  replicaId: string;
  log: Logger;
  /** Lease of the replica and of the agent links it holds; renewed every quarter of it. */
  leaseMs?: number;
  pollMs?: number;
  /** Extra time after a request's own timeout before the asking replica declares it unknown. */
  graceMs?: number;
  /** What the replica tells others about itself (`/healthz`, logs): e.g. its HTTP port. */
  info?: Record<string, unknown>;
}

/** The origin written on the request row of a run whose replica stopped before sending it (no replica has this id). */
export const UNSENT_ORIGIN = 'unsent-run';

/** A request this replica asked for and waits on. */
interface Waiting {
  request: ActionRequest;
  deadline: number;
  resolve(result: ActionResult): void;
  reject(err: unknown): void;
}

/** What a request row's `result` holds: the agent's result, or that no replica could send it. */
type StoredResult = ActionResult | { offline: true };

/** Called when an answered request's asking replica is gone: the result must still be recorded, once. */
export type OrphanResultListener = (request: ActionRequest, result: ActionResult) => Promise<void>;

/** A replica id for this process: DRBOT_REPLICA_ID, else host name, pid and a random suffix. */
export function newReplicaId(configured?: string): string {
  return configured || `${hostname().replace(/[^A-Za-z0-9_.-]/g, '-').slice(0, 40)}-${process.pid}-${randomBytes(3).toString('hex')}`;
}

/**
 * The agent port of one replica among several on PostgreSQL. The replica that holds an agent's
 * link says so in the `agents` row under a lease its heartbeat renews. A request for an agent
 * another replica holds is written as a row, the holder is woken by NOTIFY (or finds it by polling),
 * claims it with SKIP LOCKED, sends it over its link and writes the result into the row, which
 * wakes the asking replica the same way. Requests sent over this replica's own link are rows too, so
 * if this replica dies a survivor finds them: the agent reconnects to another replica, which takes
 * the rows over and asks the agent what became of each (never re-sends); a result nobody waits for
 * any more is handed to `onOrphanResult` to be recorded once.
 */
export class ReplicaAgentPort implements AgentPort {
  readonly replicaId: string;
  private readonly leaseMs: number;
  private readonly pollMs: number;
  private readonly graceMs: number;
  private readonly log: Logger;
  private holdings = new Map<string, AgentPresence & { id: string }>();
  private readonly links = new Map<string, { id: string; link: string }>();
  private readonly waiting = new Map<string, Waiting>();
  private readonly work = new Set<Promise<unknown>>();
  private readonly orphanListeners: OrphanResultListener[] = [];
  /** Requests this replica is asking the agent about now (a sweep meanwhile does not ask again). */
  private readonly requerying = new Set<string>();
  /** Requests answered through their notification whose rows are not marked read yet (the next poll does, in one statement). */
  private readonly unread = new Set<string>();
  private listener?: ClusterListener;
  private listening = false;
  private tickTimer?: NodeJS.Timeout;
  private lastBeat = 0;
  private lastSweep = 0;
  private stopping = false;
  private stopped = false;
  private started = false;
  private claiming?: Promise<void>;
  private claimAgain = false;

  constructor(
    private readonly hub: AgentHub,
    private readonly cluster: ClusterRepository,
    private readonly options: ReplicaAgentPortOptions,
  ) {
    this.replicaId = options.replicaId;
    this.leaseMs = options.leaseMs ?? DEFAULT_REPLICA_LEASE_MS;
    this.pollMs = options.pollMs ?? DEFAULT_POLL_MS;
    this.graceMs = options.graceMs ?? 10_000;
    this.log = options.log.child({ replica: this.replicaId });
    hub.onConnected((host, id) => this.track(this.onAgentConnected(host, id)));
    hub.onDisconnected((host, id) => this.track(this.onAgentDisconnected(host, id)));
  }

  /** Joins the replicas (lease row), starts listening and the heartbeat/poll loop. */
  async start(): Promise<void> {
    await this.cluster.joinReplica(this.replicaId, { pid: process.pid, hostname: hostname(), ...this.options.info }, this.leaseMs);
    this.lastBeat = Date.now();
    this.started = true;
    this.listener = this.cluster.listen(
      (notice) => this.onNotice(notice),
      (listening, err) => {
        this.listening = listening;
        if (listening) {
          this.log.info({ channel: this.cluster.channel }, 'listening for other replicas');
          this.wake();
        } else if (!this.stopping) this.log.warn({ err: err?.message }, 'LISTEN connection to PostgreSQL lost; polling until it is back');
      },
    );
    await this.refresh();
    this.tickTimer = setInterval(() => this.tick(), this.pollMs);
    this.tickTimer.unref();
    this.log.info({ leaseMs: this.leaseMs }, 'replica joined');
  }

  /** Leaves: stops the loop, lets go of held links and removes the replica row (survivors settle what it had in flight). */
  async stop(): Promise<void> {
    if (!this.started || this.stopped) return;
    this.stopped = true;
    this.beginShutdown();
    await Promise.race([Promise.allSettled([...this.work]), new Promise((r) => setTimeout(r, 2_000).unref())]);
    await this.listener?.close();
    await this.cluster.leaveReplica(this.replicaId, Date.now()).catch((err: unknown) => this.log.warn({ err: (err as Error).message }, 'could not remove the replica row; its lease runs out instead'));
    await this.cluster.notify({ k: 'agents' }).catch(() => undefined);
    for (const [id, w] of this.waiting) {
      this.waiting.delete(id);
      w.resolve({ status: 'unknown', summary: `drbot stopped while request ${id} was in flight; outcome unknown`, output: '' });
    }
  }

  /**
   * drbot is stopping: claim nothing more, and leave the answers of requests sent for other replicas
   * unwritten (the links close now; the replica each agent moves to asks the agent instead).
   */
  beginShutdown(): void {
    this.stopping = true;
    clearInterval(this.tickTimer);
  }

  /** Subscribes to results whose asking replica is gone (recorded by the listener, once). */
  onOrphanResult(listener: OrphanResultListener): void {
    this.orphanListeners.push(listener);
  }

  /** What `/healthz` says about this replica: its id, the live replicas, the links it holds and how it hears of requests. */
  async health(): Promise<{ ok: boolean; detail: string }> {
    const live = await this.cluster.liveReplicas();
    const held = this.heldHosts();
    const self = live.some((r) => r.id === this.replicaId);
    return {
      ok: self,
      detail: `replica ${this.replicaId}${self ? '' : ' (its lease has lapsed)'}; holds ${held.length ? `agents: ${held.join(', ')}` : 'no agent'}; ${live.length} live replica(s): ${live.map((r) => r.id).join(', ')}; ${this.listening ? 'LISTEN/NOTIFY' : 'polling only'}`,
    };
  }

  /** True while the LISTEN connection is up (otherwise the replica polls only). */
  get notified(): boolean {
    return this.listening;
  }

  /** Hosts whose agent link this replica holds now. */
  heldHosts(): string[] {
    return this.hub
      .held()
      .map((c) => c.host)
      .sort();
  }

  presence(host: string): AgentPresence {
    if (this.hub.holds(host)) return { ...this.hub.presence(host), replica: this.replicaId };
    const row = this.holdings.get(host);
    if (row) return { host, online: row.online, lastSeenAt: row.lastSeenAt, replica: row.replica, ...(row.deployment ? { deployment: row.deployment } : {}) };
    return { host, online: false };
  }

  list(): AgentPresence[] {
    const hosts = new Set([...this.hub.list().map((p) => p.host), ...this.holdings.keys()]);
    return [...hosts].sort().map((h) => {
      const p = this.presence(h);
      const local = this.hub.presence(h);
      const seen = [p.lastSeenAt, local.lastSeenAt].filter((t): t is number => t !== undefined);
      return { ...p, lastSeenAt: seen.length ? Math.max(...seen) : undefined };
    });
  }

  /** Agents this replica refused lately (each replica sees the connections that reached it). */
  refusals(): AgentRefusal[] {
    return this.hub.refusals();
  }

  /** Re-reads which replica holds which agent (the lists answer from what was read last). */
  async refresh(): Promise<void> {
    const rows = await this.cluster.agentHoldings();
    const next = new Map<string, AgentPresence & { id: string }>();
    for (const r of rows) {
      const existing = next.get(r.host);
      // several ids may serve one host; an online one wins
      if (!existing || (!existing.online && r.online)) next.set(r.host, { id: r.id, host: r.host, online: r.online, replica: r.replica, lastSeenAt: r.lastSeenAt, ...(r.deployment ? { deployment: r.deployment } : {}) });
    }
    this.holdings = next;
  }

  async run(request: ActionRequest, onProgress?: (line: string) => void): Promise<ActionResult> {
    if (this.hub.holds(request.host)) return this.runHere(request, onProgress);
    let holder = this.holdings.get(request.host);
    if (!holder?.online || !holder.replica || holder.replica === this.replicaId) {
      await this.refresh();
      if (this.hub.holds(request.host)) return this.runHere(request, onProgress);
      holder = this.holdings.get(request.host);
    }
    if (!holder?.online || !holder.replica || holder.replica === this.replicaId) throw new AgentOfflineError(request.host);
    const answer = this.wait(request);
    try {
      await this.cluster.insertRequest({ requestId: request.requestId, host: request.host, origin: this.replicaId, holder: holder.replica, state: 'queued', request: JSON.stringify(request) }, { k: 'req', to: holder.replica, id: request.requestId });
    } catch (err) {
      this.waiting.delete(request.requestId);
      throw err;
    }
    return answer;
  }

  /** Sends over this replica's own link, with the request row as the ledger a survivor settles from if this replica dies. */
  private async runHere(request: ActionRequest, onProgress?: (line: string) => void): Promise<ActionResult> {
    await this.cluster.insertRequest({ requestId: request.requestId, host: request.host, origin: this.replicaId, holder: this.replicaId, state: 'sent', request: JSON.stringify(request) });
    let result: ActionResult;
    try {
      result = await this.hub.run(request, onProgress);
    } catch (err) {
      if (err instanceof AgentOfflineError) await this.cluster.complete(request.requestId, this.replicaId, JSON.stringify({ offline: true })).catch(() => undefined);
      await this.cluster.markRead(request.requestId, 'delivered').catch(() => undefined);
      throw err;
    }
    if (this.stopping) return result; // drbot stops: the row stays open for the replica the agent moves to
    if (await this.cluster.complete(request.requestId, this.replicaId, JSON.stringify(result), false, 'delivered')) return result;
    // The link moved to another replica meanwhile; that one asks the agent and writes the answer.
    return this.wait(request);
  }

  /** Waits for the row of a request this replica asked for to be answered. */
  private wait(request: ActionRequest): Promise<ActionResult> {
    const deadline = Date.now() + request.timeoutMs + 2 * this.graceMs + this.leaseMs;
    return new Promise<ActionResult>((resolve, reject) => this.waiting.set(request.requestId, { request, deadline, resolve, reject }));
  }

  private onNotice(notice: ClusterNotice): void {
    if (notice.k === 'agents') this.track(this.refresh());
    else if (notice.k === 'req' && notice.to === this.replicaId) {
      // the request it names is claimed at once, beside any claim loop running now (the queued → sent update makes it once)
      if (notice.id) this.track(this.claimNamed(notice.id));
      else this.claim();
    }
    else if (notice.k === 'res' && notice.to === this.replicaId && notice.id && this.waiting.has(notice.id)) {
      // answered from the notification: the row is marked read with the next poll, off the caller's path
      // (if this replica dies first, a survivor hands it to onOrphanResult, which records a run once)
      if (notice.r !== undefined && this.settleWaiting(notice.id, notice.r as StoredResult)) this.unread.add(notice.id);
      else this.track(this.collect([notice.id]));
    }
  }

  /** Ends the wait of a request this replica asked for with its stored result; false when nobody waits for it (any more). */
  private settleWaiting(requestId: string, stored: StoredResult): boolean {
    const w = this.waiting.get(requestId);
    if (!w) return false;
    this.waiting.delete(requestId);
    if ('offline' in stored) w.reject(new AgentOfflineError(w.request.host));
    else w.resolve(stored);
    return true;
  }

  private wake(): void {
    this.claim();
    const ids = [...this.waiting.keys(), ...this.unread];
    this.unread.clear();
    if (ids.length) this.track(this.collect(ids));
  }

  private tick(): void {
    if (this.stopping) return;
    const now = Date.now();
    if (now - this.lastBeat >= this.leaseMs / 4) {
      this.lastBeat = now;
      this.track(this.heartbeat());
    }
    // polling: the fallback for a lost notification
    this.wake();
    if (!this.listening) this.track(this.refresh());
    if (now - this.lastSweep >= Math.max(this.pollMs * 2, this.leaseMs / 2)) {
      this.lastSweep = now;
      this.track(this.sweep());
    }
  }

  private async heartbeat(): Promise<void> {
    if (!(await this.cluster.renewReplica(this.replicaId, this.leaseMs))) {
      this.log.warn('this replica\'s row was gone (its lease ran out while it was unreachable); joining again');
      await this.cluster.joinReplica(this.replicaId, { pid: process.pid, hostname: hostname(), ...this.options.info }, this.leaseMs);
    }
    const held = this.hub.held().flatMap((c) => {
      const link = this.links.get(c.host);
      return link && link.id === c.id ? [{ id: c.id, link: link.link, lastSeenAt: c.lastSeenAt }] : [];
    });
    const lost = await this.cluster.renewAgents(this.replicaId, held, this.leaseMs);
    for (const id of lost) {
      const host = this.hub.held().find((c) => c.id === id)?.host;
      const link = host ? this.links.get(host) : undefined;
      if (!host || !link) continue;
      // our row lapsed (the database was unreachable longer than the lease) but the link is up: hold it again
      this.log.warn({ agentId: id, host }, 'agent lease had lapsed while its link stayed up here; holding it again');
      await this.cluster.holdAgent({ id, host, replica: this.replicaId, link: link.link, leaseMs: this.leaseMs, lastSeenAt: Date.now(), deployment: this.hub.presence(host).deployment });
    }
    await this.refresh();
    await this.cluster.forgetDeadReplicas(3600_000);
    await this.cluster.forgetOldRequests(24 * 3600_000);
  }

  /** Claims queued requests for this replica and sends them (one claimer at a time; a wake-up meanwhile claims again after). */
  private claim(): void {
    if (this.stopping) return;
    if (this.claiming) {
      this.claimAgain = true;
      return;
    }
    this.claiming = this.track(
      (async () => {
        do {
          this.claimAgain = false;
          for (const row of await this.cluster.claimQueued(this.replicaId)) this.track(this.send(row));
        } while (this.claimAgain && !this.stopping);
      })().finally(() => (this.claiming = undefined)),
    );
  }

  private async claimNamed(requestId: string): Promise<void> {
    if (this.stopping) return;
    const row = await this.cluster.claimOne(this.replicaId, requestId);
    if (row) await this.send(row);
  }

  /** Sends a claimed request over this replica's link and writes the answer into its row. */
  private async send(row: AgentRequestRow): Promise<void> {
    const request = JSON.parse(row.request) as ActionRequest;
    let result: StoredResult;
    try {
      if (!this.hub.holds(row.host)) throw new AgentOfflineError(row.host);
      result = await this.hub.run(request);
    } catch (err) {
      if (!(err instanceof AgentOfflineError)) throw err;
      // nothing was sent: hand it to the replica holding the link now, or answer "offline"
      await this.refresh();
      const now = this.holdings.get(row.host);
      if (now?.online && now.replica && now.replica !== this.replicaId && (await this.cluster.reroute(row.requestId, this.replicaId, now.replica))) {
        await this.cluster.notify({ k: 'req', to: now.replica, id: row.requestId });
        return;
      }
      result = { offline: true };
    }
    if (this.stopping) return; // drbot stops: the replica the agent moves to asks the agent instead
    await this.answer(row, result);
  }

  private async answer(row: AgentRequestRow, result: StoredResult): Promise<void> {
    const mine = row.origin === this.replicaId;
    if (!(await this.cluster.complete(row.requestId, this.replicaId, JSON.stringify(result), !mine))) return;
    if (mine && this.waiting.has(row.requestId)) await this.collect([row.requestId]);
  }

  /** Reads the rows of requests this replica waits on; answered ones resolve, overdue ones end. */
  private async collect(ids: string[]): Promise<void> {
    for (const row of await this.cluster.takeResults(ids)) {
      if (row.result) this.settleWaiting(row.requestId, JSON.parse(row.result) as StoredResult);
    }
    const now = Date.now();
    const overdue = ids.filter((id) => (this.waiting.get(id)?.deadline ?? Infinity) < now);
    for (const row of await this.cluster.requests(overdue)) {
      const w = this.waiting.get(row.requestId);
      if (!w) continue;
      if (row.state === 'done') continue; // answered just now: the next collect takes it
      this.waiting.delete(row.requestId);
      if (row.state === 'queued' && (await this.cluster.abandon(row.requestId))) w.reject(new AgentOfflineError(w.request.host));
      else w.resolve({ status: 'unknown', summary: `no result within ${Math.round((w.request.timeoutMs + 2 * this.graceMs + this.leaseMs) / 1000)} s; outcome unknown (request ${row.requestId}, not re-run)`, output: '' });
    }
  }

  /** The agent connected here: say so, then settle what the replica it came from had sent it. */
  private async onAgentConnected(host: string, id: string): Promise<void> {
    const link = randomBytes(8).toString('hex');
    this.links.set(host, { id, link });
    await this.cluster.holdAgent({ id, host, replica: this.replicaId, link, leaseMs: this.leaseMs, lastSeenAt: Date.now(), deployment: this.hub.presence(host).deployment });
    await this.cluster.notify({ k: 'agents' });
    await this.refresh();
    const taken = await this.cluster.takeOver(host, this.replicaId);
    if (taken.length) this.log.info({ host, requests: taken.map((r) => r.requestId) }, 'agent moved here: asking it what became of requests another replica had sent');
    for (const row of taken) this.track(this.requery(row));
    this.claim();
  }

  private async onAgentDisconnected(host: string, id: string): Promise<void> {
    const link = this.links.get(host);
    if (!link || link.id !== id) return;
    this.links.delete(host);
    if (await this.cluster.releaseAgent(id, this.replicaId, link.link, Date.now())) await this.cluster.notify({ k: 'agents' });
  }

  /** Asks the agent what became of a request another replica (or an earlier link) sent; never sends it again. */
  private async requery(row: AgentRequestRow): Promise<void> {
    if (this.hub.isPending(row.requestId)) return; // still in flight on this replica's own link: its result comes here
    if (this.requerying.has(row.requestId)) return; // asked already; the answer is being written
    this.requerying.add(row.requestId);
    try {
      await this.requeryOnce(row);
    } finally {
      this.requerying.delete(row.requestId);
    }
  }

  private async requeryOnce(row: AgentRequestRow): Promise<void> {
    const request = JSON.parse(row.request) as ActionRequest;
    let result: ActionResult;
    try {
      result = await this.hub.requery(request);
    } catch {
      return; // the link went away again: the next replica it reaches takes the row over
    }
    if (this.stopping) return;
    if (row.origin === UNSENT_ORIGIN && result.status === 'unknown') {
      result = {
        ...result,
        summary: `the drbot replica that started this step stopped before sending it, and the agent has no record of request ${row.requestId}; outcome unknown, not re-run`,
      };
    }
    await this.answer(row, result);
  }

  /**
   * Step runs of agents this replica holds that were recorded but whose request row was never
   * written (their replica stopped in between): each is fenced with a row of its own (its replica
   * can no longer send it) and settled like any orphan, by asking the agent, once.
   */
  private async settleUnsent(hosts: string[]): Promise<void> {
    for (const run of await this.cluster.unsentRuns(hosts, Date.now() - 2 * this.leaseMs)) {
      const request: ActionRequest = { requestId: run.requestId, host: run.host, action: run.action, params: {}, incidentId: run.incidentId, approvalId: run.approvalId, timeoutMs: 30_000 };
      const row = { requestId: run.requestId, host: run.host, origin: UNSENT_ORIGIN, holder: this.replicaId, request: JSON.stringify(request) };
      if (!(await this.cluster.fenceUnsent(row))) continue; // its replica wrote the row after all: it is not unsent
      // the orphan sweep below asks the agent, as for any request whose replica stopped
      this.log.warn({ requestId: run.requestId, incidentId: run.incidentId, host: run.host }, 'a step run was recorded but never sent (its replica stopped in between); asking the agent what became of it');
    }
  }

  /**
   * Requests of agents this replica holds whose asking replica is gone: a queued one is abandoned
   * (never sent, so nothing ran), a sent one whose holder is gone too is asked about, and an
   * answered one goes to `onOrphanResult` to be recorded once.
   */
  private async sweep(): Promise<void> {
    const hosts = this.heldHosts();
    await this.settleUnsent(hosts);
    for (const row of await this.cluster.orphans(hosts)) {
      const request = JSON.parse(row.request) as ActionRequest;
      if (row.state === 'queued') {
        if (await this.cluster.abandon(row.requestId)) {
          await this.deliverOrphan(request, { status: 'fail', summary: 'not sent: the drbot replica that asked for it stopped before the agent\'s replica picked it up; nothing ran', output: '' });
        }
      } else if (row.state === 'sent') {
        if (row.holder === this.replicaId) {
          if (!this.hub.isPending(row.requestId)) this.track(this.requery(row));
        } else if (!row.holderAlive) {
          for (const taken of await this.cluster.takeOver(row.host, this.replicaId)) this.track(this.requery(taken));
        }
      } else if (row.state === 'done' && row.result) {
        if (!(await this.cluster.markRead(row.requestId, 'settled'))) continue;
        const stored = JSON.parse(row.result) as StoredResult;
        await this.deliverOrphan(request, 'offline' in stored ? { status: 'fail', summary: 'not sent: no agent was connected', output: '' } : stored);
      }
    }
  }

  private async deliverOrphan(request: ActionRequest, result: ActionResult): Promise<void> {
    for (const l of this.orphanListeners) {
      try {
        await l(request, result);
      } catch (err) {
        this.log.error({ err, requestId: request.requestId }, 'recording the result of a request whose replica stopped failed');
      }
    }
  }

  private track<T>(job: Promise<T>): Promise<T> {
    this.work.add(job);
    void job
      .catch((err: unknown) => {
        if (!this.stopping) this.log.warn({ err: (err as Error).message }, 'replica coordination step failed; the next poll retries');
      })
      .finally(() => this.work.delete(job));
    return job;
  }
}
