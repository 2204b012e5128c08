import { EventEmitter } from 'node:events';
import type { Actor, Platform } from '../app/actor.js';
import type { Incident, TimelineEntry } from './incident.js';

/** What happened to an incident, for cards, threads, reports and the scheduler to react to. */
export type IncidentChange = 'opened' | 'updated' | 'resolved' | 'closed' | 'cancelled';

/** Who made a change and from where, so a listener never has to keep a map or read the store to learn it. */
export interface ChangeOrigin {
  /** The platform the command came from (`system` for timers and drbot's own work). */
  platform: Platform;
  /** Who: the name the timeline shows. */
  actor: string;
  /** The channel or conversation the command was typed in. */
  channel?: string;
  /** The platform event (Slack trigger id, Teams activity id). */
  eventId?: string;
  /** The key a platform's retries of one open share (`slack:<trigger id>`); set on `opened`. */
  requestKey?: string;
}

/** Payload of an `incident` event. */
export interface IncidentChanged {
  incidentId: string;
  change: IncidentChange;
  origin: ChangeOrigin;
  /** The incident as this change committed it, when the change wrote the incident itself (open, status, ack …). */
  incident?: Incident;
  /** The timeline entries the change wrote (each also announced on its own). */
  entries: readonly TimelineEntry[];
}

/** The origin of a change made by `actor` (a command's actor carries where it was typed). */
export function originOf(actor: Actor, requestKey?: string): ChangeOrigin {
  return { platform: actor.platform, actor: actor.name, channel: actor.via?.channel, eventId: actor.via?.eventId, ...(requestKey ? { requestKey } : {}) };
}

type Listener<T> = (payload: T) => void | Promise<void>;

/**
 * In-process notifications after a change is committed. Listeners run after the store has the
 * change, so a crash between commit and listener loses only a card refresh, never state.
 * A failing listener is logged and never breaks the command that caused the event.
 */
export class IncidentEvents {
  private readonly emitter = new EventEmitter({ captureRejections: false });
  private readonly pending = new Set<Promise<unknown>>();

  constructor(private readonly onListenerError: (err: unknown, event: string) => void = () => {}) {
    this.emitter.setMaxListeners(50);
  }

  /** Subscribes to incident state changes. */
  onIncident(listener: Listener<IncidentChanged>): void {
    this.emitter.on('incident', this.guard('incident', listener));
  }

  /** Subscribes to new timeline entries. */
  onTimeline(listener: Listener<TimelineEntry>): void {
    this.emitter.on('timeline', this.guard('timeline', listener));
  }

  /** Announces a committed state change. */
  incident(payload: IncidentChanged): void {
    this.emitter.emit('incident', payload);
  }

  /** Announces a committed timeline entry. */
  timeline(entry: TimelineEntry): void {
    this.emitter.emit('timeline', entry);
  }

  /** Resolves when every listener started so far has finished (tests, graceful shutdown). */
  async settled(): Promise<void> {
    while (this.pending.size) await Promise.allSettled([...this.pending]);
  }

  private guard<T>(event: string, listener: Listener<T>) {
    return (payload: T) => {
      const run = (async () => listener(payload))().catch((err) => this.onListenerError(err, event));
      this.pending.add(run);
      void run.finally(() => this.pending.delete(run));
    };
  }
}
