import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { createHandlers } from '../../handlers/index.js';
import { resolveActor, type Actor } from '../../src/app/actor.js';
import { buildRuntime, type RuntimeOverrides } from '../../src/app/build-runtime.js';
import type { Runtime } from '../../src/app/runtime.js';
import type { AgentPort } from '../../src/agentlink/agent-port.js';
import { NoAgentPort } from '../../src/agentlink/agent-port.js';
import { VirtualClock } from '../../src/clock/virtual-clock.js';
import { loadConfig } from '../../src/config/load-config.js';
import type { ContactsFile } from '../../src/contacts/contact-schema.js';
import type { Lang } from '../../src/i18n/lang.js';
import { Router } from '../../src/router/router.js';
import { SqliteStore } from '../../src/store/sqlite-store.js';
import type { Store } from '../../src/store/store.js';

/** A runtime over in-memory SQLite, a virtual clock and (by default) no agent: real code, no outside world. */
export interface TestRuntime extends Runtime {
  readonly clock: VirtualClock;
  readonly router: Router;
  /** The contact list's people as actors, by name. */
  as(name: string): Actor;
  close(): Promise<void>;
}

/** 2026-11-24 10:00 KST, a Tuesday. */
export const TUESDAY_10_KST = Date.UTC(2026, 10, 24, 1, 0);

/**
 * Builds a test runtime with the production builder; every option has a sensible default. Listener
 * and ops-channel failures are thrown (so a test sees them), pages go straight to the chat senders,
 * and metrics are left out unless asked for.
 */
export async function buildTestRuntime(
  options: { lang?: Lang; now?: number; clock?: VirtualClock; agents?: AgentPort | 'hub'; store?: Store; contacts?: ContactsFile; holidays?: string[]; reportsDir?: string; metrics?: boolean; pager?: RuntimeOverrides['pager']; web?: { publicUrl?: string; secret: string }; procedureDocument?: { path: string; lang: Lang } } = {},
): Promise<TestRuntime> {
  const base = loadConfig({ DRBOT_LANG: options.lang ?? 'en' });
  const config = {
    ...base,
    holidays: options.holidays ?? [],
    // its own parent too: drill reports go beside it (drill_reports/), and a shared /tmp/drill_reports mixed runs
    reportsDir: options.reportsDir ?? join(tmpdir(), `drbot-test-${randomUUID()}`, 'incident_reports'),
    // Compared only when a test gives one: the repo's committed document is not part of a test's world.
    procedureDocument: options.procedureDocument,
    // The web view on, with sign-in links under this secret.
    ...(options.web ? { web: { enabled: true, publicUrl: options.web.publicUrl }, env: { ...base.env, DRBOT_WEB_SECRET: options.web.secret } } : {}),
  };
  const store = options.store ?? (await SqliteStore.open(':memory:'));
  // Replicas of one deployment in a test share one clock (every timer handler reads it).
  const clock = options.clock ?? new VirtualClock(options.now ?? TUESDAY_10_KST);
  const runtime = await buildRuntime(config, pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }), {
    clock,
    store,
    // 'hub': the production agent link (runtime.hub), which agents reach through hub.accept.
    agents: options.agents === 'hub' ? undefined : (options.agents ?? new NoAgentPort()),
    contacts: options.contacts,
    pager: options.pager ?? ((chat) => chat),
    metrics: options.metrics ? { processMetrics: false } : false,
    onListenerError: (err) => {
      throw err;
    },
  });
  const router = new Router(runtime, createHandlers());
  return {
    ...runtime,
    clock,
    router,
    as: (name) => {
      const actor = resolveActor(runtime.contacts, 'console', name, name);
      if (!actor.contact) throw new Error(`test contact ${name} is not in the contact list`);
      return actor;
    },
    close: () => store.close(),
  };
}
