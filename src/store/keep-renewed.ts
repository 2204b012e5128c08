import type { Clock } from '../clock/clock.js';

/** A claim (a lease row, an outbox row's claim) kept alive while slow work runs. */
export interface Renewal {
  /** True once a renewal found the claim gone or taken by another owner: the work is no longer this holder's alone. */
  readonly lost: boolean;
  /** Stops renewing; resolves when a renewal in flight has ended. */
  stop(): Promise<void>;
}

/**
 * Renews a claim every third of its length, on `clock`, until stopped: a Slack call that hangs for
 * minutes or a slow report write never outlives its lease, so no other replica takes the same work
 * and does it twice. `renew(until)` extends the claim to `until` and says whether this holder still
 * had it. A renewal that throws (the store is briefly unreachable) is tried again at the next beat;
 * one that finds the claim taken stops renewing and sets `lost`.
 */
export function keepRenewed(clock: Clock, leaseMs: number, renew: (until: number) => Promise<boolean>, onError?: (err: unknown) => void): Renewal {
  const stopping = new AbortController();
  const every = Math.max(1, Math.floor(leaseMs / 3));
  let lost = false;
  const loop = (async () => {
    while (!stopping.signal.aborted) {
      await clock.sleep(every, stopping.signal);
      if (stopping.signal.aborted) return;
      try {
        if (!(await renew(clock.now() + leaseMs))) {
          lost = true;
          return;
        }
      } catch (err) {
        onError?.(err);
      }
    }
  })();
  return {
    get lost() {
      return lost;
    },
    async stop() {
      stopping.abort();
      await loop;
    },
  };
}
