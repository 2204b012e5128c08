import { randomUUID } from 'node:crypto';
import type { AgentPort } from '../agentlink/agent-port.js';
import { AgentHub } from '../agentlink/agent-hub.js';
import { AgentRepository } from '../store/agent-repository.js';
import type { Clock } from '../clock/clock.js';
import { ScaledClock } from '../clock/scaled-clock.js';
import { SystemClock } from '../clock/system-clock.js';
import type { DrbotConfig } from '../config/load-config.js';
import { ContactDirectory } from '../contacts/contact-directory.js';
import { loadContacts } from '../contacts/load-contacts.js';
import { IncidentEvents } from '../incident/incident-events.js';
import type { Logger } from '../logging/create-logger.js';
import { createNotifyChannels } from '../notify/create-notify-channels.js';
import { OpsChannels } from '../notify/ops-channel.js';
import { ChatPager } from '../notify/pager.js';
import { loadRunbookPack } from '../runbook/load-runbook-pack.js';
import { openStore } from '../store/open-store.js';
import type { Store } from '../store/store.js';
import type { Core } from './core.js';

/** Picks the clock: scaled for drills (`DRBOT_TIME_SCALE`), else the system clock. */
export function clockFor(config: Pick<DrbotConfig, 'timeScale' | 'clockEpoch'>, processStart = Date.now()): Clock {
  return config.timeScale === 1 && config.clockEpoch === undefined ? new SystemClock() : new ScaledClock(config.timeScale, config.clockEpoch ?? processStart);
}

/** Loads the pack and contacts, opens the store and assembles the core. */
export async function buildCore(config: DrbotConfig, log: Logger, overrides: { clock?: Clock; store?: Store; agents?: AgentPort } = {}): Promise<Core> {
  const pack = loadRunbookPack(config.runbookPath);
  const timeZone = config.timeZone || pack.timeZone;
  const contacts = new ContactDirectory(loadContacts(config.contactsPath), timeZone, new Set(config.holidays));
  const store = overrides.store ?? (await openStore(config, (err) => log.warn({ err: err.message }, 'a PostgreSQL connection dropped while idle; the next query reconnects')));
  const chat = new ChatPager();
  const notify = createNotifyChannels(config, chat, pack);
  log.info({ pageChannels: notify.pageChannels, noticeChannels: notify.notices.channels() }, 'page and notice channels set up');
  return {
    lang: config.lang,
    timeZone,
    pack,
    contacts,
    store,
    clock: overrides.clock ?? clockFor(config),
    agents: overrides.agents ?? new AgentHub({ agents: config.agents, log, repository: new AgentRepository(store.db) }),
    events: new IncidentEvents((err, event) => log.error({ err, event }, 'incident listener failed')),
    log,
    chat,
    pager: notify.pager,
    notices: notify.notices,
    ops: new OpsChannels((err) => log.error({ err }, 'posting to an ops channel failed')),
    reportsDir: config.reportsDir,
    newId: () => randomUUID(),
  };
}
