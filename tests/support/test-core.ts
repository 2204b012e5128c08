import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { createHandlers } from '../../handlers/index.js';
import { resolveActor, type Actor } from '../../src/app/actor.js';
import type { Core } from '../../src/app/core.js';
import type { AgentPort } from '../../src/agentlink/agent-port.js';
import { NoAgentPort } from '../../src/agentlink/agent-port.js';
import { VirtualClock } from '../../src/clock/virtual-clock.js';
import { packageRoot } from '../../src/config/package-root.js';
import { ContactDirectory } from '../../src/contacts/contact-directory.js';
import type { ContactsFile } from '../../src/contacts/contact-schema.js';
import { loadContacts } from '../../src/contacts/load-contacts.js';
import type { Lang } from '../../src/i18n/lang.js';
import { IncidentEvents } from '../../src/incident/incident-events.js';
import { NoticeBoard } from '../../src/notify/notice-board.js';
import { OpsChannels } from '../../src/notify/ops-channel.js';
import { ChatPager } from '../../src/notify/pager.js';
import { loadRunbookPack } from '../../src/runbook/load-runbook-pack.js';
import { Router } from '../../src/router/router.js';
import { SqliteStore } from '../../src/store/sqlite-store.js';
import type { Store } from '../../src/store/store.js';

/** A core over in-memory SQLite, a virtual clock and (by default) no agent: real code, no outside world. */
export interface TestCore extends Core {
  clock: VirtualClock;
  router: Router;
  /** The contact list's people as actors, by name. */
  as(name: string): Actor;
  close(): Promise<void>;
}

/** 2026-11-24 10:00 KST, a Tuesday. */
export const TUESDAY_10_KST = Date.UTC(2026, 10, 24, 1, 0);

/** Builds a test core; every option has a sensible default. */
export async function buildTestCore(
  options: { lang?: Lang; now?: number; agents?: AgentPort; store?: Store; contacts?: ContactsFile; holidays?: string[]; reportsDir?: string } = {},
): Promise<TestCore> {
  const root = packageRoot();
  const pack = loadRunbookPack(join(root, 'runbooks/routing-ml.yaml'));
  const contactsFile = options.contacts ?? loadContacts(join(root, 'config/contacts.yaml'));
  const contacts = new ContactDirectory(contactsFile, pack.timeZone, new Set(options.holidays ?? []));
  const store = options.store ?? (await SqliteStore.open(':memory:'));
  const log = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
  const chat = new ChatPager();
  const core: Core = {
    lang: options.lang ?? 'en',
    timeZone: pack.timeZone,
    pack,
    contacts,
    store,
    clock: new VirtualClock(options.now ?? TUESDAY_10_KST),
    agents: options.agents ?? new NoAgentPort(),
    events: new IncidentEvents((err) => {
      throw err;
    }),
    log,
    chat,
    pager: chat,
    notices: new NoticeBoard(),
    ops: new OpsChannels((err) => {
      throw err;
    }),
    reportsDir: options.reportsDir ?? join(tmpdir(), `drbot-test-reports-${randomUUID()}`),
    newId: () => randomUUID(),
  };
  const router = new Router(core, createHandlers());
  return {
    ...core,
    clock: core.clock as VirtualClock,
    router,
    as: (name) => {
      const actor = resolveActor(contacts, 'console', name, name);
      if (!actor.contact) throw new Error(`test contact ${name} is not in the contact list`);
      return actor;
    },
    close: () => store.close(),
  };
}
