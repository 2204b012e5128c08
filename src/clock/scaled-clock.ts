import { realSleep, type Clock } from './clock.js';

/**
 * Time that runs `scale` times faster than the wall clock, anchored at `epoch`: virtual time
 * is epoch + (real − epoch) × scale, so two processes given the same epoch agree, and a
 * restart continues where the previous process left off. Used for drills and demos.
 */
export class ScaledClock implements Clock {
  constructor(
    private readonly scale: number,
    private readonly epoch: number,
    private readonly realNow: () => number = Date.now,
  ) {
    if (!(scale > 0)) throw new RangeError(`time scale must be positive, got ${scale}`);
  }
  now(): number {
    return Math.floor(this.epoch + (this.realNow() - this.epoch) * this.scale);
  }
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return realSleep(ms / this.scale, signal);
  }
}
