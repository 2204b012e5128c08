import type { WebClient } from '@slack/web-api';
import { resolveActor } from '../../src/app/actor.js';
import type { AppContext } from '../../src/app/drbot-module.js';
import type { Logger } from '../../src/logging/create-logger.js';
import { replyViews, type Reply, type View } from '../../src/views/view.js';
import type { AckSlot } from './ack-slot.js';
import { renderBlockKit, type SlackMessage, mrkdwn } from './render-block-kit.js';
import type { ResponseUrlPoster } from './response-url.js';
import type { SlackDelivery } from './slack-delivery.js';
import type { SlackOp } from './slack-op.js';

/** Where a line of text came from in Slack, and how to answer it. */
export interface SlackInput {
  text: string;
  userId: string;
  userName?: string;
  channel?: string;
  /** Stable id of the Slack event: trigger id, event id, or action ts + value for clicks. */
  eventId: string;
  via: 'command' | 'click' | 'mention' | 'dm';
  /** Where the answer to a slash command or click goes (Slack's response_url). */
  responseUrl?: string;
  /** A slash command's ack, still open: an answer ready in time rides in it instead of going to the response_url. */
  ack?: AckSlot;
  /** The message to thread the answer under (mentions). */
  threadTs?: string;
}

/**
 * One Slack input through the router and back: slash commands, clicks, mentions and DMs all
 * become a line of text and an actor; the router checks roles. Refusals and private answers go
 * only to the asker; an `open` answers with a link to the incident channel.
 */
export class SlackConversation {
  /** Commands of clicks still being handled: a double click finds its twin here and runs nothing. */
  private readonly clicking = new Set<string>();

  constructor(
    private readonly app: AppContext,
    private readonly client: WebClient,
    private readonly delivery: SlackDelivery,
    private readonly responses: ResponseUrlPoster,
    private readonly setups: Map<string, Promise<unknown>>,
    private readonly log: Logger,
    /** Hands a delivery to the outbox (kept and retried until Slack takes it): the files replies bring to an incident. */
    private readonly submit: (op: SlackOp) => Promise<unknown>,
  ) {}

  /** Dispatches the text and answers; never throws. */
  async handle(input: SlackInput): Promise<void> {
    const { runtime: core, router } = this.app;
    const actor = resolveActor(core.contacts, 'slack', input.userId, input.userName);
    if (input.via === 'click') {
      if (this.clicking.has(input.text)) {
        const busy = core.lang === 'ko' ? `이미 처리 중입니다: ${input.text}` : `Already being handled: ${input.text}`;
        await this.send(input, renderBlockKit([{ blocks: [{ type: 'text', text: busy }], summary: busy }]), true).catch((err) => this.log.warn({ err }, 'could not answer a double click'));
        return;
      }
      this.clicking.add(input.text);
    }
    try {
      const reply = await router.dispatch(input.text, actor, { eventId: input.eventId, channel: input.channel });
      await this.answer(input, reply);
      await this.bringFile(input, reply);
    } catch (err) {
      this.log.error({ err, via: input.via }, 'could not answer a Slack command');
    } finally {
      if (input.via === 'click') this.clicking.delete(input.text);
    }
  }

  private async answer(input: SlackInput, reply: Reply): Promise<void> {
    const hidden = reply.private || reply.refused;
    if (!hidden && reply.incidentId && reply.opened) {
      await this.setups.get(reply.incidentId)?.catch(() => undefined);
      const thread = await this.delivery.threadOf(reply.incidentId);
      const ko = this.app.runtime.lang === 'ko';
      const line = thread
        ? ko
          ? `${reply.incidentId} 인시던트 채널: <#${thread.channel}>`
          : `${reply.incidentId} has its channel: <#${thread.channel}>`
        : ko
          ? `${reply.incidentId} 열림. Slack 채널은 Slack이 응답하면 만들어집니다.`
          : `${reply.incidentId} is open; its Slack channel is made as soon as Slack answers.`;
      // The incident channel shows the card; the answer is the line and the link to it.
      const first = reply.views[0];
      const message = renderBlockKit(first ? [first] : []);
      message.blocks.push({ type: 'section', text: mrkdwn(line) });
      message.text = `${message.text}\n${line}`;
      await this.send(input, message, true);
      return;
    }
    // A click's card refreshes in place; the click's answer shows only what the card does not.
    const views: View[] = input.via === 'click' && !hidden ? reply.views : await replyViews(reply);
    if (!views.length) return;
    await this.send(input, renderBlockKit(views), hidden || input.via === 'click');
  }

  /** A file the reply carries (a log snapshot) goes into the incident's channel as an upload, through the outbox. */
  private async bringFile(input: SlackInput, reply: Reply): Promise<void> {
    if (!reply.file || !reply.incidentId) return;
    const { filename, title, content } = reply.file;
    await this.submit({ kind: 'file', incidentId: reply.incidentId, filename, title, content, fallbackChannel: input.channel });
  }

  private async send(input: SlackInput, message: SlackMessage, ephemeral: boolean): Promise<void> {
    const { blocks } = message;
    const responseType = ephemeral ? 'ephemeral' : 'in_channel';
    if (input.ack?.offer({ response_type: responseType, text: message.text, blocks })) return;
    if (input.responseUrl) {
      await this.responses.post(input.responseUrl, { response_type: responseType, replace_original: false, text: message.text, blocks });
      return;
    }
    if (!input.channel) return;
    if (ephemeral && input.via === 'mention') {
      await this.client.chat.postEphemeral({ channel: input.channel, user: input.userId, text: message.text, blocks });
      return;
    }
    await this.client.chat.postMessage({ channel: input.channel, thread_ts: input.threadTs, text: message.text, blocks, unfurl_links: false });
  }
}
