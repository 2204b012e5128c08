import { CloudAdapter, ConfigurationBotFrameworkAuthentication, TurnContext, type Activity, type ConversationReference, type Request as BotRequest, type Response as BotResponse } from 'botbuilder';
import express from 'express';
import type { AppContext, DrbotModule } from '../../src/app/drbot-module.js';
import type { Logger } from '../../src/logging/create-logger.js';
import { commandLine } from './command-line.js';
import { viewActivity } from './reply-activities.js';
import { teamsActor } from './teams-actor.js';
import { TeamsCardKeeper } from './teams-card-keeper.js';
import { TeamsConversations } from './teams-conversations.js';
import { TeamsNoticeChannel, TeamsOpsChannel } from './teams-notice-channel.js';
import { TeamsPageSender } from './teams-page-sender.js';
import { teamsSettings, type TeamsSettings } from './teams-settings.js';
import { activityProblem, isLoopbackHost, serviceUrlProblem } from './teams-trust.js';
import { ConfigError } from '../../src/errors/drbot-error.js';
import { translator, type Lang } from '../../src/i18n/lang.js';
import { jsonDepthExceeds } from '../../src/agentlink/agent-protocol.js';
import { COMMAND_BACKLOG, COMMAND_CONCURRENCY, CommandQueue } from '../../src/app/command-queue.js';
import { isStoreUnavailable } from '../../src/store/store-error.js';

/** Largest activity body drbot reads, and its deepest nesting (Teams activities and card submits are far smaller and flatter). */
const TEAMS_BODY_LIMIT = '512kb';
const TEAMS_MAX_DEPTH = 64;

/** The Bot Framework messaging endpoint path. */
export const TEAMS_ENDPOINT = '/api/messages';

/**
 * Microsoft Teams through botbuilder's CloudAdapter on drbot's HTTP server: @mentions and card
 * submits become router commands, replies and the live incident card go back through the Bot
 * Connector, and pages reach people proactively from stored conversation references. The only
 * place botbuilder is imported (with `./*`): swapping to the Microsoft 365 Agents SDK touches this folder.
 */
export class TeamsModule implements DrbotModule {
  readonly name = 'teams';
  /** Commands arrive once the adapter serves: what reacts to their changes is subscribed first. */
  readonly after = ['incident-reactions'];
  private app?: AppContext;
  private log?: Logger;
  private conversations?: TeamsConversations;
  private keeper?: TeamsCardKeeper;
  private settings: TeamsSettings = { mode: 'off' };
  private stopping = false;
  private readonly queue: CommandQueue;

  constructor(options: { commandConcurrency?: number; commandBacklog?: number } = {}) {
    this.queue = new CommandQueue(options.commandConcurrency ?? COMMAND_CONCURRENCY, options.commandBacklog ?? COMMAND_BACKLOG, (err) =>
      this.log?.error({ err }, 'Teams reply failed'),
    );
  }

