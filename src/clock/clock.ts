/** The one source of time: epoch milliseconds, and a sleep that honours the same time scale. */
export interface Clock {
  /** Current time in epoch milliseconds. */
  now(): number;
  /** Resolves after `ms` of this clock's time, or early (without error) when `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** Real-time sleep that resolves early when the signal aborts. */
export function realSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, Math.max(0, Math.min(ms, 2_147_483_647)));
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
