import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Core } from '../../src/app/core.js';
import type { Logger } from '../../src/logging/create-logger.js';
import type { OutboxItem, OutboxRepository } from '../../src/store/outbox-repository.js';
import { isPermanentSlackError } from './slack-error.js';
import type { DeliveryHint } from './slack-delivery.js';
import { opDedupeKey, SlackOp } from './slack-op.js';
import { writeTransactionRetrying } from '../../src/store/write-transaction-retrying.js';
import { keepRenewed, type Renewal } from '../../src/store/keep-renewed.js';

/** How the outbox retries: backoff bounds, when to give up, how often to look when idle, how long a claim holds. */
export interface OutboxPolicy {
  firstRetryMs: number;
  maxRetryMs: number;
  maxAttempts: number;
  idlePollMs: number;
  /** How long a claimed row is this drainer's before another process may deliver it (default 5 min). */
  leaseMs?: number;
}

/** Defaults: 2 s, doubling up to a minute, for about a day's worth of attempts. */
export const DEFAULT_OUTBOX_POLICY: OutboxPolicy = { firstRetryMs: 2_000, maxRetryMs: 60_000, maxAttempts: 1_500, idlePollMs: 30_000, leaseMs: 5 * 60_000 };

/** Delivered rows are pruned at most this often (core clock). */
const PRUNE_EVERY_MS = 60_000;

/** How long one replica holds an incident's lane while it delivers that incident's card or thread line (core clock). */
const LANE_LEASE_MS = 2 * 60_000;
/** When the drainer finds an incident's lane held by another replica, it looks again this much later. */
const LANE_BUSY_RETRY_MS = 1_000;

/** What became of a submitted delivery. */
export type SubmitResult = 'sent' | 'queued' | 'dropped';

const PLATFORM = 'slack';

/**
 * Never lost, in order: a delivery goes straight to Slack unless older ones are still waiting;
 * one that cannot be made now becomes an outbox row, and a background drainer delivers the rows
 * oldest first (the head blocks the rest, so order holds) with backoff, on the core's clock.
 * Each row is claimed before it is sent: with several drbot processes on one database only the
 * holder of the head's lease delivers, so no message goes twice and the order holds; a lease left
 * by a process that died runs out and another delivers the row. Delivered rows are pruned
 * (OUTBOX_KEEP_DELIVERED, OUTBOX_KEEP_MS).
 */
export class SlackOutbox {
  /** Identifies this drainer in `claimed_by`. */
  readonly owner = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  private prunedAt = -Infinity;
  /** This process's deliveries in flight per incident lane (the lane is released when the last one ends), and the lane lease's renewal. */
  private readonly lanes = new Map<string, { count: number; renewal: Renewal }>();
  private running?: Promise<void>;
  private again = false;
  private stopped = true;
  private wake = new AbortController();
  private loop?: Promise<void>;

  constructor(
    private readonly core: Core,
    private readonly outbox: OutboxRepository,
    private readonly perform: (op: SlackOp, known?: DeliveryHint) => Promise<void>,
    private readonly log: Logger,
    private readonly policy: OutboxPolicy = DEFAULT_OUTBOX_POLICY,
  ) {}

  /**
   * Delivers now when nothing older is waiting, else queues behind it (a queued delivery reads what
   * it shows when it goes). An incident's card, thread lines and report go out from one replica at a
   * time: this one holds the incident's lane (a lease in the store) while it delivers; when another
   * replica holds it, the delivery queues behind and the drainer sends it after, in order.
   */
  async submit(op: SlackOp, known?: DeliveryHint): Promise<SubmitResult> {
    const lane = laneOf(op);
    if (lane && !(await this.enterLane(lane))) return this.enqueue(op, 'another replica is delivering to this incident now');
    try {
      return await this.deliverNow(op, known);
    } finally {
      if (lane) await this.leaveLane(lane);
    }
  }

