import type { WebClient } from '@slack/web-api';
import type { Core } from '../../src/app/core.js';
import type { Incident } from '../../src/incident/incident.js';
import type { Logger } from '../../src/logging/create-logger.js';
import type { IncidentThread, IncidentThreadRepository } from '../../src/store/incident-thread-repository.js';
import { incidentChannelName } from './incident-channel-name.js';
import { slackMrkdwn } from '../../src/markup/slack.js';
import { cardSnapshot, slackCard } from './slack-card.js';
import { slackErrorCode } from './slack-error.js';
import type { SlackOp } from './slack-op.js';

/** A rendered report to share: file name, title and Markdown text. */
export interface ReportDocument {
  filename: string;
  title: string;
  markdown: string;
  /** The incident's timeline picture as PNG (Slack shows PNG, not SVG), uploaded beside the report. */
  picture?: { filename: string; title: string; png: Buffer };
}

/** What the event behind a delivery already knows, so the delivery need not read it again. */
export interface DeliveryHint {
  incident?: Incident;
}

/** Renders the report of a closed incident. */
export type ReportSource = (core: Core, incidentId: string) => Promise<ReportDocument | undefined>;

/** How incident channels are made. */
export interface ChannelSettings {
  createChannels: boolean;
}

/**
 * Carries out Slack deliveries against the Web API: the incident channel and card (created
 * once, then updated in place), thread lines, DMs, channel posts and the report upload.
 * Deliveries for one incident run one at a time, so a burst of events never makes two channels.
 */
export class SlackDelivery {
  private readonly lanes = new Map<string, Promise<unknown>>();
  /** Card refreshes waiting in each incident's lane: all but the last are skipped (it renders the newest state). */
  private readonly cardsWaiting = new Map<string, number>();

  constructor(
    private readonly core: Core,
    private readonly client: WebClient,
    private readonly threads: IncidentThreadRepository,
    private readonly settings: ChannelSettings,
    private readonly report: ReportSource,
    private readonly log: Logger,
  ) {}

  /**
   * Performs one delivery; throws the Web API error when Slack cannot take it now. `known` is the
   * incident as the event that asked for a card carried it (then it is not read again).
   */
  perform(op: SlackOp, known?: DeliveryHint): Promise<void> {
    switch (op.kind) {
      case 'card': {
        const id = op.incidentId;
        this.cardsWaiting.set(id, (this.cardsWaiting.get(id) ?? 0) + 1);
        return this.inLane(id, () => {
          const waiting = this.cardsWaiting.get(id)! - 1;
          if (waiting) this.cardsWaiting.set(id, waiting);
          else this.cardsWaiting.delete(id);
          return waiting > 0 ? Promise.resolve() : this.card(id, op.fallbackChannel, known?.incident);
        });
      }
      case 'thread':
        return this.inLane(op.incidentId, async () => {
          const thread = await this.ensureThread(op.incidentId, op.fallbackChannel);
          if (!thread) return;
          await this.client.chat.postMessage({ channel: thread.channel, thread_ts: thread.messageId, text: slackMrkdwn(op.text), unfurl_links: false });
        });
      case 'dm':
        return this.dm(op.user, op.text, op.incidentId);
      case 'post':
        return this.client.chat.postMessage({ channel: op.channel, text: op.text, blocks: op.blocks, unfurl_links: false }).then(() => undefined);
      case 'report':
        return this.inLane(op.incidentId, () => this.uploadReport(op.incidentId));
      case 'file':
        return this.inLane(op.incidentId, () => this.uploadFile(op.incidentId, op, op.fallbackChannel));
    }
  }

  /** The incident's Slack thread, once a delivery for it has made one (waits for one in progress). */
  async threadOf(incidentId: string): Promise<IncidentThread | undefined> {
    await this.lanes.get(incidentId)?.catch(() => undefined);
    return this.threads.get(incidentId, 'slack');
  }

  private async card(incidentId: string, fallbackChannel: string | undefined, known?: Incident): Promise<void> {
    const existing = await this.threads.get(incidentId, 'slack');
    if (!existing) {
      await this.createThread(incidentId, fallbackChannel, known);
      return;
    }
    const snap = await cardSnapshot(this.core, incidentId, known);
    if (!snap) return;
    const card = slackCard(this.core, snap);
    await this.client.chat.update({ channel: existing.channel, ts: existing.messageId, text: card.text, blocks: card.blocks });
  }

  private async ensureThread(incidentId: string, fallbackChannel: string | undefined): Promise<IncidentThread | undefined> {
    return (await this.threads.get(incidentId, 'slack')) ?? this.createThread(incidentId, fallbackChannel);
  }

