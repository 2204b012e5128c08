import bolt from '@slack/bolt';
import type { App as BoltApp, Receiver } from '@slack/bolt';
import type { RetryOptions } from '@slack/web-api';
import type { AppContext, DrbotModule } from '../../src/app/drbot-module.js';
import type { Core } from '../../src/app/core.js';
import { realSleep } from '../../src/clock/clock.js';
import { ConfigError } from '../../src/errors/drbot-error.js';
import type { IncidentChanged } from '../../src/incident/incident-events.js';
import type { TimelineEntry } from '../../src/incident/incident.js';
import type { Logger } from '../../src/logging/create-logger.js';
import { renderIncidentPicture, renderIncidentReport } from '../../src/report/render-incident-report.js';
import { svgToPng } from '../../src/picture/svg-to-png.js';
import { reportDate } from '../../src/report/report-date.js';
import { timelineLine } from '../../src/views/timeline-line.js';
import { boltLogger } from './bolt-logger.js';
import { slackErrorCode } from './slack-error.js';
import { checkBotToken } from './check-bot-token.js';
import { COMMAND_BACKLOG, COMMAND_CONCURRENCY, CommandQueue } from '../../src/app/command-queue.js';
import { SlackNoticeChannel, SlackOpsChannel } from './slack-channel-posts.js';
import { registerSlackListeners, type ListenerHooks } from './register-slack-listeners.js';
import { takeSlashCommandRequest } from './slash-command-endpoint.js';
import { ResponseUrlPoster } from './response-url.js';
import { SlackConversation } from './slack-conversation.js';
import { SlackDelivery, type ReportSource } from './slack-delivery.js';
import { DEFAULT_OUTBOX_POLICY, SlackOutbox, type OutboxPolicy } from './slack-outbox.js';
import { SlackPageSender } from './slack-page-sender.js';
import { SlackRequestLedger } from './slack-request-ledger.js';
import { slackSettings } from './slack-settings.js';

const { App, ExpressReceiver, SocketModeReceiver } = bolt;

/** Options of the Slack module; production uses the defaults, tests shorten the retries. */
export interface SlackModuleOptions {
  env?: NodeJS.ProcessEnv;
  /** Web API retries for 5xx and network errors (429s always wait for Retry-After). */
  retryConfig?: RetryOptions;
  outboxPolicy?: OutboxPolicy;
  /** First wait before connecting Socket Mode again when Slack was unreachable at start (doubles up to a minute). */
  socketRetryMs?: number;
  /** Renders the report uploaded on close; by default the post-incident report (src/report). */
  report?: ReportSource;
  /** How long a slash command's ack waits for its answer to ride in it (ack-slot.ts); 0 acks at once and answers at the response_url. */
  ackBudgetMs?: number;
}

/** A few quick retries; what still fails goes to the outbox instead of holding the caller. */
const DEFAULT_RETRY: RetryOptions = { retries: 3, factor: 2, minTimeout: 500, maxTimeout: 4_000, randomize: true };

/**
 * Slack: `/incident` over the Events API at `/slack/events` on drbot's HTTP server (or Socket
 * Mode when SLACK_APP_TOKEN is set), a channel and live card per incident, timeline lines in the
 * card's thread, pages as DMs, and an outbox for whatever Slack cannot take at the moment.
 */
export class SlackModule implements DrbotModule {
  readonly name = 'slack';
  /** Commands arrive once the adapter serves: what reacts to their changes is subscribed first. */
  readonly after = ['incident-reactions'];
  private bolt?: BoltApp;
  private outbox?: SlackOutbox;
  private socketMode = false;
  private socketReceiver?: InstanceType<typeof SocketModeReceiver>;
  private stopping = false;
  private readonly inflight = new Set<Promise<unknown>>();
  private readonly setups = new Map<string, Promise<unknown>>();
  private conversation?: SlackConversation;
  private queue?: CommandQueue;
  private log?: Logger;
  private readonly stopSignal = new AbortController();
  private reconnecting?: Promise<void>;
  private readonly responses = new ResponseUrlPoster();

  constructor(private readonly options: SlackModuleOptions = {}) {}

