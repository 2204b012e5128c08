import type { Core } from '../app/core.js';
import { formatDuration } from '../i18n/format-duration.js';
import type { HealthCheck } from './http-server.js';

/** Deliveries waiting longer than this mean a platform link is down. */
export const OUTBOX_STALE_MS = 5 * 60_000;

/**
 * The `/healthz` checks beyond the store, none of them critical (a restart would not fix them):
 * `agents` — every known host agent connected; `platform-links` — no platform has deliveries
 * waiting in the outbox for longer than five minutes. Platform modules may add their own.
 */
export function operationalHealthChecks(core: Core): HealthCheck[] {
  const gauges = core.store.gauges;
  return [
    {
      name: 'agents',
      critical: false,
      async check() {
        await core.agents.refresh?.().catch(() => undefined);
        const agents = core.agents.list();
        if (!agents.length) return { ok: true, detail: 'no agent configured' };
        const offline = agents.filter((a) => !a.online).map((a) => a.host);
        return offline.length ? { ok: false, detail: `offline: ${offline.join(', ')}` } : { ok: true, detail: `${agents.length} connected` };
      },
    },
    {
      name: 'platform-links',
      critical: false,
      async check() {
        const now = core.clock.now();
        const backlog = [...(await gauges.outboxBacklog())].sort(([a], [b]) => a.localeCompare(b));
        if (!backlog.length) return { ok: true, detail: 'no delivery waiting' };
        const stale = backlog.filter(([, b]) => now - b.oldestAt > OUTBOX_STALE_MS);
        const detail = backlog.map(([platform, b]) => `${platform}: ${b.count} waiting, oldest ${formatDuration(Math.max(0, now - b.oldestAt), 'en')}`).join('; ');
        return { ok: stale.length === 0, detail };
      },
    },
  ];
}