  private async deliverNow(op: SlackOp, known?: DeliveryHint): Promise<SubmitResult> {
    if ((await this.outbox.countPending(PLATFORM)) > 0) return this.enqueue(op, 'older deliveries are waiting');
    try {
      await this.perform(op, known);
      return 'sent';
    } catch (err) {
      if (isPermanentSlackError(err)) {
        this.log.error({ err: describe(err), kind: op.kind, ...incidentOf(op) }, 'Slack refused a delivery for good; dropped');
        return 'dropped';
      }
      return this.enqueue(op, describe(err));
    }
  }

  /** Takes the incident's lane (or joins this process's hold on it); the lease is renewed while deliveries run, however slow. */
  private async enterLane(lane: string): Promise<boolean> {
    const held = this.lanes.get(lane);
    if (held) {
      held.count++;
      return true;
    }
    const now = this.core.clock.now();
    if (!(await this.core.store.leases.acquire(lane, this.owner, now + LANE_LEASE_MS, now))) return false;
    const again = this.lanes.get(lane); // another delivery of this process took it meanwhile
    if (again) {
      again.count++;
      return true;
    }
    const renewal = keepRenewed(this.core.clock, LANE_LEASE_MS, (until) => this.core.store.leases.renew(lane, this.owner, until), (err) =>
      this.log.warn({ err: describe(err), lane }, 'could not renew an incident delivery lane; trying again'),
    );
    this.lanes.set(lane, { count: 1, renewal });
    return true;
  }

  private async leaveLane(lane: string): Promise<void> {
    const held = this.lanes.get(lane);
    if (!held) return;
    if (--held.count > 0) return;
    this.lanes.delete(lane);
    await held.renewal.stop();
    await this.core.store.leases.release(lane, this.owner).catch((err: unknown) => this.log.warn({ err, lane }, 'could not release an incident delivery lane; it runs out on its own'));
  }

