import type { Contact, PageChannel } from '../contacts/contact-schema.js';
import type { Lang } from '../i18n/lang.js';
import type { Incident } from '../incident/incident.js';
import type { Role } from '../runbook/pack-schema.js';

/** One page to one person for one ladder rung of one incident. */
export interface PageRequest {
  incident: Incident;
  level: number;
  role: Role;
  contact: Contact;
  /** What the person needs to know: type, elapsed time, steps tried and their results, current blocker. */
  summary: string;
  lang: Lang;
  /** Aborted when the page is abandoned (its channel's deadline passed); channels that can should stop then. */
  signal?: AbortSignal;
}

/** How a page went: delivered (through which channel) or not, with a detail for the timeline. */
export interface PageResult {
  ok: boolean;
  channel?: PageChannel;
  /** Which platform or address carried it (`slack`, `teams`, `console`, `smtp`, `webhook`). */
  via?: string;
  detail: string;
}

/** The port the ladder pages through. */
export interface Pager {
  page(request: PageRequest): Promise<PageResult>;
}

/** Sends a page as a chat message on one platform; throws when it cannot. */
export interface ChatPageSender {
  readonly platform: 'console' | 'slack' | 'teams';
  /** True when the contact has an identity on this platform. */
  canReach(contact: Contact): boolean;
  send(request: PageRequest): Promise<void>;
}

/**
 * The chat channel of a page: tries each registered platform that can reach the person (a DM on
 * Slack, on Teams, a line on the console) and succeeds when one of them delivers.
 * Platform adapters register their sender when they start.
 */
export class ChatPager implements Pager {
  private readonly senders: ChatPageSender[] = [];

  /** Adds a platform's sender. */
  register(sender: ChatPageSender): void {
    this.senders.push(sender);
  }

  /** True when some registered platform can reach the contact. */
  canReach(contact: Contact): boolean {
    return this.senders.some((s) => s.canReach(contact));
  }

  async page(request: PageRequest): Promise<PageResult> {
    const reachable = this.senders.filter((s) => s.canReach(request.contact));
    if (!reachable.length) return { ok: false, channel: 'chat', detail: `no chat platform reaches ${request.contact.name}` };
    const failures: string[] = [];
    for (const sender of reachable) {
      try {
        await sender.send(request);
        return { ok: true, channel: 'chat', via: sender.platform, detail: `${sender.platform} message to ${request.contact.name}` };
      } catch (err) {
        failures.push(`${sender.platform}: ${(err as Error).message}`);
      }
    }
    return { ok: false, channel: 'chat', detail: failures.join('; ') };
  }
}
