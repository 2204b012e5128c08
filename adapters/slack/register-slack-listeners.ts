import type { App as BoltApp, BlockAction } from '@slack/bolt';
import { z } from 'zod';
import type { Lang } from '../../src/i18n/lang.js';
import { MAX_COMMAND_LENGTH } from '../../src/router/tokenize.js';
import { AckSlot, type AckBody } from './ack-slot.js';
import { ACTION_PREFIX } from './render-block-kit.js';
import type { SlackInput } from './slack-conversation.js';

/** What the listeners need from the module. */
export interface ListenerHooks {
  /**
   * Queues the input for the router; false when the queue is full. With `onceEvent` the queued task
   * first checks the store that no replica took this Events API event id before (Slack retries an
   * event it thinks was not taken, to any replica, also after a restart).
   */
  submit(input: SlackInput, options?: { onceEvent?: boolean }): boolean;
  /** True while the queue takes more work. */
  hasRoom(): boolean;
  stopping(): boolean;
  lang: Lang;
  /** How long a slash command's ack waits for its answer (ack-slot.ts); 0 acks at once. */
  ackBudgetMs?: number;
}

/** The fields of a slash command drbot reads (Slack's form post, or Bolt's `command` in Socket Mode). */
export interface SlashCommandForm {
  command?: string;
  text?: string;
  user_id: string;
  user_name?: string;
  channel_id?: string;
  trigger_id: string;
  response_url?: string;
}

function refusals(lang: Lang): { restarting: string; busy: string } {
  return {
    restarting: lang === 'ko' ? 'drbot이 재시작 중입니다. 잠시 후 다시 시도하세요.' : 'drbot is restarting; try again in a moment.',
    busy: lang === 'ko' ? 'drbot이 밀린 명령을 처리 중입니다. 잠시 후 다시 시도하세요.' : 'drbot is working through a backlog of commands; try again in a moment.',
  };
}

/**
 * Takes one `/incident` slash command and acks it exactly once through `ack`: with the refusal
 * when drbot is stopping or its queue is full; otherwise the command is queued for the router and
 * the ack waits (up to the hooks' budget) for its answer to ride in it (ack-slot.ts). The same for
 * Bolt's listener (Socket Mode) and for signed HTTP posts (`slashCommandEndpoint`).
 */
export function takeSlashCommand(hooks: ListenerHooks, command: SlashCommandForm, ack: (body: AckBody) => boolean | void): void {
  if (hooks.stopping() || !hooks.hasRoom()) {
    const { restarting, busy } = refusals(hooks.lang);
    ack({ response_type: 'ephemeral', text: hooks.stopping() ? restarting : busy });
    return;
  }
  const slot = new AckSlot(ack, hooks.ackBudgetMs);
  hooks.submit({
    text: command.text ?? '',
    userId: command.user_id,
    userName: command.user_name,
    channel: command.channel_id,
    eventId: command.trigger_id,
    via: 'command',
    responseUrl: command.response_url,
    ack: slot,
  });
}

/** A button's or menu option's value: the typed command it stands for. */
const ClickedCommand = z.string().min(1).max(MAX_COMMAND_LENGTH);

const MENTION = /<@[UW][A-Z0-9]+(\|[^>]*)?>/g;

/**
 * Wires Bolt's listeners: `/incident`, clicks on drbot's buttons and menus, app mentions and
 * DMs. Each acknowledges first and then hands the text to the router.
 */
export function registerSlackListeners(app: BoltApp, hooks: ListenerHooks): void {
  const { restarting, busy } = refusals(hooks.lang);

  app.command('/incident', async ({ command, ack }) => {
    await new Promise<void>((resolve, reject) => takeSlashCommand(hooks, command, (body) => void ack(body).then(resolve, reject)));
  });

  app.action<BlockAction>(new RegExp(`^${ACTION_PREFIX}`), async ({ ack, body, action, respond }) => {
    await ack();
    const raw = action.type === 'button' ? action.value : action.type === 'static_select' ? action.selected_option?.value : undefined;
    const value = ClickedCommand.safeParse(raw);
    if (!value.success) return;
    if (hooks.stopping() || !hooks.hasRoom()) {
      await respond({ response_type: 'ephemeral', replace_original: false, text: hooks.stopping() ? restarting : busy });
      return;
    }
    hooks.submit({
      text: value.data,
      userId: body.user.id,
      userName: body.user.username ?? body.user.name,
      channel: body.channel?.id,
      eventId: `${action.action_ts}:${value.data}`,
      via: 'click',
      responseUrl: body.response_url,
    });
  });

  app.event('app_mention', async ({ event, body }) => {
    if (hooks.stopping() || !event.user) return;
    hooks.submit(
      {
        text: event.text.replace(MENTION, ' '),
        userId: event.user,
        channel: event.channel,
        eventId: body.event_id,
        via: 'mention',
        threadTs: event.thread_ts ?? event.ts,
      },
      { onceEvent: true },
    );
  });

  app.message(async ({ message, body }) => {
    // drbot's own DMs (pages) come back as message events; only people's messages are commands.
    if (message.channel_type !== 'im' || message.subtype !== undefined || !('user' in message) || !message.user || ('bot_id' in message && message.bot_id)) return;
    const eventId = (body as { event_id?: string }).event_id ?? message.ts;
    if (hooks.stopping()) return;
    hooks.submit({ text: (message.text ?? '').replace(MENTION, ' '), userId: message.user, channel: message.channel, eventId, via: 'dm' }, { onceEvent: true });
  });
}