  /** Starts the background drainer (it first delivers what an earlier run left behind). */
  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.loop = this.run();
  }

  /** Stops the drainer; undelivered rows stay for the next start. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.wake.abort();
    await this.loop;
    await this.running;
  }

  /** Delivers every due row now, oldest first, stopping at the first that still fails; resolves when done. */
  drain(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      try {
        do {
          this.again = false;
          await this.drainOnce();
        } while (this.again);
      } finally {
        this.running = undefined;
      }
    })();
    return this.running;
  }

  private async enqueue(op: SlackOp, reason: string): Promise<SubmitResult> {
    await this.outbox.enqueue({ platform: PLATFORM, kind: op.kind, payload: op, dedupeKey: opDedupeKey(op) }, this.core.clock.now());
    this.log.warn({ kind: op.kind, reason, ...incidentOf(op) }, 'Slack delivery queued in the outbox');
    this.wake.abort();
    return 'queued';
  }

  private async drainOnce(): Promise<void> {
    const leaseMs = this.policy.leaseMs ?? DEFAULT_OUTBOX_POLICY.leaseMs!;
    for (;;) {
      const now = this.core.clock.now();
      const head = await writeTransactionRetrying(this.core.store, (tx) => tx.outbox.claimHead(PLATFORM, now, this.owner, now + leaseMs));
      if (!head) break;
      const parsed = SlackOp.safeParse(head.payload);
      const lane = parsed.success ? laneOf(parsed.data) : undefined;
      if (lane && !(await this.enterLane(lane))) {
        // another replica is delivering to this incident right now: after it, in order
        await this.outbox.postpone(head.id, now + LANE_BUSY_RETRY_MS);
        break;
      }
      try {
        if (!(await this.deliver(head, now))) break;
      } finally {
        if (lane) await this.leaveLane(lane);
      }
    }
    await this.prune();
  }

  /** Deletes delivered rows past the bounds, at most once a minute. */
  private async prune(): Promise<void> {
    const now = this.core.clock.now();
    if (now - this.prunedAt < PRUNE_EVERY_MS) return;
    this.prunedAt = now;
    const pruned = await this.outbox.prune(now);
    if (pruned) this.log.debug({ pruned }, 'delivered outbox rows pruned');
  }

  /** Delivers one row; true when the drainer may go on to the next. */
  private async deliver(item: OutboxItem, now: number): Promise<boolean> {
    const parsed = SlackOp.safeParse(item.payload);
    if (!parsed.success) {
      await this.outbox.dropped(item.id, `unreadable payload: ${parsed.error.issues[0]?.message ?? 'invalid'}`, now);
      this.log.error({ outboxId: item.id }, 'outbox row has an unreadable payload; dropped');
      return true;
    }
    // a slow delivery keeps its claim: no other replica takes the row and sends it a second time
    const leaseMs = this.policy.leaseMs ?? DEFAULT_OUTBOX_POLICY.leaseMs!;
    const renewal = keepRenewed(this.core.clock, leaseMs, (until) => this.outbox.extendClaim(item.id, this.owner, until), (err) =>
      this.log.warn({ err: describe(err), outboxId: item.id }, 'could not renew the claim on an outbox row; trying again'),
    );
    try {
      try {
        await this.perform(parsed.data);
      } finally {
        await renewal.stop();
      }
      if (renewal.lost) this.log.warn({ outboxId: item.id, kind: item.kind }, 'the claim on an outbox row ran out during its delivery (the store was unreachable longer than the lease)');
      await this.outbox.delivered(item.id, this.core.clock.now());
      this.log.info({ outboxId: item.id, kind: item.kind, attempts: item.attempts + 1, ...incidentOf(parsed.data) }, 'outbox delivery made');
      return true;
    } catch (err) {
      const reason = describe(err);
      if (isPermanentSlackError(err) || item.attempts + 1 >= this.policy.maxAttempts) {
        await this.outbox.dropped(item.id, reason, this.core.clock.now());
        this.log.error({ outboxId: item.id, kind: item.kind, reason, ...incidentOf(parsed.data) }, 'outbox delivery given up');
        return true;
      }
      const delay = Math.min(this.policy.maxRetryMs, this.policy.firstRetryMs * 2 ** Math.min(20, item.attempts));
      await this.outbox.failed(item.id, reason, this.core.clock.now() + delay);
      this.log.warn({ outboxId: item.id, kind: item.kind, reason, retryInMs: delay, ...incidentOf(parsed.data) }, 'Slack still cannot take the outbox delivery');
      return false;
    }
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      try {
        await this.drain();
      } catch (err) {
        this.log.error({ err }, 'outbox drain failed (store unavailable?); trying again');
      }
      if (this.stopped) break;
      const freeAt = await this.outbox.headFreeAt(PLATFORM).catch(() => undefined);
      // Another process's live claim on the head: look again when it ends (or sooner, when woken).
      const wait = freeAt !== undefined ? Math.min(this.policy.idlePollMs, Math.max(0, freeAt - this.core.clock.now())) : this.policy.idlePollMs;
      await this.core.clock.sleep(wait, this.wake.signal);
      if (this.wake.signal.aborted && !this.stopped) this.wake = new AbortController();
    }
  }
}

function describe(err: unknown): string {
  const e = err as { code?: string; message?: string; data?: { error?: string }; statusCode?: number };
  return [e?.code, e?.data?.error ?? e?.statusCode, e?.message].filter(Boolean).join(' ').slice(0, 500) || String(err);
}

/** The lane of a delivery about one incident (card, thread line, report, file); undefined for others. */
function laneOf(op: SlackOp): string | undefined {
  return op.kind === 'card' || op.kind === 'thread' || op.kind === 'report' || op.kind === 'file' ? `slack:incident:${op.incidentId}` : undefined;
}

/** The incident a delivery is about, as a log field (every log line about an incident carries its id). */
function incidentOf(op: SlackOp): { incidentId?: string } {
  return 'incidentId' in op && op.incidentId ? { incidentId: op.incidentId } : {};
}
