import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { formatDuration } from '../i18n/format-duration.js';
import { formatTime } from '../i18n/format-time.js';
import type { WatchdogReport } from '../agentlink/agent-protocol.js';
import type { Mailer } from '../notify/smtp-mailer.js';
import { postWebhook, type WebhookTarget } from '../notify/webhook-post.js';

/** One health target of the host as the watchdog probed it just now. */
export interface TargetHealth {
  name: string;
  url: string;
  ok: boolean;
  detail: string;
}

/** Where the watchdog pages: email to a list through the agent's SMTP server, and/or the webhook. */
export interface WatchdogChannels {
  email?: { mailer: Mailer; to: string[] };
  webhook?: WebhookTarget;
}

/** Options of the watchdog; every outside dependency comes in here. */
export interface WatchdogOptions {
  /** The agent's id and the host name incidents use. */
  agentId: string;
  host: string;
  /** drbot's agent endpoint (only its host:port is ever shown). */
  drbotUrl: string;
  afterMs: number;
  repeatMs: number;
  channels: WatchdogChannels;
  /** Probes the host's own health targets (agent.yaml `targets`). */
  probe: () => Promise<TargetHealth[]>;
  /** The agent's private state directory: `watchdog.json` keeps the outage across an agent restart. */
  stateDir: string;
  timeZone: string;
  log?: Logger;
  now?: () => number;
  /** Longest a channel may take per message (default 20 s). */
  sendDeadlineMs?: number;
}

/** What survives an agent restart (kill -9 included): the current outage, and when the last page went out. */
interface Persisted {
  /** Start of the current outage; absent while drbot is reachable. */
  since?: number;
  /** Pages sent in the current outage. */
  pages: number;
  /** When the last page went out, in this outage or an earlier one (repeats are at least `repeatMs` apart, across outages too). */
  lastPagedAt?: number;
  lastOutage?: { since: number; until: number; pages: number };
}

const STATE_FILE = 'watchdog.json';

/** Most health targets listed in one page. */
const MAX_TARGETS = 20;

/**
 * The agent's fallback pager for when drbot itself is unreachable. The client reports every link
 * change; once drbot has been unreachable for `afterMs` the watchdog pages through the agent's own
 * channels, saying since when, from which host, and how the host's health targets answer now. It
 * pages again at most every `repeatMs` (counted from the last page, even of an earlier outage, so a
 * flapping drbot cannot flood anyone), and when the link is back it says drbot is reachable again.
 *
 * State is written to `stateDir/watchdog.json` BEFORE each message goes out: a restarted agent
 * (even after kill -9) continues the same outage and never pages twice within `repeatMs`; the price
 * is that a page cut off by the crash is not resent until the next repeat.
 */
export class Watchdog {
  private state: Persisted = { pages: 0 };
  private up = false;
  private lastError?: string;
  private timer?: NodeJS.Timeout;
  private stopped = false;
  private readonly sending = new Set<Promise<void>>();
  private readonly now: () => number;
  private readonly file: string;

  constructor(private readonly options: WatchdogOptions) {
    this.now = options.now ?? Date.now;
    this.file = join(options.stateDir, STATE_FILE);
  }

  /** Loads the state an earlier agent process left, and treats drbot as unreachable until the link says otherwise. */
  start(): void {
    this.state = this.load();
    if (this.state.since !== undefined) {
      this.options.log?.warn({ since: new Date(this.state.since).toISOString(), pages: this.state.pages }, 'watchdog: continuing the drbot outage recorded before this agent started');
    }
    this.down('the agent just started');
  }

  /** The link to drbot is welcomed: ends an outage (with a "reachable again" message when it was paged). */
  linkUp(): void {
    if (this.stopped || this.up) return;
    this.up = true;
    clearTimeout(this.timer);
    const since = this.state.since;
    if (since === undefined) return;
    const pages = this.state.pages;
    const until = this.now();
    // only an outage someone was paged about is worth showing later; a start before the first welcome is not one
    this.state = { pages: 0, lastPagedAt: this.state.lastPagedAt, lastOutage: pages > 0 ? { since, until, pages } : this.state.lastOutage };
    this.save();
    if (pages > 0) this.track(this.sendRecovered(since, until, pages));
    else this.options.log?.info({ since: new Date(since).toISOString() }, 'watchdog: drbot reachable again before anyone was paged');
  }

  /** The link to drbot is gone or could not be made (`reason`: why, for the page). */
  linkDown(reason: string): void {
    if (this.stopped) return;
    this.lastError = reason.slice(0, 300);
    if (this.up || this.state.since === undefined) this.down(reason);
  }

  /** What `/incident agents` shows: armed (drbot reachable), waiting (unreachable, not paged yet) or paging since when. */
  report(): WatchdogReport {
    const { since, pages, lastPagedAt, lastOutage } = this.state;
    return {
      state: since === undefined || this.up ? 'armed' : pages > 0 ? 'paging' : 'waiting',
      since: this.up ? undefined : since,
      pages: this.up ? 0 : pages,
      lastPagedAt,
      afterMinutes: this.options.afterMs / 60_000,
      repeatMinutes: this.options.repeatMs / 60_000,
      channels: this.channelNames(),
      lastOutage,
    };
  }

