import { TurnContext, type Activity, type CloudAdapter, type ConversationReference } from 'botbuilder';
import type { Clock } from '../../src/clock/clock.js';
import { DrbotError, ErrorCode } from '../../src/errors/drbot-error.js';
import { ConversationRefRepository } from '../../src/store/conversation-ref-repository.js';
import type { Store } from '../../src/store/store.js';

const PLATFORM = 'teams';

/** Thrown when drbot has no stored way to reach a conversation or a person on Teams. */
export class NoTeamsConversationError extends DrbotError {
  constructor(readonly who: string) {
    super(ErrorCode.PlatformUnavailable, `no conversation with ${who} yet (they must install drbot or message it once on Teams)`);
  }
}

/** Where a proactive message goes: a conversation, optionally as a reply in a channel thread. */
export interface TeamsTarget {
  reference: Partial<ConversationReference>;
  /** In a channel, post into the thread of this message (the incident card). */
  threadOf?: string;
  /** Reply to this activity (the user's command message). */
  replyToId?: string;
}

/** The conversation id without a `;messageid=` thread suffix (what a new channel post needs). */
export function baseConversationId(id: string): string {
  return id.split(';')[0]!;
}

/**
 * Stored conversation references and proactive sends through the CloudAdapter. References are rows
 * (`conversation_refs`), so pages and card updates keep working after a restart.
 */
export class TeamsConversations {
  private readonly refs: ConversationRefRepository;

  constructor(
    private readonly adapter: CloudAdapter,
    private readonly appId: string,
    private readonly store: Store,
    private readonly clock: Clock,
    /** Why drbot must not call a serviceUrl with its token (undefined: it may). */
    private readonly untrusted: (serviceUrl: string | undefined) => string | undefined = () => undefined,
  ) {
    this.refs = store.conversationRefs;
  }

  /** Stores how to reach the activity's conversation and, in a personal chat, the person. */
  async remember(activity: Partial<Activity>): Promise<Partial<ConversationReference>> {
    const ref = TurnContext.getConversationReference(activity);
    const conversation = { ...ref.conversation!, id: baseConversationId(ref.conversation!.id) };
    const stored: Partial<ConversationReference> = { ...ref, conversation, activityId: undefined };
    const now = this.clock.now();
    await this.refs.save(PLATFORM, `conv:${conversation.id}`, stored, now);
    if (conversation.conversationType === 'personal' && activity.from) {
      for (const id of new Set([activity.from.id, activity.from.aadObjectId].filter((x): x is string => Boolean(x)))) {
        await this.refs.save(PLATFORM, `user:${id}`, stored, now);
      }
    }
    return stored;
  }

  /** The stored reference of a conversation, by its id. */
  conversation(conversationId: string): Promise<Partial<ConversationReference> | undefined> {
    return this.refs.get(PLATFORM, `conv:${baseConversationId(conversationId)}`);
  }

  /** The stored personal-chat reference of a person, by their Teams id (or AAD object id). */
  personal(userId: string): Promise<Partial<ConversationReference> | undefined> {
    return this.refs.get(PLATFORM, `user:${userId}`);
  }

  /** Sends activities proactively; returns the new activity ids. */
  async send(target: TeamsTarget, activities: Partial<Activity>[]): Promise<string[]> {
    if (!activities.length) return [];
    let ids: string[] = [];
    await this.adapter.continueConversationAsync(this.appId, this.trusted(this.referenceFor(target)), async (context) => {
      context.onSendActivities(async (_ctx, outgoing, next) => {
        for (const a of outgoing) {
          // The continuation turn's own id is random; reply only where asked to.
          if (target.replyToId && !target.threadOf) a.replyToId = target.replyToId;
          else delete a.replyToId;
        }
        return next();
      });
      const responses = await context.sendActivities(activities);
      ids = responses.map((r) => r?.id ?? '');
    });
    return ids;
  }

  /** Replaces an activity (the incident card) in place. */
  async update(reference: Partial<ConversationReference>, activityId: string, activity: Partial<Activity>): Promise<void> {
    await this.adapter.continueConversationAsync(this.appId, this.trusted(reference), async (context) => {
      await context.updateActivity({ ...activity, id: activityId, type: 'message' });
    });
  }

  /** The reference, once its serviceUrl is one drbot may send its Bot Framework token to (a stored row could hold any). */
  private trusted(reference: Partial<ConversationReference>): Partial<ConversationReference> {
    const problem = this.untrusted(reference.serviceUrl);
    if (problem) throw new DrbotError(ErrorCode.PlatformUnavailable, `drbot does not call this Teams conversation: ${problem}`, 'receive a fresh message from Teams in that conversation so its reference is stored again');
    return reference;
  }

  private referenceFor(target: TeamsTarget): Partial<ConversationReference> {
    const conv = target.reference.conversation!;
    if (target.threadOf && conv.conversationType === 'channel') {
      return { ...target.reference, conversation: { ...conv, id: `${baseConversationId(conv.id)};messageid=${target.threadOf}` } };
    }
    return target.reference;
  }
}
