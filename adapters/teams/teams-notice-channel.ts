import type { NoticeChannel, UserNotice } from '../../src/notify/notice-channel.js';
import type { OpsChannel } from '../../src/notify/ops-channel.js';
import type { View } from '../../src/views/view.js';
import { viewActivity } from './reply-activities.js';
import { NoTeamsConversationError, type TeamsConversations } from './teams-conversations.js';

/** Posts a view to a list of Teams conversations; succeeds when at least one got it. */
async function postToAll(conversations: TeamsConversations, ids: readonly string[], view: View, signal?: AbortSignal): Promise<string> {
  const delivered: string[] = [];
  const failed: string[] = [];
  for (const id of ids) {
    if (signal?.aborted) break;
    try {
      const reference = await conversations.conversation(id);
      if (!reference) throw new NoTeamsConversationError(id);
      await conversations.send({ reference }, [viewActivity(view)]);
      delivered.push(id);
    } catch (err) {
      failed.push(`${id}: ${(err as Error).message}`);
    }
  }
  if (!delivered.length) throw new Error(failed.join('; ') || 'no Teams conversation configured');
  return `Teams ${delivered.join(', ')}${failed.length ? ` (failed: ${failed.join('; ')})` : ''}`;
}

/** User notices (outage / recovered) to the Teams conversations listed in `notices.teamsConversations`. */
export class TeamsNoticeChannel implements NoticeChannel {
  readonly name = 'teams';

  constructor(
    private readonly conversations: TeamsConversations,
    private readonly targets: readonly string[],
  ) {}

  post(notice: UserNotice, signal: AbortSignal): Promise<string> {
    return postToAll(this.conversations, this.targets, notice.view, signal);
  }
}

/** The team's ops channel on Teams (`teams.opsConversation`): scheduled-check results and other notices. */
export class TeamsOpsChannel implements OpsChannel {
  constructor(
    private readonly conversations: TeamsConversations,
    private readonly opsConversation: string,
  ) {}

  async post(view: View): Promise<void> {
    await postToAll(this.conversations, [this.opsConversation], view);
  }
}
