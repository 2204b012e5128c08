import type { Clock } from './clock.js';

interface Sleeper {
  wakeAt: number;
  resolve: () => void;
}

/** Time that moves only when told to; sleepers wake in order as it advances. For tests and simulations. */
export class VirtualClock implements Clock {
  private current: number;
  private sleepers: Sleeper[] = [];

  constructor(start: number | Date = Date.UTC(2026, 10, 24, 1, 0)) {
    this.current = typeof start === 'number' ? start : start.getTime();
  }

  now(): number {
    return this.current;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const sleeper: Sleeper = { wakeAt: this.current + Math.max(0, ms), resolve: () => resolve() };
      if (sleeper.wakeAt <= this.current) return resolve();
      this.sleepers.push(sleeper);
      signal?.addEventListener(
        'abort',
        () => {
          this.sleepers = this.sleepers.filter((s) => s !== sleeper);
          resolve();
        },
        { once: true },
      );
    });
  }

  /** Moves time forward by `ms`, waking sleepers (and letting their continuations run) along the way. */
  async advance(ms: number): Promise<void> {
    const target = this.current + ms;
    for (;;) {
      await flushMicrotasks();
      const next = this.sleepers.filter((s) => s.wakeAt <= target).sort((a, b) => a.wakeAt - b.wakeAt)[0];
      if (!next) break;
      this.current = Math.max(this.current, next.wakeAt);
      this.sleepers = this.sleepers.filter((s) => s !== next);
      next.resolve();
    }
    this.current = target;
    await flushMicrotasks();
  }

  /** Sets the time (forward only). */
  async set(at: number | Date): Promise<void> {
    const t = typeof at === 'number' ? at : at.getTime();
    await this.advance(Math.max(0, t - this.current));
  }

  /** Number of pending sleepers (for tests that wait for a loop to go idle). */
  get pendingSleepers(): number {
    return this.sleepers.length;
  }
}

async function flushMicrotasks(): Promise<void> {
  for (let i = 0; i < 20; i++) await new Promise<void>((r) => setImmediate(r));
}
