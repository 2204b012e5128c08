import type { NoticeChannel, NoticeDelivery, UserNotice } from './notice-channel.js';

/** The user-facing notice channels that are running; adapters register theirs, notices go to all of them at once. */
export class NoticeBoard {
  private readonly registered: NoticeChannel[] = [];

  constructor(private readonly options: { deadlineMs: number } = { deadlineMs: 15_000 }) {}

  /** Adds a channel (Slack, Teams, email). */
  register(channel: NoticeChannel): void {
    this.registered.push(channel);
  }

  /** Names of the registered channels. */
  channels(): string[] {
    return this.registered.map((c) => c.name);
  }

  /** Posts to every channel concurrently; a channel that throws or misses the deadline is a failed delivery. */
  async post(notice: UserNotice): Promise<NoticeDelivery[]> {
    return Promise.all(this.registered.map((channel) => this.postOne(channel, notice)));
  }

  private async postOne(channel: NoticeChannel, notice: UserNotice): Promise<NoticeDelivery> {
    const abandon = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<NoticeDelivery>((resolve) => {
      timer = setTimeout(() => {
        abandon.abort(new Error('notice deadline passed'));
        resolve({ channel: channel.name, ok: false, detail: `no answer within ${Math.round(this.options.deadlineMs / 1000)} s` });
      }, this.options.deadlineMs);
    });
    const posting = channel.post(notice, abandon.signal).then(
      (detail): NoticeDelivery => ({ channel: channel.name, ok: true, detail }),
      (err: unknown): NoticeDelivery => ({ channel: channel.name, ok: false, detail: err instanceof Error ? err.message : String(err) }),
    );
    try {
      return await Promise.race([posting, deadline]);
    } finally {
      clearTimeout(timer);
    }
  }
}
