/** Chat commands (Slack, Teams) handled at once after their ack, and how many may wait before new ones are told "busy". */
export const COMMAND_CONCURRENCY = 8;
export const COMMAND_BACKLOG = 1_000;

/** How long the commands started in one event-loop turn may run before the loop reads (and acks) the requests waiting. */
const TURN_BUDGET_MS = 8;

/**
 * Work that comes after an acknowledgement. Commands start from `setImmediate`, after the turn's
 * requests were read and acknowledged, and as many start in a turn as there are free slots until
 * the turn has spent `turnBudgetMs` on them; then the loop goes back to reading requests. So acks
 * wait at most about that long, and answers keep pace with acks under a burst (starting one per
 * turn let a turn ack dozens and answer one). A few run at once, as commands may wait minutes for
 * an agent. Bounded: when full, callers answer "busy" instead of queueing without end.
 */
export class CommandQueue {
  private readonly waiting: (() => Promise<void>)[] = [];
  private active = 0;
  private idleWaiters: (() => void)[] = [];
  /** Starts scheduled with setImmediate and not yet run. */
  private scheduled = 0;
  /** When the current turn's starts began: set by a marker queued ahead of them (immediates run in order). */
  private turnStartedAt = 0;
  private markerQueued = false;

  constructor(
    private readonly concurrency: number,
    private readonly maxWaiting: number,
    private readonly onError: (err: unknown) => void,
    private readonly turnBudgetMs = TURN_BUDGET_MS,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** True while another task fits. */
  hasRoom(): boolean {
    return this.waiting.length < this.maxWaiting;
  }

  /** Queues a task; false (and nothing queued) when the queue is full. */
  push(task: () => Promise<void>): boolean {
    if (!this.hasRoom()) return false;
    this.waiting.push(task);
    this.pump();
    return true;
  }

  /** Tasks queued or running. */
  get size(): number {
    return this.waiting.length + this.active;
  }

  /** Resolves when nothing is queued or running. */
  idle(): Promise<void> {
    if (this.size === 0) return Promise.resolve();
    return new Promise((r) => this.idleWaiters.push(r));
  }

  /** Schedules one start per free slot, behind a marker that notes when the turn's starts began. */
  private pump(): void {
    const wanted = Math.min(this.waiting.length, this.concurrency - this.active) - this.scheduled;
    if (wanted <= 0) return;
    if (!this.markerQueued) {
      this.markerQueued = true;
      setImmediate(() => {
        this.markerQueued = false;
        this.turnStartedAt = this.now();
      });
    }
    for (let i = 0; i < wanted; i++) {
      this.scheduled++;
      setImmediate(() => this.startOne());
    }
  }

  private startOne(): void {
    this.scheduled--;
    if (this.now() - this.turnStartedAt >= this.turnBudgetMs) {
      // This turn has run commands long enough: the rest start in the next, after its requests are read.
      this.pump();
      return;
    }
    const task = this.waiting.shift();
    if (!task || this.active >= this.concurrency) {
      if (task) this.waiting.unshift(task);
      return;
    }
    this.active++;
    task()
      .catch(this.onError)
      .finally(() => {
        this.active--;
        this.pump();
        if (this.size === 0) for (const r of this.idleWaiters.splice(0)) r();
      });
  }
}
