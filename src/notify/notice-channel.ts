import type { Lang } from '../i18n/lang.js';
import type { View } from '../views/view.js';

/** Which notice: the outage announcement (checklist `user-notice`) or the recovery one (`user-notice-recovered`). */
export type NoticeKind = 'outage' | 'recovered';

/** A templated notice for the users of the service, ready for any channel. */
export interface UserNotice {
  kind: NoticeKind;
  incidentId: string;
  lang: Lang;
  /** Email subject, and the title of a card. */
  subject: string;
  /** The whole notice as plain text (email body, console, fallback). */
  text: string;
  /** The same notice as a neutral view, for Slack and Teams to render as a message. */
  view: View;
}

/**
 * A user-facing place notices are posted to: the Slack channels or Teams conversations of
 * `notices.*` in the config, or the mailing list. Platform adapters register theirs on
 * `core.notices` when they start; each knows its own targets from the config.
 */
export interface NoticeChannel {
  /** Short name for the timeline: `slack`, `teams`, `email`. */
  readonly name: string;
  /** Posts the notice everywhere this channel covers; returns where it went; throws when it reached nowhere. */
  post(notice: UserNotice, signal: AbortSignal): Promise<string>;
}

/** How posting a notice on one channel went. */
export interface NoticeDelivery {
  channel: string;
  ok: boolean;
  detail: string;
}