  async start(app: AppContext): Promise<void> {
    const { runtime: core, http, config } = app;
    const settings = slackSettings(this.options.env ?? config.env);
    const log = core.log.child({ module: 'slack' });
    this.log = log;
    const logger = boltLogger(log.child({ component: 'bolt' }));
    const clientOptions = { slackApiUrl: settings.apiUrl, retryConfig: this.options.retryConfig ?? DEFAULT_RETRY };
    const ledger = new SlackRequestLedger(core.store.seenRequests, log, Date.now, core.lang);
    const queue = new CommandQueue(COMMAND_CONCURRENCY, COMMAND_BACKLOG, (err) => log.error({ err }, 'Slack command failed'));
    this.queue = queue;
    // What Slack's inputs are handed to; the conversation that answers them is made once Bolt's client exists, before drbot serves.
    const hooks: ListenerHooks = {
      submit: (input, options) =>
        queue.push(async () => {
          try {
            if (options?.onceEvent && !(await ledger.firstEvent(input.eventId))) return;
            await this.conversation?.handle(input);
          } finally {
            // A command that gave no answer in time (or none at all) is acked empty now, not at the budget's end.
            input.ack?.close();
          }
        }),
      hasRoom: () => queue.hasRoom(),
      stopping: () => this.stopping,
      lang: core.lang,
      ackBudgetMs: this.options.ackBudgetMs,
    };
    let receiver: Receiver;
    if (settings.appToken) {
      this.socketMode = true;
      this.socketReceiver = new SocketModeReceiver({ appToken: settings.appToken, logger, installerOptions: { clientOptions } });
      receiver = this.socketReceiver;
    } else {
      const express = new ExpressReceiver({ signingSecret: settings.signingSecret!, endpoints: '/slack/events', processBeforeResponse: false, logger });
      const secret = settings.signingSecret!;
      // Every POST to /slack/events, ahead of express: the ledger reads the raw body (Bolt verifies
      // the signature over it) and refuses a signed request seen before (a replay) on any replica;
      // slash commands it verified are acked and queued here, the rest goes on to Bolt.
      http.direct('POST', '/slack/events', (req, res, toExpress) => ledger.take(secret, req, res, () => takeSlashCommandRequest(hooks, req, res) || toExpress()));
      // Whatever reaches Bolt another way is checked by the ledger all the same.
      http.app.use(ledger.middleware(secret));
      http.app.use(express.router);
      receiver = express;
    }
    // Bolt would otherwise call auth.test itself, and a failure there nobody awaits would end the process.
    const identity = await checkBotToken(settings.botToken, { ...clientOptions, logger }, log);
    // No conversation store: drbot keeps no per-conversation state in Bolt, and Bolt's in-memory one
    // builds an Error (with its stack) for every event of a conversation it has not seen.
    const boltApp = new App({ token: settings.botToken, ...identity, tokenVerificationEnabled: false, receiver, logger, clientOptions, ignoreSelf: true, convoStore: false });
    boltApp.error(async (err) => {
      log.error({ err: { message: err.message, code: err.code } }, 'Slack event failed');
    });
    this.bolt = boltApp;

    const threads = core.store.threads;
    const delivery = new SlackDelivery(core, boltApp.client, threads, { createChannels: config.slack.createChannels }, this.options.report ?? postIncidentReport, log);
    const outbox = new SlackOutbox(core, core.store.outbox, (op, known) => delivery.perform(op, known), log, this.options.outboxPolicy ?? DEFAULT_OUTBOX_POLICY);
    this.outbox = outbox;
    this.conversation = new SlackConversation(app, boltApp.client, delivery, this.responses, this.setups, log, (op) => outbox.submit(op));
    registerSlackListeners(boltApp, hooks);

    // Before anything runs in the background: a refused app token ends the start with nothing left running.
    if (this.socketMode) await this.connectSocket(boltApp, log);
    core.chat.register(new SlackPageSender(outbox));
    if (config.slack.opsChannel) core.ops.register(new SlackOpsChannel(outbox, config.slack.opsChannel));
    if (config.notices.slackChannels.length) core.notices.register(new SlackNoticeChannel(outbox, config.notices.slackChannels));
    core.events.onIncident((e) => this.onIncident(core, config.slack.opsChannel, e));
    core.events.onTimeline((e) => this.onTimeline(core, config.slack.opsChannel, e));
    outbox.start();
    // Cards of incidents that changed (or opened) while Slack was off are brought up to date.
    void this.track(this.refreshOpenCards(core, config.slack.opsChannel));
    log.info({ mode: this.socketMode ? 'socket' : 'http', path: this.socketMode ? undefined : '/slack/events' }, 'Slack adapter started');
  }

  async stop(deadline: number): Promise<void> {
    this.stopping = true;
    this.stopSignal.abort();
    await this.reconnecting;
    await Promise.race([this.idle(), new Promise((r) => setTimeout(r, Math.max(0, deadline - Date.now())).unref())]);
    await this.outbox?.stop();
    this.responses.close();
    // Bolt's stop does not wait for the socket to close; the client's own disconnect does.
    await this.socketReceiver?.client.disconnect();
  }

