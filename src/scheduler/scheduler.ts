import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { SYSTEM_ACTOR } from '../app/actor.js';
import type { Core } from '../app/core.js';
import { formatDuration } from '../i18n/format-duration.js';
import { formatTime } from '../i18n/format-time.js';
import type { TimelineEntry } from '../incident/incident.js';
import { originOf } from '../incident/incident-events.js';
import type { PageResult } from '../notify/pager.js';
import type { Store } from '../store/store.js';
import type { TimerRow } from '../store/timer-repository.js';
import type { PageJob, TimerContext, TimerHandler, TimerWork } from './timer-work.js';
import { StoreBusyError } from '../errors/drbot-error.js';
import { writeTransactionRetrying } from '../store/write-transaction-retrying.js';
import { translator } from '../i18n/lang.js';
import { TIMER } from '../incident/timer-kinds.js';
import { MISSED_REPORT_DELAY_MS, type MissedItem } from './missed-work.js';

/** Tuning of the loop; every value is in the core clock's milliseconds unless said otherwise. */
export interface SchedulerOptions {
  /** Identifies this process in `claimed_by`. */
  owner?: string;
  /** How long a claim holds before another scheduler may retake the timer (default 5 min). */
  leaseMs?: number;
  /** Due timers read per pass (default 100). */
  batch?: number;
  /** Longest sleep, so timers written by another process are seen (default 60 s). */
  maxSleepMs?: number;
  /** Timers whose pages are being sent at once (default 16). */
  concurrency?: number;
  /** What acts on each timer kind (the incident timers of src/escalation, the scheduled checks). */
  handlers: readonly TimerHandler[];
}

/** A timer this late when it fires gets a timeline note (only after downtime or an expired claim). */
const LATE_NOTE_MS = 60_000;

/**
 * The durable timer loop: claims due timer rows one at a time in a write transaction (pages are
 * reserved in that same transaction), sends after commit, then marks the row fired or moves it.
 * It sleeps until the next due time and is woken early when an incident changes (open, escalate).
 *
 * Delivery is at most once: a deliveries row is written with the claim, so a crash after that
 * commit and before the send leaves a `pending` row; the scheduler that retakes the timer when the
 * lease runs out finds it, marks it `unknown` and does not page again.
 */
export class Scheduler {
  readonly owner: string;
  private readonly leaseMs: number;
  private readonly batch: number;
  private readonly maxSleepMs: number;
  private readonly concurrency: number;
  private readonly handlers: TimerHandler[];
  private startedAt = 0;
  private running?: Promise<void>;
  private stopping = false;
  private dirty = false;
  private sleeping = false;
  private sleeper?: AbortController;
  private readonly inflight = new Set<Promise<void>>();
  /** Timers this scheduler is still sending for; never retaken by itself even if the lease runs out meanwhile. */
  private readonly busy = new Set<number>();
  private idleWaiters: (() => void)[] = [];

  constructor(
    private readonly core: Core,
    options: SchedulerOptions,
  ) {
    this.owner = options.owner ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
    this.leaseMs = options.leaseMs ?? 5 * 60_000;
    this.batch = options.batch ?? 100;
    this.maxSleepMs = options.maxSleepMs ?? 60_000;
    this.concurrency = options.concurrency ?? 16;
    this.handlers = [...options.handlers];
  }

  /** Starts the loop; what came due while drbot was down fires at once, with a note of how late. */
  start(): void {
    if (this.running) return;
    this.stopping = false;
    this.startedAt = this.core.clock.now();
    this.running = this.loop();
  }

  /** Wakes the loop now (a timer was scheduled sooner than it is sleeping for). */
  wake(): void {
    this.dirty = true;
    this.sleeper?.abort();
  }

