import { realSleep, type Clock } from './clock.js';

/** Wall-clock time. */
export class SystemClock implements Clock {
  now(): number {
    return Date.now();
  }
  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return realSleep(ms, signal);
  }
}