  /** Stops the timer and waits for messages on their way. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await Promise.allSettled([...this.sending]);
  }

  private down(reason: string): void {
    this.up = false;
    this.lastError = reason.slice(0, 300);
    if (this.state.since === undefined) {
      this.state = { ...this.state, since: this.now(), pages: 0 };
      this.save();
    }
    this.arm();
  }

  /** The next time something is due: the first page after `afterMs`, then repeats `repeatMs` after the last page. */
  private nextDueAt(): number {
    const { since = this.now(), pages, lastPagedAt } = this.state;
    const first = pages === 0 ? since + this.options.afterMs : 0;
    const repeat = lastPagedAt !== undefined ? lastPagedAt + this.options.repeatMs : 0;
    return Math.max(first, repeat);
  }

  private arm(): void {
    clearTimeout(this.timer);
    if (this.stopped || this.up) return;
    const delay = Math.max(0, this.nextDueAt() - this.now());
    // setTimeout holds at most ~24.8 days; a longer wait re-arms on the way
    this.timer = setTimeout(() => this.tick(), Math.min(delay, 2 ** 31 - 1));
    this.timer.unref?.();
  }

  private tick(): void {
    if (this.stopped || this.up || this.state.since === undefined) return;
    if (this.now() < this.nextDueAt()) return this.arm();
    const since = this.state.since;
    const at = this.now();
    this.state = { ...this.state, pages: this.state.pages + 1, lastPagedAt: at };
    this.save();
    this.track(this.sendPage(since, at, this.state.pages));
    this.arm();
  }

  private track(job: Promise<void>): void {
    const guarded = job.catch((err: unknown) => this.options.log?.error({ err: (err as Error).message }, 'watchdog: sending failed'));
    this.sending.add(guarded);
    void guarded.finally(() => this.sending.delete(guarded));
  }

  private async sendPage(since: number, at: number, page: number): Promise<void> {
    const { host, timeZone } = this.options;
    const targets = await this.options.probe().catch((err: unknown): TargetHealth[] => [{ name: 'targets', url: '', ok: false, detail: `could not probe: ${(err as Error).message}` }]);
    const failing = targets.filter((t) => !t.ok);
    const health = !targets.length ? 'no health targets configured' : failing.length ? failing.map((t) => `${t.name} ${pathOf(t.url)} failing`).join(', ') : 'all health targets ok';
    const subject = `drbot unreachable from ${host} since ${formatTime(since, timeZone)}; ${health}`.slice(0, 250);
    const lines = [
      `drbot (${hostOf(this.options.drbotUrl)}) has been unreachable from ${host} since ${formatTime(since, timeZone)} (${timeZone}), ${formatDuration(at - since, 'en')}.`,
      this.lastError ? `Last error: ${this.lastError}` : '',
      '',
      `Health targets of ${host} right now:`,
      ...(targets.length ? targets.slice(0, MAX_TARGETS).map((t) => `- ${t.name} ${t.url}: ${t.ok ? 'ok' : 'FAILING'} (${t.detail})`) : ['- none configured in agent.yaml']),
      ...(targets.length > MAX_TARGETS ? [`- … and ${targets.length - MAX_TARGETS} more`] : []),
      '',
      `Page ${page} of this outage. Pages, ladders and alarms live inside drbot and are not running while it is unreachable: check drbot's host and process.`,
      `The next page comes at most every ${formatMinutes(this.options.repeatMs)} while drbot stays unreachable; a "reachable again" message follows when it is back.`,
      `Sent by drbot-agent ${this.options.agentId} on ${host}.`,
    ].filter((l, i, all) => l !== '' || all[i - 1] !== '');
    this.options.log?.warn({ since: new Date(since).toISOString(), page, failingTargets: failing.map((t) => t.name) }, 'watchdog: drbot unreachable; paging');
    await this.send({
      kind: 'unreachable',
      subject,
      text: lines.join('\n'),
      drbot: { event: 'watchdog', state: 'unreachable', agent: this.options.agentId, host, since: iso(since), at: iso(at), page, targets: targets.slice(0, MAX_TARGETS).map(({ name, ok, detail }) => ({ name, ok, detail })) },
      since,
      targets,
    });
  }

  private async sendRecovered(since: number, until: number, pages: number): Promise<void> {
    const { host, timeZone } = this.options;
    const subject = `drbot reachable again from ${host} (unreachable since ${formatTime(since, timeZone)}, ${formatDuration(until - since, 'en')})`;
    const text = [
      `drbot (${hostOf(this.options.drbotUrl)}) is reachable again from ${host} at ${formatTime(until, timeZone)} (${timeZone}).`,
      `It was unreachable from ${formatTime(since, timeZone)} for ${formatDuration(until - since, 'en')}; the watchdog paged ${pages} time${pages === 1 ? '' : 's'}.`,
      `drbot catches up on what came due meanwhile and says so in its ops channel.`,
      `Sent by drbot-agent ${this.options.agentId} on ${host}.`,
    ].join('\n');
    this.options.log?.info({ since: new Date(since).toISOString(), pages }, 'watchdog: drbot reachable again; telling those paged');
    await this.send({
      kind: 'reachable',
      subject,
      text,
      drbot: { event: 'watchdog', state: 'reachable', agent: this.options.agentId, host, since: iso(since), until: iso(until), pages },
      since,
      targets: [],
    });
  }