  /** Resolves when the loop is asleep with no page in flight (tests step a virtual clock with it). */
  whenIdle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Stops claiming and waits for in-flight work until `deadline` (epoch ms, wall clock). */
  async stop(deadline: number): Promise<void> {
    this.stopping = true;
    this.sleeper?.abort();
    const done = (async () => {
      await this.running;
      while (this.inflight.size) await Promise.allSettled([...this.inflight]);
    })();
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), Math.max(0, deadline - Date.now()))));
    const outcome = await Promise.race([done.then(() => 'done' as const), late]);
    clearTimeout(timer);
    if (outcome === 'late') this.core.log.warn({ inflight: this.inflight.size }, 'scheduler stopped before its in-flight pages finished; their timers are retaken after the lease');
    this.running = undefined;
  }

  private isIdle(): boolean {
    return (this.sleeping || !this.running) && this.inflight.size === 0 && !this.dirty;
  }

  private notifyIdle(): void {
    if (!this.isIdle()) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }

  private async loop(): Promise<void> {
    while (!this.stopping) {
      this.dirty = false;
      try {
        const due = await this.core.store.timers.due(this.core.clock.now(), this.batch);
        let claimed = 0;
        for (const d of due) {
          if (this.stopping) break;
          if (this.busy.has(d.id)) continue;
          if (await this.process(d.id)) claimed++;
        }
        if (this.stopping) break;
        if (due.length === this.batch && claimed > 0) continue;
        const next = await this.core.store.timers.nextWakeAt();
        const delay = next === undefined ? this.maxSleepMs : Math.min(this.maxSleepMs, next - this.core.clock.now());
        if (this.dirty) continue;
        if (delay <= 0) {
          // Due but not claimable this pass: another claimer holds the write lock (let it finish), or
          // the only due timers are our own still sending (wait for one to end, briefly).
          if (this.inflight.size) await Promise.race([...this.inflight, new Promise<void>((r) => setTimeout(r, 10))]);
          else await new Promise<void>((r) => setImmediate(r));
          continue;
        }
        await this.sleep(delay);
      } catch (err) {
        this.core.log.error({ err }, 'scheduler pass failed; retrying');
        await this.sleep(Math.min(this.maxSleepMs, 5_000));
      }
    }
    this.notifyIdle();
  }

  private async sleep(ms: number): Promise<void> {
    // stop() may land while a pass is awaiting the store, after its abort had nothing to wake: do not start a new sleep.
    if (this.stopping) return;
    const controller = new AbortController();
    this.sleeper = controller;
    this.sleeping = true;
    this.notifyIdle();
    try {
      await this.core.clock.sleep(ms, controller.signal);
    } finally {
      this.sleeping = false;
      this.sleeper = undefined;
    }
  }

  /** Claims and plans one timer; true when this scheduler took it. */
  private async process(id: number): Promise<boolean> {
    const { core } = this;
    let claimed: { row: TimerRow; work: TimerWork; entries: TimelineEntry[] } | undefined;
    try {
      claimed = await core.store.writeTransaction(async (tx) => {
        const now = core.clock.now();
        const row = await tx.timers.claim(id, now, this.owner, now + this.leaseMs);
        if (!row) return undefined;
        core.metrics?.observeTimerLateness(now - row.dueAt);
        const entries: TimelineEntry[] = [];
        const handler = this.handlers.find((h) => h.handles(row.kind));
        if (!handler) {
          core.log.warn({ timer: row.kind, incidentId: row.incidentId }, 'no handler for this timer kind; marking it fired');
          await tx.timers.markFired(row.id, now);
          return { row, work: { pages: [], end: { fire: true as const } }, entries, settled: true };
        }
        const ctx = this.context(tx, row, now, entries);
        const work = await handler.plan(ctx);
        // Only a timer that acted says it was late (a deferred quiet timer or a stopped incident's timer stays silent).
        if (ctx.lateMs > 0 && row.incidentId && (entries.length || work.pages.length)) await this.noteLate(ctx, handler);
        // Every late timer, acted or not, goes into the one missed-work report (in this same transaction).
        if (ctx.lateMs > 0 && row.kind !== TIMER.missedWork) await this.noteMissed(ctx, handler, work, entries.length > 0);
        if (!work.pages.length && !work.after) {
          await this.end(tx, row.id, work);
          return { row, work, entries, settled: true };
        }
        return { row, work, entries, settled: false };
      }).then((r) => {
        if (!r) return undefined;
        this.announce(r.row.incidentId, r.entries);
        if (r.settled) return undefined;
        return r;
      });
    } catch (err) {
      if (err instanceof StoreBusyError) return false;
      core.log.error({ err, timerId: id }, 'timer failed to fire; it is retried when its lease runs out');
      await writeTransactionRetrying(core.store, (tx) => tx.timers.extendClaim(id, this.owner, core.clock.now() + this.leaseMs)).catch(() => undefined);
      return false;
    }
    if (claimed) await this.followUp(claimed.row, claimed.work);
    return true;
  }

  private context(tx: Store, row: TimerRow, now: number, entries: TimelineEntry[]): TimerContext {
    const { core } = this;
    const caughtUp = row.dueAt < this.startedAt || row.claimedBy !== undefined;
    const lateMs = caughtUp && now - row.dueAt >= LATE_NOTE_MS ? now - row.dueAt : 0;
    return {
      core,
      tx,
      deliveries: tx.deliveries,
      row,
      now,
      lateMs,
      t: translator(core.lang),
      entry: async (incidentId, kind, text, data) => {
        const entry = await tx.incidents.appendTimeline({ incidentId, at: now, actor: SYSTEM_ACTOR.name, kind, text, data });
        entries.push(entry);
        return entry;
      },
    };
  }

  private async noteLate(ctx: TimerContext, handler: TimerHandler): Promise<void> {
    const incident = await ctx.tx.incidents.get(ctx.row.incidentId);
    if (!incident || incident.status !== 'open') return;
    const { t, row, core } = ctx;
    const late = formatDuration(ctx.lateMs, core.lang);
    const due = formatTime(row.dueAt, core.timeZone);
    const why = row.claimedBy
      ? t(`이전 처리(${row.claimedBy})가 끝나지 않음`, `the previous claim by ${row.claimedBy} never finished`)
      : t('drbot이 실행 중이 아니었음', 'drbot was not running');
    await ctx.entry(row.incidentId, 'system', t(`⌛ ${handler.describe(row, t)} ${late} 늦게 실행 (예정 ${due}, ${why})`, `⌛ ${handler.describe(row, t)} fired ${late} late (due ${due}; ${why})`), {
      timer: row.kind,
      lateMs: ctx.lateMs,
    });
  }

  /** Adds this late timer to the missed-work report: ran late (and what it did), or skipped and why. */
  private async noteMissed(ctx: TimerContext, handler: TimerHandler, work: TimerWork, wroteTimeline: boolean): Promise<void> {
    const { row, tx, t, now, core } = ctx;
    const acted = work.pages.length > 0 || work.after !== undefined || wroteTimeline;
    let detail: string;
    if (acted) {
      const paged = work.pages.map((p) => p.contact.name);
      detail = [paged.length ? t(`호출: ${paged.join(', ')}`, `paged ${paged.join(', ')}`) : '', work.catchUpNote ?? ''].filter(Boolean).join('; ');
    } else {
      const incident = row.incidentId ? await tx.incidents.get(row.incidentId) : undefined;
      if (incident && incident.status !== 'open') detail = t(`${incident.id}이(가) ${incident.status} 상태`, `${incident.id} is ${incident.status}`);
      else if (work.catchUpNote) detail = work.catchUpNote;
      else if ('rearmAt' in work.end) detail = t(`아직 필요 없음; ${formatTime(work.end.rearmAt(), core.timeZone)}로 미룸`, `not needed yet; moved to ${formatTime(work.end.rearmAt(), core.timeZone)}`);
      else detail = t('더 할 일이 없음', 'nothing left to do');
    }
    const item: MissedItem = { key: `${row.id}:${row.dueAt}`, timer: row.kind, incidentId: row.incidentId, what: handler.describe(row, t), dueAt: row.dueAt, at: now, outcome: acted ? 'ran' : 'skipped', detail };
    await tx.timers.appendItem('', TIMER.missedWork, item, now + MISSED_REPORT_DELAY_MS, this.startedAt);
  }

  private async end(tx: Store, id: number, work: TimerWork): Promise<void> {
    if ('fire' in work.end) await tx.timers.markFired(id, this.core.clock.now());
    else await tx.timers.rearm(id, work.end.rearmAt(), work.end.payload);
  }

  /** Sends the reserved pages (and runs deferred work) outside the transaction, keeping a bounded number in flight. */
  private async followUp(row: TimerRow, work: TimerWork): Promise<void> {
    while (this.inflight.size >= this.concurrency) await Promise.race(this.inflight);
    this.busy.add(row.id);
    const job = this.send(row, work)
      .catch((err) => this.core.log.error({ err, timer: row.kind, incidentId: row.incidentId }, 'timer follow-up failed; it is retried when its lease runs out'))
      .finally(() => {
        this.busy.delete(row.id);
        this.inflight.delete(job);
        this.notifyIdle();
      });
    this.inflight.add(job);
  }

  private async send(row: TimerRow, work: TimerWork): Promise<void> {
    const { core } = this;
    const results: { job: PageJob; result: PageResult }[] = [];
    for (const first of work.pages) {
      let job: PageJob | undefined = first;
      while (job) {
        let result: PageResult;
        try {
          result = await core.pager.page({ incident: job.incident, level: job.level, role: job.role, contact: job.contact, summary: job.summary, lang: core.lang });
        } catch (err) {
          result = { ok: false, detail: (err as Error).message };
        }
        if (result.ok) {
          results.push({ job, result });
          break;
        }
        // Every channel failed for this person: record it and reserve the next holder of the role in one transaction.
        const failed: PageJob = job;
        const step = await writeTransactionRetrying(core.store, async (tx) => {
          const failure = await this.recordPage(tx, failed, result);
          if (!work.onUnreached) return { next: undefined, entries: [failure] };
          const { next, entry } = await work.onUnreached(tx, failed);
          return { next, entries: [failure, entry] };
        });
        this.announce(row.incidentId, step.entries);
        job = step.next;
      }
    }
    if (work.after) await work.after();
    const entries: TimelineEntry[] = [];
    await writeTransactionRetrying(core.store, async (tx) => {
      entries.length = 0;
      for (const { job, result } of results) entries.push(await this.recordPage(tx, job, result));
      await this.end(tx, row.id, work);
    });
    this.announce(row.incidentId, entries);
  }

  /** Records how one page went: its deliveries row and a timeline line by drbot. */
  private async recordPage(tx: Store, job: PageJob, result: PageResult): Promise<TimelineEntry> {
    const now = this.core.clock.now();
    const t = translator(this.core.lang);
    await tx.deliveries.finish(job.incident.id, job.level, job.contact.name, { status: result.ok ? 'sent' : 'failed', channel: result.via ?? result.channel ?? 'chat', detail: result.detail });
    const who = `${job.contact.name} (${job.role})`;
    const text = result.ok
      ? t(`📟 ${who} 호출 (${result.via ?? result.channel}) — ${job.summary.split('\n')[0]}`, `📟 paged ${who} via ${result.via ?? result.channel} — ${job.summary.split('\n')[0]}`)
      : t(`❗ ${who} 호출 실패: ${result.detail}`, `❗ page to ${who} failed: ${result.detail}`);
    return tx.incidents.appendTimeline({
      incidentId: job.incident.id,
      at: now,
      actor: SYSTEM_ACTOR.name,
      kind: 'page',
      text,
      data: { level: job.level, role: job.role, person: job.contact.name, ok: result.ok, via: result.via },
    });
  }

  private announce(incidentId: string, entries: TimelineEntry[]): void {
    if (!incidentId || !entries.length) return;
    for (const e of entries) this.core.events.timeline(e);
    this.core.events.incident({ incidentId, change: 'updated', origin: originOf(SYSTEM_ACTOR), entries });
  }
}
