/**
 * Work that comes after an acknowledgement: at most one task starts per event-loop turn (from
 * `setImmediate`), so under a burst the requests that arrived in a turn are all read and
 * acknowledged before the next command runs (Slack wants its ack within 3 s; the answer may
 * follow). A few run at once, as commands may wait minutes for an agent. Bounded: when full,
 * callers answer "busy" instead of queueing without end.
 */
export class CommandQueue {
  private readonly waiting: (() => Promise<void>)[] = [];
  private active = 0;
  private idleWaiters: (() => void)[] = [];
  private ticking = false;

  constructor(
    private readonly concurrency: number,
    private readonly maxWaiting: number,
    private readonly onError: (err: unknown) => void,
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

  private pump(): void {
    if (this.ticking || !this.waiting.length || this.active >= this.concurrency) return;
    this.ticking = true;
    setImmediate(() => {
      this.ticking = false;
      const task = this.waiting.shift();
      if (!task) return;
      this.active++;
      task()
        .catch(this.onError)
        .finally(() => {
          this.active--;
          this.pump();
          if (this.size === 0) for (const r of this.idleWaiters.splice(0)) r();
        });
      this.pump();
    });
  }
}