  async start(app: AppContext): Promise<void> {
    this.app = app;
    const log = (this.log = app.runtime.log.child({ module: 'teams' }));
    this.settings = teamsSettings(app.config.env);
    if (this.settings.mode === 'off') {
      log.info('Teams is off (set MicrosoftAppId to serve /api/messages)');
      return;
    }
    if (this.settings.mode === 'insecure' && !isLoopbackHost(app.config.listenHost)) {
      throw new ConfigError(
        `DRBOT_TEAMS_INSECURE=1 serves /api/messages without authentication, so only on a loopback address; drbot would listen on ${app.config.listenHost}`,
        'set DRBOT_LISTEN_HOST=127.0.0.1 (or listenHost: 127.0.0.1 in drbot.yaml) for the emulator or a local fake connector, or set MicrosoftAppId for real Teams',
      );
    }
    const auth =
      this.settings.mode === 'secure' ? new ConfigurationBotFrameworkAuthentication(this.settings.credentials) : new ConfigurationBotFrameworkAuthentication({});
    if (this.settings.mode === 'insecure') {
      log.warn(
        '!!! DRBOT_TEAMS_INSECURE=1: /api/messages accepts requests WITHOUT Bot Framework authentication. Anyone who can reach this port can act as any Teams user. Use only with the Bot Framework Emulator or a local fake connector; set MicrosoftAppId for real Teams. !!!',
      );
    } else if (app.config.env.DRBOT_TEAMS_INSECURE === '1') {
      log.warn('DRBOT_TEAMS_INSECURE is ignored because MicrosoftAppId is set; requests are authenticated');
    }
    const settings = this.settings;
    const adapter = new CloudAdapter(auth);
    adapter.onTurnError = async (_context, err) => {
      log.error({ err }, 'Teams turn failed');
    };
    const conversations = (this.conversations = new TeamsConversations(adapter, this.settings.appId, app.runtime.store, app.runtime.clock, (url) => serviceUrlProblem(url, settings)));
    const keeper = (this.keeper = new TeamsCardKeeper(app.runtime, conversations, app.config.teams.opsConversation));
    app.runtime.chat.register(new TeamsPageSender(conversations));
    if (app.config.notices.teamsConversations.length) app.runtime.notices.register(new TeamsNoticeChannel(conversations, app.config.notices.teamsConversations));
    if (app.config.teams.opsConversation) app.runtime.ops.register(new TeamsOpsChannel(conversations, app.config.teams.opsConversation));

    app.runtime.events.onIncident(async ({ incidentId, change, incident }) => {
      if (this.stopping) return;
      if (change === 'opened' && app.config.teams.opsConversation) await keeper.ensureCard(incidentId, undefined, incident);
      else await keeper.refresh(incidentId, incident);
      if (change === 'closed') await keeper.postReport(incidentId);
    });
    app.runtime.events.onTimeline(async (entry) => {
      if (!this.stopping) await keeper.postTimeline(entry);
    });

    // Refused before the body is read: shutting down, or (real mode) no Bot Framework token at all.
    const gate: express.RequestHandler = (req, res, next) => {
      if (this.stopping) {
        res.status(503).json({ error: 'drbot is shutting down' });
        return;
      }
      if (this.settings.mode === 'secure' && !req.headers.authorization) {
        // Refused here so the log says why; tokens that are present are checked by botbuilder.
        log.warn({ ip: req.ip }, 'Teams request without a Bot Framework token refused (401); only Azure Bot Service should reach /api/messages');
        res.status(401).json({ error: 'unauthorized' });
        return;
      }
      next();
    };
    // Nesting is bounded before JSON.parse: half a megabyte of brackets would block the loop for a good part of a second.
    const boundedJson = express.json({
      limit: TEAMS_BODY_LIMIT,
      verify: (_req, _res, buf) => {
        if (jsonDepthExceeds(buf.toString('utf8'), TEAMS_MAX_DEPTH)) throw Object.assign(new Error(`the activity is nested deeper than ${TEAMS_MAX_DEPTH} levels`), { status: 400, expose: true });
      },
    });
    app.http.app.post(TEAMS_ENDPOINT, gate, boundedJson, (req, res, next) => {
      const refused = activityProblem(req.body, settings);
      if (refused) {
        // nothing is stored or answered: drbot never calls a serviceUrl it does not trust
        log.warn({ ip: req.ip, status: refused.status, reason: refused.reason }, 'Teams activity refused');
        res.status(refused.status).json({ error: refused.reason });
        return;
      }
      adapter.process(req as unknown as BotRequest, res as unknown as BotResponse, (context) => this.onTurn(context)).catch(next);
    });
    log.info({ mode: this.settings.mode, appId: this.settings.appId || undefined, opsConversation: app.config.teams.opsConversation }, `Teams endpoint ready at ${TEAMS_ENDPOINT}`);
  }

