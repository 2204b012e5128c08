import type { Contact } from '../../src/contacts/contact-schema.js';
import { DrbotError, ErrorCode } from '../../src/errors/drbot-error.js';
import type { ChatPageSender, PageRequest } from '../../src/notify/pager.js';
import type { SlackOutbox } from './slack-outbox.js';
import { drillTag } from '../../src/incident/drill.js';

/** The page could not reach Slack now; it waits in the outbox and is delivered when Slack answers. */
export class SlackPageQueuedError extends DrbotError {
  constructor(person: string) {
    super(ErrorCode.PlatformUnavailable, `Slack is not answering; the DM to ${person} waits in the outbox`);
  }
}

/** Pages as Slack DMs (chat.postMessage to the user id) with a link to the incident channel. */
export class SlackPageSender implements ChatPageSender {
  readonly platform = 'slack' as const;

  constructor(private readonly outbox: SlackOutbox) {}

  canReach(contact: Contact): boolean {
    return Boolean(contact.slack);
  }

  /** Sends the DM; when it cannot go now it is queued and this throws, so the ladder can try other channels meanwhile. */
  async send(request: PageRequest): Promise<void> {
    const user = request.contact.slack;
    if (!user) throw new Error(`${request.contact.name} has no Slack id`);
    const ko = request.lang === 'ko';
    const text = [
      ko ? `${drillTag(request.incident)}🚨 ${request.incident.id} — ${request.level}단계 호출 (${request.role})` : `${drillTag(request.incident)}🚨 ${request.incident.id} — level ${request.level} page (${request.role})`,
      request.summary,
      ko ? `확인: /incident ack ${request.incident.id}` : `Acknowledge: /incident ack ${request.incident.id}`,
    ].join('\n');
    const result = await this.outbox.submit({ kind: 'dm', user, text, incidentId: request.incident.id });
    if (result === 'queued') throw new SlackPageQueuedError(request.contact.name);
    if (result === 'dropped') throw new Error(`Slack refused the DM to ${request.contact.name}`);
  }
}