  /** Resolves when every command, card update and delivery started so far has finished (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.inflight.size || (this.queue?.size ?? 0) > 0) {
      await this.queue?.idle();
      await Promise.allSettled([...this.inflight]);
    }
  }

  /** Delivers what waits in the outbox now (the background drainer does this on its own). */
  drainOutbox(): Promise<void> {
    return this.outbox?.drain() ?? Promise.resolve();
  }

  private track<T>(p: Promise<T>): Promise<T> {
    this.inflight.add(p);
    void p.then(
      () => this.inflight.delete(p),
      () => this.inflight.delete(p),
    );
    return p;
  }

  private onIncident(core: Core, opsChannel: string | undefined, e: IncidentChanged): Promise<void> | void {
    if (this.stopping || !this.outbox) return;
    const outbox = this.outbox;
    // A card made for an incident opened from Slack goes where the command was typed when no channel can be made.
    const fallbackChannel = e.change === 'opened' && e.origin.platform === 'slack' && e.origin.channel ? e.origin.channel : opsChannel;
    const work = this.track(
      (async () => {
        await outbox.submit({ kind: 'card', incidentId: e.incidentId, fallbackChannel }, { incident: e.incident });
        if (e.change === 'closed') await outbox.submit({ kind: 'report', incidentId: e.incidentId });
      })(),
    );
    if (e.change === 'opened') {
      // Set synchronously, so the command that opened the incident finds it when it answers.
      this.setups.set(e.incidentId, work);
      void work.finally(() => this.setups.delete(e.incidentId)).catch(() => undefined);
    }
    return work;
  }

  private onTimeline(core: Core, opsChannel: string | undefined, entry: TimelineEntry): Promise<void> | void {
    if (this.stopping || !this.outbox || entry.kind === 'opened') return;
    const outbox = this.outbox;
    return this.track(outbox.submit({ kind: 'thread', incidentId: entry.incidentId, text: timelineLine(entry, core.timeZone), fallbackChannel: opsChannel }).then(() => undefined));
  }

  /**
   * Connects Socket Mode. An app token Slack refuses stops the start, naming the variable; Slack
   * being unreachable does not: drbot starts and keeps trying in the background.
   */
  private async connectSocket(app: BoltApp, log: Logger): Promise<void> {
    try {
      await app.start();
      return;
    } catch (err) {
      const code = slackErrorCode(err);
      if (code) throw new ConfigError(`Slack refused SLACK_APP_TOKEN (${code})`, 'check SLACK_APP_TOKEN: an App-Level Token (xapp-…) with connections:write, and Socket Mode turned on for the app');
      log.warn({ err: (err as Error).message }, 'Socket Mode could not connect to Slack; retrying in the background');
    }
    this.reconnecting = (async () => {
      let wait = this.options.socketRetryMs ?? 5_000;
      while (!this.stopping) {
        await realSleep(wait, this.stopSignal.signal);
        if (this.stopping) return;
        try {
          await app.start();
          log.info('Socket Mode connected');
          return;
        } catch (err) {
          wait = Math.min(60_000, wait * 2);
          log.warn({ err: (err as Error).message, retryInMs: wait }, 'Socket Mode still cannot connect to Slack');
        }
      }
    })();
  }

  private async refreshOpenCards(core: Core, opsChannel: string | undefined): Promise<void> {
    try {
      for (const incident of await core.store.incidents.list(['open'], 50)) {
        await this.outbox?.submit({ kind: 'card', incidentId: incident.id, fallbackChannel: opsChannel });
      }
    } catch (err) {
      this.log?.warn({ err }, 'could not refresh the cards of open incidents at start');
    }
  }
}

/** The post-incident report, exactly as the report module writes it to its file. */
const postIncidentReport: ReportSource = async (core, incidentId) => {
  const incident = await core.store.incidents.get(incidentId);
  if (!incident) return undefined;
  const title = core.lang === 'ko' ? `${incidentId} 장애 보고서` : `${incidentId} post-incident report`;
  const png = svgToPng(await renderIncidentPicture(core, incident));
  const picture = { filename: `${reportDate(incident, core.timeZone)}-${incidentId}-timeline.png`, title: core.lang === 'ko' ? `${incidentId} 타임라인` : `${incidentId} timeline`, png };
  return { filename: `${reportDate(incident, core.timeZone)}-${incidentId}.md`, title, markdown: await renderIncidentReport(core, incident), picture };
};
