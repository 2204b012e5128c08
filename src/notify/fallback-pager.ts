import type { Contact, PageChannel } from '../contacts/contact-schema.js';
import type { Pager, PageRequest, PageResult } from './pager.js';

/** One channel of a page (chat, email, webhook) that can tell whether it reaches a person at all. */
export interface ChannelPager extends Pager {
  canReach(contact: Contact): boolean;
}

/** The default order when a contact does not say: chat, then email, then webhook. */
export const DEFAULT_PAGE_CHANNELS: readonly PageChannel[] = ['chat', 'email', 'webhook'];

/**
 * A page that arrives: for each person, tries their `pageVia` channels in order until one delivers
 * within its deadline. A slow channel is abandoned (its request's signal aborts) when its deadline
 * passes, so the ladder never waits longer than the deadline per channel. The result names the
 * channel that carried the page, or, when none did, every channel's reason.
 */
export class FallbackPager implements Pager {
  constructor(
    private readonly channels: Partial<Record<PageChannel, ChannelPager>>,
    private readonly options: { deadlineMs: number; channelDeadlinesMs?: Partial<Record<PageChannel, number>> },
  ) {}

  /** The channels that are set up (the others are skipped with a reason). */
  configured(): PageChannel[] {
    return (Object.keys(this.channels) as PageChannel[]).filter((c) => this.channels[c]);
  }

  async page(request: PageRequest): Promise<PageResult> {
    const order = request.contact.pageVia?.length ? request.contact.pageVia : DEFAULT_PAGE_CHANNELS;
    const failures: string[] = [];
    for (const channel of order) {
      if (request.signal?.aborted) break;
      const pager = this.channels[channel];
      if (!pager) {
        failures.push(`${channel}: ${NOT_CONFIGURED[channel]}`);
        continue;
      }
      if (!pager.canReach(request.contact)) {
        failures.push(`${channel}: ${UNREACHABLE[channel]}`);
        continue;
      }
      const result = await this.attempt(pager, channel, request);
      if (result.ok) {
        return { ...result, channel, detail: failures.length ? `${result.detail} (${failures.join('; ')})` : result.detail };
      }
      failures.push(`${channel}: ${result.detail}`);
    }
    return { ok: false, detail: `no channel reached ${request.contact.name}: ${failures.join('; ') || 'no channels'}` };
  }

  /** One channel, bounded by the deadline; a throw or a timeout is a failed result, never an exception. */
  private async attempt(pager: ChannelPager, channel: PageChannel, request: PageRequest): Promise<PageResult> {
    const abandon = new AbortController();
    const onOuterAbort = () => abandon.abort(request.signal?.reason);
    request.signal?.addEventListener('abort', onOuterAbort, { once: true });
    const deadlineMs = this.options.channelDeadlinesMs?.[channel] ?? this.options.deadlineMs;
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<PageResult>((resolve) => {
      timer = setTimeout(() => {
        abandon.abort(new Error('page channel deadline passed'));
        resolve({ ok: false, channel, detail: `no answer within ${formatSeconds(deadlineMs)}; abandoned` });
      }, deadlineMs);
    });
    const sending = pager
      .page({ ...request, signal: abandon.signal })
      .catch((err: unknown): PageResult => ({ ok: false, channel, detail: err instanceof Error ? err.message : String(err) }));
    try {
      return await Promise.race([sending, deadline]);
    } finally {
      clearTimeout(timer);
      request.signal?.removeEventListener('abort', onOuterAbort);
    }
  }
}

const NOT_CONFIGURED: Record<PageChannel, string> = {
  chat: 'no chat platform is running',
  email: 'email is not set up (SMTP_URL)',
  webhook: 'no webhook is set up (DRBOT_WEBHOOK_URL)',
};

const UNREACHABLE: Record<PageChannel, string> = {
  chat: 'no chat platform knows this person',
  email: 'no email address on the contact list',
  webhook: 'the webhook does not reach this person',
};

function formatSeconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}
