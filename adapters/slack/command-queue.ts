/**
 * Work that comes after an acknowledgement, run a few at a time and started from `setImmediate`,
 * so incoming requests are read and acknowledged before queued work continues (Slack wants its
 * ack within 3 s; the answer may follow). Bounded: when it is full, callers say "busy" instead.
 */
export class CommandQueue {
  private readonly waiting: (() => Promise<void>)[] = [];
  private active = 0;
  private idleWaiters: (() => void)[] = [];

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
    while (this.active < this.concurrency && this.waiting.length) {
      const task = this.waiting.shift()!;
      this.active++;
      setImmediate(() => {
        task()
          .catch(this.onError)
          .finally(() => {
            this.active--;
            this.pump();
            if (this.size === 0) for (const r of this.idleWaiters.splice(0)) r();
          });
      });
    }
  }
}
