import { randomUUID } from 'node:crypto';

/** The bot's identity in test activities. */
export const BOT = { id: '28:drbot-app', name: 'drbot' };
/** The ops channel test activities use. */
export const OPS_CHANNEL = '19:ops-channel@thread.tacv2';

/** Teams users from config/contacts.yaml (by their Teams id), plus someone who is not on it. */
export const TEAMS_USERS = {
  kim: { id: '29:devops-kim', name: 'Kim DevOps', aadObjectId: '00000000-0000-0000-0000-00000000000a' },
  lee: { id: '29:backend-lee', name: 'Lee Backend', aadObjectId: '00000000-0000-0000-0000-00000000000b' },
  jung: { id: '29:cto-jung', name: 'Jung CTO', aadObjectId: '00000000-0000-0000-0000-00000000000c' },
  stranger: { id: '29:stranger', name: 'Stranger', aadObjectId: '00000000-0000-0000-0000-00000000000f' },
};
type User = (typeof TEAMS_USERS)[keyof typeof TEAMS_USERS];

/** Builds Bot Framework activities the way Teams sends them. */
export class TeamsActivityBuilder {
  private activity: Record<string, unknown>;

  constructor(serviceUrl: string) {
    this.activity = {
      type: 'message',
      id: `act-${randomUUID()}`,
      timestamp: new Date().toISOString(),
      serviceUrl,
      channelId: 'msteams',
      from: TEAMS_USERS.kim,
      recipient: BOT,
      conversation: { id: OPS_CHANNEL, conversationType: 'channel', tenantId: 'tenant-1' },
      channelData: { tenant: { id: 'tenant-1' } },
    };
  }

  /** From this user. */
  from(user: User): this {
    this.activity.from = user;
    return this;
  }

  /** In a team channel. */
  inChannel(id = OPS_CHANNEL): this {
    this.activity.conversation = { id, conversationType: 'channel', tenantId: 'tenant-1' };
    return this;
  }

  /** In the user's personal chat with the bot. */
  inPersonalChat(): this {
    const from = this.activity.from as User;
    this.activity.conversation = { id: `a:personal-${from.id}`, conversationType: 'personal', tenantId: 'tenant-1' };
    return this;
  }

  /** A typed message that @mentions the bot, as Teams sends it in a channel. */
  mentioning(text: string): this {
    const mention = `<at>${BOT.name}</at>`;
    this.activity.text = `${mention} ${text}`;
    this.activity.entities = [{ type: 'mention', text: mention, mentioned: BOT }];
    return this;
  }

  /** A typed message without a mention (personal chat). */
  saying(text: string): this {
    this.activity.text = text;
    return this;
  }

  /** An Adaptive Card Action.Submit click on a card message. */
  submitting(command: string, cardId?: string): this {
    this.activity.value = { command };
    delete this.activity.text;
    if (cardId) this.activity.replyToId = cardId;
    return this;
  }

  /** The bot being installed into the conversation (conversationUpdate with the bot added). */
  installing(): this {
    this.activity.type = 'conversationUpdate';
    this.activity.membersAdded = [BOT];
    delete this.activity.text;
    return this;
  }

  build(): Record<string, unknown> {
    return structuredClone(this.activity);
  }
}
