import type { Contact } from '../contacts/contact-schema.js';
import type { RunbookPack } from '../runbook/pack-schema.js';
import type { ChannelPager } from './fallback-pager.js';
import { pageText } from './page-text.js';
import type { PageRequest, PageResult } from './pager.js';
import type { Mailer } from './smtp-mailer.js';

/** The email channel of a page: one message to the contact's address through the SMTP server. */
export class SmtpPager implements ChannelPager {
  constructor(
    private readonly mailer: Mailer,
    private readonly pack: RunbookPack,
  ) {}

  canReach(contact: Contact): boolean {
    return Boolean(contact.email);
  }

  async page(request: PageRequest): Promise<PageResult> {
    const to = request.contact.email;
    if (!to) return { ok: false, channel: 'email', detail: `${request.contact.name} has no email address` };
    const { subject, body } = pageText(request, this.pack);
    try {
      await this.mailer.send({
        to: [to],
        subject,
        text: body,
        headers: { 'X-Drbot-Incident': request.incident.id, 'X-Drbot-Level': String(request.level) },
      });
      return { ok: true, channel: 'email', via: 'smtp', detail: `email to ${request.contact.name} <${to}>` };
    } catch (err) {
      return { ok: false, channel: 'email', via: 'smtp', detail: (err as Error).message };
    }
  }
}
