import type { Clock } from '../clock/clock.js';
import type { ContactDirectory } from '../contacts/contact-directory.js';
import type { Lang } from '../i18n/lang.js';
import type { AgentPort } from '../agentlink/agent-port.js';
import type { IncidentEvents } from '../incident/incident-events.js';
import type { Logger } from '../logging/create-logger.js';
import type { Metrics } from '../metrics/metrics.js';
import type { NoticeBoard } from '../notify/notice-board.js';
import type { OpsChannels } from '../notify/ops-channel.js';
import type { ChatPager, Pager } from '../notify/pager.js';
import type { RunbookPack } from '../runbook/pack-schema.js';
import type { Store } from '../store/store.js';

/** Everything the handlers and services need, passed in once (tests build it with fakes). */
export interface Core {
  lang: Lang;
  timeZone: string;
  pack: RunbookPack;
  contacts: ContactDirectory;
  store: Store;
  clock: Clock;
  agents: AgentPort;
  events: IncidentEvents;
  log: Logger;
  /** Chat page senders by platform; adapters register theirs when they start. */
  chat: ChatPager;
  /** The port the ladder pages through (chat first; email and webhook fallbacks when configured). */
  pager: Pager;
  /** User-facing notice channels (Slack, Teams, email); adapters register theirs when they start. */
  notices: NoticeBoard;
  /** The team's ops channel (scheduled-check results); console, Slack and Teams register theirs. */
  ops: OpsChannels;
  /** Directory of the post-incident reports (`REPORTS_DIR`). */
  reportsDir: string;
  /** Where timer lateness and agent round trips are reported (`/metrics`); unset when metrics are off. */
  metrics?: Metrics;
  /** Random unique id (approvals, request ids). */
  newId(): string;
}