  /** Creates the incident channel (or falls back to `fallbackChannel`), invites the rung's people and posts the card. */
  private async createThread(incidentId: string, fallbackChannel: string | undefined, known?: Incident): Promise<IncidentThread | undefined> {
    const snap = await cardSnapshot(this.core, incidentId, known);
    if (!snap) return undefined;
    const { incident, holders } = snap;
    const card = slackCard(this.core, snap);
    const log = this.log.child({ incidentId });
    let channel: string | undefined;
    if (this.settings.createChannels) channel = await this.createChannel(incidentChannelName(incident), log);
    if (channel) {
      const opener = this.core.contacts.byName(incident.openedBy);
      const users = [...new Set([...holders, ...(opener ? [opener] : [])].map((c) => c.slack).filter((id): id is string => Boolean(id)))];
      if (users.length) {
        try {
          await this.client.conversations.invite({ channel, users: users.join(',') });
        } catch (err) {
          const code = slackErrorCode(err);
          if (!code) throw err;
          log.warn({ code, users }, 'could not invite the rung to the incident channel; they can join it themselves');
        }
      }
    } else {
      channel = fallbackChannel;
    }
    if (!channel) {
      log.warn('no incident channel could be created and no fallback channel is known; set slack.opsChannel');
      return undefined;
    }
    const posted = await this.client.chat.postMessage({ channel, text: card.text, blocks: card.blocks, unfurl_links: false });
    if (!posted.ts) throw new Error('chat.postMessage returned no ts');
    const thread = await this.threads.save({ incidentId, platform: 'slack', channel: posted.channel ?? channel, messageId: posted.ts, createdAt: this.core.clock.now() });
    log.info({ channel: thread.channel }, 'incident card posted');
    return thread;
  }

  /** Creates a public channel; undefined when Slack does not allow it (then the card goes to the fallback channel). */
  private async createChannel(name: string, log: Logger): Promise<string | undefined> {
    for (const candidate of [name, `${name}-${this.core.newId().slice(0, 4)}`]) {
      try {
        const res = await this.client.conversations.create({ name: candidate, is_private: false });
        if (res.channel?.id) return res.channel.id;
        return undefined;
      } catch (err) {
        const code = slackErrorCode(err);
        if (!code) throw err;
        if (code === 'name_taken') continue;
        log.warn({ code, name: candidate }, 'Slack refused to create the incident channel; posting in the fallback channel (check the channels:manage scope or set slack.createChannels: false)');
        return undefined;
      }
    }
    return undefined;
  }

  private async dm(user: string, text: string, incidentId: string | undefined): Promise<void> {
    const thread = incidentId ? await this.threads.get(incidentId, 'slack') : undefined;
    const link = thread ? `\n→ <#${thread.channel}>` : '';
    await this.client.chat.postMessage({ channel: user, text: slackMrkdwn(text) + link, unfurl_links: false });
  }

  private async uploadReport(incidentId: string): Promise<void> {
    const thread = await this.threads.get(incidentId, 'slack');
    if (!thread) return;
    const doc = await this.report(this.core, incidentId);
    if (!doc) return;
    await this.client.files.uploadV2({
      channel_id: thread.channel,
      thread_ts: thread.messageId,
      initial_comment: doc.title,
      file_uploads: [
        { content: doc.markdown, filename: doc.filename, title: doc.title },
        ...(doc.picture ? [{ file: doc.picture.png, filename: doc.picture.filename, title: doc.picture.title }] : []),
      ],
    });
  }

  /** Uploads a text file (a log snapshot) into the incident's channel, under its card; the channel is made first when it has none yet. */
  private async uploadFile(incidentId: string, file: { filename: string; title: string; content: string }, fallbackChannel: string | undefined): Promise<void> {
    const thread = await this.ensureThread(incidentId, fallbackChannel);
    if (!thread) return;
    await this.client.files.uploadV2({
      channel_id: thread.channel,
      thread_ts: thread.messageId,
      initial_comment: slackMrkdwn(file.title),
      file_uploads: [{ content: file.content, filename: file.filename, title: file.title }],
    });
  }

  private inLane<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.lanes.get(key) ?? Promise.resolve();
    const next = prev.catch(() => undefined).then(fn);
    this.lanes.set(key, next);
    void next.then(
      () => this.lanes.get(key) === next && this.lanes.delete(key),
      () => this.lanes.get(key) === next && this.lanes.delete(key),
    );
    return next;
  }
}