  async stop(deadline: number): Promise<void> {
    this.stopping = true;
    const left = Math.max(0, deadline - Date.now());
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.idle(), new Promise<void>((resolve) => (timer = setTimeout(resolve, left)))]);
    clearTimeout(timer);
  }

  /** Resolves when every command in flight and every card update has finished (tests, shutdown). */
  async idle(): Promise<void> {
    do {
      await this.queue.idle();
      await this.app?.runtime.events.settled();
      await this.keeper?.idle();
    } while (this.queue.size);
  }

  /** One incoming activity: remember where it came from, then answer commands after the HTTP turn ends (ack first). */
  private async onTurn(context: TurnContext): Promise<void> {
    const activity = context.activity;
    if (activity.from?.role === 'bot') return;
    try {
      await this.conversations!.remember(activity);
    } catch (err) {
      if (!isStoreUnavailable(err)) throw err;
      // PostgreSQL failing over or unreachable: nothing is taken, and the asker hears so in this turn (no store needed)
      this.log!.warn({ err: (err as Error).message, activityId: activity.id }, 'Teams activity not taken: the store does not answer');
      if (activity.type === 'message') {
        await context.sendActivity({
          type: 'message',
          text: translator(this.app!.runtime.lang)(
            '저장소(데이터베이스)가 지금 응답하지 않습니다. 아무것도 바뀌지 않았습니다. drbot이 다시 연결을 시도하니 잠시 후 다시 실행하세요.',
            'The store (database) does not answer right now; nothing was changed. drbot keeps retrying the connection: run the command again in a moment.',
          ),
        });
      }
      return;
    }
    if (activity.type !== 'message') return;
    const line = commandLine(activity);
    if (!line) return;
    const here: Partial<ConversationReference> = { ...TurnContext.getConversationReference(activity), activityId: undefined };
    // At most a few commands run at once and a bounded number wait; past that the asker hears "busy" now instead of a queue without end.
    const queued = this.queue.push(() => this.runCommand(here, activity, line).catch((err: unknown) => this.log!.error({ err, activityId: activity.id }, 'Teams reply failed')));
    if (!queued) {
      this.log!.warn({ activityId: activity.id, waiting: this.queue.size }, 'Teams command refused: too many commands waiting');
      await context.sendActivity({
        type: 'message',
        text: translator(this.app!.runtime.lang)('drbot이 밀린 명령을 처리 중입니다. 잠시 후 다시 시도하세요.', 'drbot is working through a backlog of commands; try again in a moment.'),
      });
    }
  }

  private async runCommand(here: Partial<ConversationReference>, activity: Activity, line: string): Promise<void> {
    const { runtime: core, router } = this.app!;
    const actor = teamsActor(core.contacts, activity.from);
    const reply = await router.dispatch(line, actor, { eventId: activity.id, channel: here.conversation?.id });
    if (reply.incidentId && !reply.refused) await this.keeper!.ensureCard(reply.incidentId, here);
    // A file the answer brings to the incident (a log snapshot) goes under its card, as the report does.
    if (reply.incidentId && reply.file && !reply.refused) await this.keeper!.postFile(reply.incidentId, reply.file);
    // A card-only reply (`status`) was asked for: show it here too; otherwise the live card already shows it (and it is never built).
    const shown = reply.views.length ? reply.views : reply.card ? [await reply.card.render()] : [];
    const outgoing = shown.map(viewActivity);
    if (reply.personal && here.conversation?.conversationType !== 'personal') return this.sendPersonally(here, activity, outgoing, core.lang);
    await this.conversations!.send({ reference: here, replyToId: activity.id }, outgoing);
  }

  /**
   * A reply for the asker alone (a sign-in link) asked for in a channel or group chat, where every
   * member would see it: it goes to the person's personal chat with drbot, and the channel only
   * hears where to look (or how to open that chat first).
   */
  private async sendPersonally(here: Partial<ConversationReference>, activity: Activity, outgoing: Partial<Activity>[], lang: Lang): Promise<void> {
    const ids = [activity.from?.aadObjectId, activity.from?.id].filter((x): x is string => Boolean(x));
    let personal: Partial<ConversationReference> | undefined;
    for (const id of ids) personal ??= await this.conversations!.personal(id);
    const t = translator(lang);
    if (personal) await this.conversations!.send({ reference: personal }, outgoing);
    const note = personal
      ? t('drbot과의 개인 채팅으로 보냈습니다.', 'Sent to your personal chat with drbot.')
      : t('이 답은 본인만 봐야 합니다: drbot과 개인 채팅을 열고 그곳에서 다시 입력하세요.', 'This answer is for you alone: open a personal chat with drbot and type it there.');
    await this.conversations!.send({ reference: here, replyToId: activity.id }, [{ type: 'message', text: note }]);
  }
}