  /** Sends one message through every channel at once; each channel's outcome is logged, none throws. */
  private async send(message: { kind: 'unreachable' | 'reachable'; subject: string; text: string; drbot: Record<string, unknown>; since: number; targets: TargetHealth[] }): Promise<void> {
    const { email, webhook } = this.options.channels;
    const deadlineMs = this.options.sendDeadlineMs ?? 20_000;
    const jobs: Promise<void>[] = [];
    if (email) {
      jobs.push(
        email.mailer
          .send({ to: email.to, subject: message.subject, text: message.text, headers: { 'X-Drbot-Watchdog': `${message.kind}; host=${this.options.host}` } })
          .then(
            () => this.options.log?.info({ channel: 'email', to: email.to.length, kind: message.kind }, 'watchdog: message sent'),
            (err: unknown) => this.options.log?.error({ channel: 'email', reason: (err as Error).message, kind: message.kind }, 'watchdog: message not sent'),
          ),
      );
    }
    if (webhook) {
      const payload = webhook.format === 'pagerduty-v2' ? this.pagerDutyEvent(webhook, message) : { ...message.drbot, subject: message.subject, text: message.text };
      jobs.push(
        postWebhook(webhook, payload, AbortSignal.timeout(deadlineMs)).then((r) =>
          r.ok
            ? this.options.log?.info({ channel: 'webhook', detail: r.detail, kind: message.kind }, 'watchdog: message sent')
            : this.options.log?.error({ channel: 'webhook', reason: r.detail, kind: message.kind }, 'watchdog: message not sent'),
        ),
      );
    }
    await Promise.all(jobs);
  }

  /** A PagerDuty Events v2 `trigger` per page (one alert per outage: same dedup key), `resolve` when drbot is back. */
  private pagerDutyEvent(webhook: WebhookTarget, message: { kind: 'unreachable' | 'reachable'; subject: string; since: number; targets: TargetHealth[] }) {
    const dedupKey = `drbot-watchdog:${this.options.host}:${iso(message.since)}`;
    if (message.kind === 'reachable') return { routing_key: webhook.routingKey, event_action: 'resolve', dedup_key: dedupKey };
    return {
      routing_key: webhook.routingKey,
      event_action: 'trigger',
      dedup_key: dedupKey,
      client: 'drbot-agent',
      payload: {
        summary: message.subject.slice(0, 1024),
        source: this.options.host,
        severity: 'critical',
        timestamp: iso(this.now()),
        component: 'drbot',
        class: 'drbot-unreachable',
        custom_details: { since: iso(message.since), agent: this.options.agentId, targets: Object.fromEntries(message.targets.slice(0, MAX_TARGETS).map((t) => [t.name, `${t.ok ? 'ok' : 'failing'}: ${t.detail}`])) },
      },
    };
  }

  private channelNames(): string[] {
    const { email, webhook } = this.options.channels;
    return [...(email ? ['email'] : []), ...(webhook ? [webhook.format === 'pagerduty-v2' ? 'pagerduty' : 'webhook'] : [])];
  }

  private load(): Persisted {
    let text: string;
    try {
      text = readFileSync(this.file, 'utf8');
    } catch {
      return { pages: 0 };
    }
    try {
      const raw = JSON.parse(text) as Partial<Persisted>;
      const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
      const o = raw.lastOutage;
      return {
        since: num(raw.since),
        pages: num(raw.pages) ?? 0,
        lastPagedAt: num(raw.lastPagedAt),
        lastOutage: o && num(o.since) !== undefined && num(o.until) !== undefined ? { since: o.since, until: o.until, pages: num(o.pages) ?? 0 } : undefined,
      };
    } catch {
      this.options.log?.warn({ file: this.file }, 'watchdog: state file is damaged; starting afresh');
      return { pages: 0 };
    }
  }

  /** Writes the state atomically (a new file renamed over the old), so kill -9 leaves the old or the new state, never half. */
  private save(): void {
    const tmp = `${this.file}.tmp`;
    try {
      writeFileSync(tmp, JSON.stringify(this.state), { mode: 0o600 });
      renameSync(tmp, this.file);
    } catch (err) {
      this.options.log?.error({ reason: (err as Error).message }, 'watchdog: cannot record its state; an agent restart may page again');
    }
  }
}

function iso(at: number): string {
  return new Date(at).toISOString();
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return 'drbot';
  }
}

function pathOf(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return '';
  }
}

function formatMinutes(ms: number): string {
  return ms >= 60_000 ? formatDuration(ms, 'en') : `${Math.round(ms / 1000)} s`;
}
