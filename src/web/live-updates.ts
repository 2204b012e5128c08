import type { ServerResponse } from 'node:http';
import type { IncidentEvents } from '../incident/incident-events.js';

/** Options of the live-update stream; the defaults suit production, tests shorten them. */
export interface LiveUpdatesOptions {
  /** Most browsers connected at once; more get 503 and fall back to polling. */
  maxClients?: number;
  /** Changes within this window go out as one message. */
  coalesceMs?: number;
  /** A comment line this often keeps proxies from closing an idle stream. */
  heartbeatMs?: number;
  /** How often the store is asked whether another replica changed something (only while someone watches). */
  pollMs?: number;
  /** Reads the store's change mark (see IncidentRepository.changeMark). */
  changeMark?: () => Promise<string>;
  onError?: (err: unknown) => void;
}

/**
 * Server-sent events for the web view: each open page holds one stream and is told `change` when
 * an incident changes, here (incident events) or on another replica (the store's change mark,
 * polled while anyone watches). The page then fetches itself again; the stream carries no data.
 */
export class LiveUpdates {
  private readonly clients = new Set<ServerResponse>();
  private readonly opts: Required<Omit<LiveUpdatesOptions, 'changeMark'>> & Pick<LiveUpdatesOptions, 'changeMark'>;
  private coalesce?: NodeJS.Timeout;
  private heartbeat?: NodeJS.Timeout;
  private poll?: NodeJS.Timeout;
  private lastMark?: string;
  private closed = false;

  constructor(options: LiveUpdatesOptions = {}) {
    this.opts = { maxClients: 200, coalesceMs: 250, heartbeatMs: 15_000, pollMs: 5_000, onError: () => {}, ...options };
  }

  /** Tells watchers about every committed incident change and timeline line. */
  subscribe(events: Pick<IncidentEvents, 'onIncident' | 'onTimeline'>): void {
    events.onIncident(() => this.changed());
    events.onTimeline(() => this.changed());
  }

  /** Number of open streams. */
  get watching(): number {
    return this.clients.size;
  }

  /** Turns a response into an event stream; false (and 503) when too many are open or drbot is stopping. */
  attach(res: ServerResponse): boolean {
    if (this.closed || this.clients.size >= this.opts.maxClients) {
      res.writeHead(503, { 'Content-Type': 'text/plain; charset=utf-8', 'Retry-After': '5' }).end('too many live views; the page polls instead\n');
      return false;
    }
    res.writeHead(200, { 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-store', 'X-Accel-Buffering': 'no', Connection: 'keep-alive' });
    res.write(`retry: 5000\n: drbot live\n\n`);
    this.clients.add(res);
    res.on('close', () => {
      this.clients.delete(res);
      if (!this.clients.size) this.stopTimers();
    });
    this.startTimers();
    return true;
  }

  /** Something changed: tell every watcher once per coalescing window. */
  changed(): void {
    if (this.coalesce || !this.clients.size) return;
    this.coalesce = setTimeout(() => {
      this.coalesce = undefined;
      this.broadcast('event: change\ndata: {}\n\n');
    }, this.opts.coalesceMs);
    this.coalesce.unref();
  }

  /** Ends every stream (drbot is stopping). */
  close(): void {
    this.closed = true;
    this.stopTimers();
    if (this.coalesce) clearTimeout(this.coalesce);
    for (const res of this.clients) res.end();
    this.clients.clear();
  }

  private broadcast(text: string): void {
    for (const res of this.clients) res.write(text);
  }

  private startTimers(): void {
    if (!this.heartbeat) {
      this.heartbeat = setInterval(() => this.broadcast(': keep-alive\n\n'), this.opts.heartbeatMs);
      this.heartbeat.unref();
    }
    if (!this.poll && this.opts.changeMark) {
      const read = this.opts.changeMark;
      this.poll = setInterval(() => {
        read().then(
          (mark) => {
            if (this.lastMark !== undefined && mark !== this.lastMark) this.changed();
            this.lastMark = mark;
          },
          (err) => this.opts.onError(err),
        );
      }, this.opts.pollMs);
      this.poll.unref();
    }
  }

  private stopTimers(): void {
    if (this.heartbeat) clearInterval(this.heartbeat);
    if (this.poll) clearInterval(this.poll);
    this.heartbeat = this.poll = undefined;
    this.lastMark = undefined;
  }
}
