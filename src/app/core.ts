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
import type { HistoryStatsCache } from '../history/history-stats-cache.js';

/**
 * The values and ports every service is made from: built once by `buildRuntime`, never changed
 * afterwards. Services take this (not the whole `Runtime`), so no service depends on another
 * except through its constructor.
 */
export interface Core {
  readonly lang: Lang;
  readonly timeZone: string;
  readonly pack: RunbookPack;
  readonly contacts: ContactDirectory;
  readonly store: Store;
  readonly clock: Clock;
  /** The host agents, already timed for `/metrics` when metrics are on. */
  readonly agents: AgentPort;
  readonly events: IncidentEvents;
  readonly log: Logger;
  /** Chat page senders by platform; adapters register theirs when they start. */
  readonly chat: ChatPager;
  /** The port the ladder pages through (chat first; email and webhook fallbacks when configured). */
  readonly pager: Pager;
  /** User-facing notice channels (Slack, Teams, email); adapters register theirs when they start. */
  readonly notices: NoticeBoard;
  /** The team's ops channel (scheduled-check results); console, Slack and Teams register theirs. */
  readonly ops: OpsChannels;
  /** Directory of the post-incident reports (`REPORTS_DIR`). */
  readonly reportsDir: string;
  /** The committed procedure document the monthly 문서 업데이트 item compares with the rendering; unset: not compared. */
  readonly procedureDocument?: { readonly path: string; readonly lang: Lang };
  /** Where command latency, pages, timer lateness and agent round trips are reported (`/metrics`); unset when metrics are off. */
  readonly metrics?: Metrics;
  /** History statistics per fault type (what a new card suggests, `/incident stats`, the web view), kept between reads. */
  readonly history: HistoryStatsCache;
  /** Random unique id (approvals, request ids). */
  newId(): string;
}
