import type { Core } from '../app/core.js';
import type { Contact } from '../contacts/contact-schema.js';
import type { Incident, TimelineEntry, TimelineKind } from '../incident/incident.js';
import type { Role } from '../runbook/pack-schema.js';
import type { DeliveryRepository } from '../store/delivery-repository.js';
import type { Store } from '../store/store.js';
import type { TimerRow } from '../store/timer-repository.js';

/** A page reserved (its deliveries row written) in the claim transaction, to be sent after commit. */
export interface PageJob {
  incident: Incident;
  /** The kind of the timer whose page this is (its deliveries row says so, for settling after a crash). */
  timer: string;
  level: number;
  role: Role;
  contact: Contact;
  summary: string;
}

/** What a claimed timer still has to do after the claim transaction commits, and how it ends. */
export interface TimerWork {
  pages: PageJob[];
  /** Work that must not hold the write lock (agent calls); runs after commit, before the timer ends. */
  after?: () => Promise<void>;
  /**
   * When every channel failed for a page's person: records nothing itself, but picks and reserves the
   * next person to page instead inside the given transaction, and says so on the timeline.
   */
  onUnreached?: (tx: Store, failed: PageJob) => Promise<{ next?: PageJob; entry: TimelineEntry }>;
  /** Said about this timer in the missed-work report when it fired late after downtime (e.g. "ran once for 3 missed weeks"). */
  catchUpNote?: string;
  /** How the timer ends: fired for good, or moved to a new due time (recurring and deferred timers). */
  end: { fire: true } | { rearmAt: () => number; payload?: Record<string, unknown> };
}

/** What a timer handler gets inside the claim transaction. */
export interface TimerContext {
  core: Core;
  tx: Store;
  deliveries: DeliveryRepository;
  /** The claimed row as it was before this claim (a `claimedBy` means an earlier claim's lease ran out). */
  row: TimerRow;
  now: number;
  /** How late the timer fires when it fires after downtime or an expired claim; 0 otherwise. */
  lateMs: number;
  t(ko: string, en: string): string;
  /** Appends a timeline entry by drbot inside the transaction (announced after commit). */
  entry(incidentId: string, kind: TimelineKind, text: string, data?: Record<string, unknown>): Promise<TimelineEntry>;
}

/** Acts on one kind of timer: plans inside the claim transaction what happens when it fires. */
export interface TimerHandler {
  handles(kind: string): boolean;
  /** A short description of the timer for the timeline ("level 1 page"). */
  describe(row: TimerRow, t: (ko: string, en: string) => string): string;
  plan(ctx: TimerContext): Promise<TimerWork>;
}

/** Ends a timer without further work. */
export const FIRE: TimerWork = { pages: [], end: { fire: true } };
