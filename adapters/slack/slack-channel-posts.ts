import type { NoticeChannel, UserNotice } from '../../src/notify/notice-channel.js';
import type { OpsChannel } from '../../src/notify/ops-channel.js';
import type { View } from '../../src/views/view.js';
import { renderBlockKit } from './render-block-kit.js';
import type { SlackOutbox } from './slack-outbox.js';

/** Posts a view to each channel through the outbox; succeeds when every channel got it now. */
async function postToAll(outbox: SlackOutbox, channels: readonly string[], view: View, signal?: AbortSignal): Promise<string> {
  const { blocks, text } = renderBlockKit([view]);
  const sent: string[] = [];
  const later: string[] = [];
  for (const channel of channels) {
    if (signal?.aborted) break;
    const result = await outbox.submit({ kind: 'post', channel, text, blocks });
    (result === 'sent' ? sent : later).push(`${channel}${result === 'dropped' ? ' (refused)' : ''}`);
  }
  if (!sent.length) throw new Error(`Slack did not take it now: ${later.join(', ') || 'no channel configured'} (queued ones are delivered when Slack answers)`);
  return `Slack ${sent.join(', ')}${later.length ? ` (not now: ${later.join(', ')})` : ''}`;
}

/** User notices (outage / recovered) to the Slack channels listed in `notices.slackChannels`. */
export class SlackNoticeChannel implements NoticeChannel {
  readonly name = 'slack';

  constructor(
    private readonly outbox: SlackOutbox,
    private readonly channels: readonly string[],
  ) {}

  post(notice: UserNotice, signal: AbortSignal): Promise<string> {
    return postToAll(this.outbox, this.channels, notice.view, signal);
  }
}

/** The team's ops channel on Slack (`slack.opsChannel`): scheduled-check results and other notices. */
export class SlackOpsChannel implements OpsChannel {
  constructor(
    private readonly outbox: SlackOutbox,
    private readonly channel: string,
  ) {}

  async post(view: View): Promise<void> {
    await postToAll(this.outbox, [this.channel], view);
  }
}
